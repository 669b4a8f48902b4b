// A 3x3 / stride 1 "same" convolution fused with bias, ReLU and 2x2 / stride 2 max pooling, with
// AVX-512 (pa_f32_grid_conv3x3_maxpool2x2): for the first layer of a CNN on few input channels,
// where the GEMM view (K = 9 per channel) is too thin to be more than a copy of the output, and the
// full-resolution output is the largest activation of the network. One step makes 16 pooled
// outputs of one row for 4 output channels: 32 convolution columns of 2 convolution rows each
// (16 accumulators), from 4 input rows x 3 shifts x 2 vectors loaded once per input channel; then
// the max of the two rows, of each even/odd lane pair (two vpermt2ps), bias and ReLU (both commute
// with the max), one store. The convolution's output never reaches memory.
#include <immintrin.h>

#include "../ops/pool_kernels.h"
#include "vec_avx512.h"

#define PA_STRINGIFY(x) #x
#define PA_UNROLL(n) _Pragma(PA_STRINGIFY(GCC unroll n))

namespace pa {
namespace {

using V = Avx512Vec;

inline int clamp16(int64_t n) { return n < 0 ? 0 : n > 16 ? 16 : (int)n; }

// 16 pooled outputs (fewer when MASKED: input lanes past column w are not read) of pooled row py
// for G channels. top: input channel 0 at (2*py - 1, 2*ox0 - 1), the first tap of the step.
template <int G, bool MASKED, int CIN>
PA_INLINE void step(const Conv3x3Pool2x2& p, const float* top, int32_t ox0, const float* w, const float* bias,
                    bool relu, float* const (&d)[G], int32_t outputs) {
  __m512 acc[G][4];  // [channel][conv row 0 lanes 0-15, 16-31, conv row 1 lanes 0-15, 16-31]
  PA_UNROLL(16)
  for (int g = 0; g < G; ++g) {
    PA_UNROLL(4)
    for (int v = 0; v < 4; ++v) acc[g][v] = V::zero();
  }
  __mmask16 ka[3] = {0xFFFF, 0xFFFF, 0xFFFF}, kb[3] = {0xFFFF, 0xFFFF, 0xFFFF};
  if (MASKED) {
    for (int dx = 0; dx < 3; ++dx) {
      const int64_t valid = (int64_t)p.w + 1 - (2 * (int64_t)ox0 - 1 + dx);  // input columns <= w
      ka[dx] = V::mask(clamp16(valid));
      kb[dx] = V::mask(clamp16(valid - 16));
    }
  }
  const int32_t cin = CIN > 0 ? CIN : p.cin;  // a compile-time 1 for the usual first layer
  for (int32_t ci = 0; ci < cin; ++ci) {
    const float* base = top + ci * p.ildc;
    const float* wc = w + ci * 9;
    PA_UNROLL(4)
    for (int r = 0; r < 4; ++r) {  // input rows 2*py - 1 .. 2*py + 2
      const float* row = base + r * p.iwp;
      PA_UNROLL(3)
      for (int dx = 0; dx < 3; ++dx) {
        const __m512 xa = MASKED ? V::load(row + dx, ka[dx]) : V::load(row + dx);
        const __m512 xb = MASKED ? V::load(row + dx + 16, kb[dx]) : V::load(row + dx + 16);
        PA_UNROLL(16)
        for (int g = 0; g < G; ++g) {
          const float* wg = wc + (int64_t)g * cin * 9;
          if (r <= 2) {  // tap (r, dx) of convolution row 0
            const __m512 wv = V::broadcast(wg + r * 3 + dx);
            acc[g][0] = V::fma(wv, xa, acc[g][0]);
            acc[g][1] = V::fma(wv, xb, acc[g][1]);
          }
          if (r >= 1) {  // tap (r - 1, dx) of convolution row 1
            const __m512 wv = V::broadcast(wg + (r - 1) * 3 + dx);
            acc[g][2] = V::fma(wv, xa, acc[g][2]);
            acc[g][3] = V::fma(wv, xb, acc[g][3]);
          }
        }
      }
    }
  }
  PA_UNROLL(16)
  for (int g = 0; g < G; ++g) {
    __m512 y = avx512_pairs_max(V::max(acc[g][0], acc[g][2]), V::max(acc[g][1], acc[g][3]));
    if (bias != nullptr) y = _mm512_add_ps(y, _mm512_set1_ps(bias[g]));
    if (relu) y = V::max(y, V::zero());
    if (MASKED) {
      V::store(d[g] + ox0, y, V::mask(outputs));
    } else {
      V::store(d[g] + ox0, y);
    }
  }
}

template <int G, int CIN>
void planes(const Conv3x3Pool2x2& p, const float* src, const float* w, const float* bias, bool relu, float* dst,
            int64_t ldo) {
  for (int g = 0; g < G; ++g) avx512_zero(dst + g * ldo, p.oguard);
  for (int32_t b = 0; b < p.images; ++b) {
    const float* img = src + b * p.iimage;
    for (int32_t py = 0; py < p.oh; ++py) {
      float* d[G];
      for (int g = 0; g < G; ++g) d[g] = dst + g * ldo + p.oguard + b * p.oimage + (int64_t)py * p.owp;
      const float* top = img + (int64_t)(2 * py - 1) * p.iwp - 1;
      int32_t ox0 = 0;
      for (; ox0 + 16 <= p.ow; ox0 += 16) step<G, false, CIN>(p, top + 2 * ox0, ox0, w, bias, relu, d, 16);
      if (ox0 < p.ow) step<G, true, CIN>(p, top + 2 * ox0, ox0, w, bias, relu, d, p.ow - ox0);
      for (int g = 0; g < G; ++g) avx512_zero(d[g] + p.ow, p.opad);
    }
    for (int g = 0; g < G; ++g) {
      avx512_zero(dst + g * ldo + p.oguard + b * p.oimage + (int64_t)p.oh * p.owp, p.opad * p.owp);
    }
  }
  for (int g = 0; g < G; ++g) avx512_zero(dst + g * ldo + p.oguard + p.images * p.oimage, p.oguard);
}

}  // namespace

void f32_conv3x3_maxpool2x2__avx512(const Conv3x3Pool2x2& p, const float* src, const float* w, const float* bias,
                                    bool relu, int32_t count, float* dst, int64_t ldo) {
  static_assert(kConvPoolGroup == 4, "one instantiation per group size below");
  if (p.cin == 1 && count == 4) {
    planes<4, 1>(p, src, w, bias, relu, dst, ldo);
    return;
  }
  switch (count) {
    case 4: planes<4, 0>(p, src, w, bias, relu, dst, ldo); break;
    case 3: planes<3, 0>(p, src, w, bias, relu, dst, ldo); break;
    case 2: planes<2, 0>(p, src, w, bias, relu, dst, ldo); break;
    default: planes<1, 0>(p, src, w, bias, relu, dst, ldo); break;
  }
}

}  // namespace pa
