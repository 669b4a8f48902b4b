// 2x2 / stride 2 max pooling of grid planes with AVX-512 (pruneaug/grid.h): 16 outputs per step
// from two 32-float input rows: max of the rows, then of each even/odd pair gathered by two
// vpermt2ps. The last step of a row is masked, so a row of VGG's 14, 7 or 3 outputs is one step,
// and its store also writes the row's padding zeros (masked-off inputs load as 0 and pool to 0).
// Planes of short output rows get their own loops: two rows of 8 floats, or a 4x4 image, per store.
#include <immintrin.h>

#include "../ops/pool_kernels.h"
#include "vec_avx512.h"

namespace pa {
namespace {

using V = Avx512Vec;

// The vertical max of input rows r0 and r1: 16 floats, or those of mask k (zeros after them).
inline __m512 rows_max(const float* r0, const float* r1) { return V::max(V::load(r0), V::load(r1)); }
inline __m512 rows_max(const float* r0, const float* r1, __mmask16 k) {
  return V::max(V::load(r0, k), V::load(r1, k));
}

inline void row(const float* r0, const float* r1, float* d, int32_t ow, int32_t pad) {
  int32_t ox = 0;
  for (; ox + 16 <= ow; ox += 16) {
    V::store(d + ox,
             avx512_pairs_max(rows_max(r0 + 2 * ox, r1 + 2 * ox), rows_max(r0 + 2 * ox + 16, r1 + 2 * ox + 16)));
  }
  const int32_t rest = ow - ox;  // 0..15 outputs left, then the padding
  if (rest > 0) {
    const int32_t in = 2 * rest;  // 2..30 inputs per row
    const __mmask16 k0 = V::mask(in), k1 = V::mask(in - 16 > 0 ? in - 16 : 0);
    const __m512 y =
        avx512_pairs_max(rows_max(r0 + 2 * ox, r1 + 2 * ox, k0), rows_max(r0 + 2 * ox + 16, r1 + 2 * ox + 16, k1));
    if (rest + pad <= 16) {  // outputs and padding in one store: lanes past `rest` are zeros
      V::store(d + ox, y, V::mask(rest + pad));
      return;
    }
    V::store(d + ox, y, V::mask(rest));
  }
  for (int32_t i = 0; i < pad; ++i) d[ow + i] = 0.0f;
}

// Output rows of 8 floats (VGG's 14x14 -> 7x7 plus one padding column): two output rows per
// 16-float store, padding rows included, instead of a masked step per row (per-row overhead, not
// data, set the cost of these short rows). Input beyond each row's 2 * ow floats is never read.
void plane_rows8(const MaxPool2x2Plane& p, const float* src, float* dst) {
  const __mmask16 k = V::mask(2 * p.ow);
  const int32_t rows = p.oh + p.opad;  // output rows per image, padding rows included
  const int64_t iwp = p.iwp;
  float* d = dst;
  avx512_zero(d, p.oguard);
  d += p.oguard;
  const float* img = src;
  for (int32_t b = 0; b < p.images; ++b, img += p.iimage) {
    for (int32_t r = 0; r < rows; r += 2, d += 16) {
      const float* r0 = img + 2 * r * iwp;
      const __m512 a = r < p.oh ? rows_max(r0, r0 + iwp, k) : V::zero();
      const __m512 c = r + 1 < p.oh ? rows_max(r0 + 2 * iwp, r0 + 3 * iwp, k) : V::zero();
      if (r + 1 < rows) {
        V::store(d, avx512_pairs_max(a, c));
      } else {
        V::store(d, avx512_pairs_max(a, c), V::mask(8));  // an odd last row: its 8 floats only
        d -= 8;
      }
    }
  }
  avx512_zero(d, p.oguard);
}

// Output images of 4x4 floats from input rows of 8 (VGG's 7x7 -> 3x3, padding 1): a whole image per
// store. With 8-float input rows one 16-float load holds the two rows of an output row.
void plane_image4x4(const MaxPool2x2Plane& p, const float* src, float* dst) {
  const __mmask16 half = V::mask(2 * p.ow);
  const __mmask16 k = (__mmask16)(half | (half << 8));  // each of the two rows' first 2 * ow floats
  const int32_t oh = p.oh;
  float* d = dst;
  avx512_zero(d, p.oguard);
  d += p.oguard;
  const float* img = src;
  for (int32_t b = 0; b < p.images; ++b, img += p.iimage, d += 16) {
    const __m512 z0 = V::load(img, k);
    const __m512 z1 = oh > 1 ? V::load(img + 16, k) : V::zero();
    const __m512 z2 = oh > 2 ? V::load(img + 32, k) : V::zero();
    const __m512 z3 = oh > 3 ? V::load(img + 48, k) : V::zero();
    // [row 0 | row 2] against [row 1 | row 3]: the vertical maxima of output rows 0 and 1, then 2 and 3
    // (the maskz form: GCC 12 warns about the plain one's undefined pass-through)
    const __m512 v01 = V::max(_mm512_maskz_shuffle_f32x4(0xFFFF, z0, z1, _MM_SHUFFLE(1, 0, 1, 0)),
                              _mm512_maskz_shuffle_f32x4(0xFFFF, z0, z1, _MM_SHUFFLE(3, 2, 3, 2)));
    const __m512 v23 = V::max(_mm512_maskz_shuffle_f32x4(0xFFFF, z2, z3, _MM_SHUFFLE(1, 0, 1, 0)),
                              _mm512_maskz_shuffle_f32x4(0xFFFF, z2, z3, _MM_SHUFFLE(3, 2, 3, 2)));
    V::store(d, avx512_pairs_max(v01, v23));
  }
  avx512_zero(d, p.oguard);
}

}  // namespace

void f32_maxpool2x2_plane__avx512(const MaxPool2x2Plane& p, const float* src, float* dst) {
  if (p.owp == 8) {
    plane_rows8(p, src, dst);
  } else if (p.owp == 4 && p.iwp == 8 && p.oh + p.opad == 4) {
    plane_image4x4(p, src, dst);
  } else {
    maxpool2x2_plane(p, src, dst, row, avx512_zero);
  }
}

}  // namespace pa
