// 2x2 / stride 2 max pooling of grid planes with AVX-512 (pruneaug/grid.h): 16 outputs per step
// from two 32-float input rows: max of the rows, then of each even/odd pair gathered by two
// vpermt2ps. The last step of a row is masked, so a row of VGG's 14, 7 or 3 outputs is one step,
// and its store also writes the row's padding zeros (masked-off inputs load as 0 and pool to 0).
#include <immintrin.h>

#include <cstring>

#include "../ops/pool_kernels.h"
#include "vec_avx512.h"

namespace pa {
namespace {

using V = Avx512Vec;

inline void row(const float* r0, const float* r1, float* d, int32_t ow, int32_t pad) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  int32_t ox = 0;
  for (; ox + 16 <= ow; ox += 16) {
    const __m512 m0 = V::max(V::load(r0 + 2 * ox), V::load(r1 + 2 * ox));
    const __m512 m1 = V::max(V::load(r0 + 2 * ox + 16), V::load(r1 + 2 * ox + 16));
    V::store(d + ox, V::max(_mm512_permutex2var_ps(m0, even, m1), _mm512_permutex2var_ps(m0, odd, m1)));
  }
  const int32_t rest = ow - ox;  // 0..15 outputs left, then the padding
  if (rest > 0) {
    const int32_t in = 2 * rest;  // 2..30 inputs per row
    const __mmask16 k0 = V::mask(in), k1 = V::mask(in - 16 > 0 ? in - 16 : 0);
    const __m512 m0 = V::max(V::load(r0 + 2 * ox, k0), V::load(r1 + 2 * ox, k0));
    const __m512 m1 = V::max(V::load(r0 + 2 * ox + 16, k1), V::load(r1 + 2 * ox + 16, k1));
    const __m512 y = V::max(_mm512_permutex2var_ps(m0, even, m1), _mm512_permutex2var_ps(m0, odd, m1));
    if (rest + pad <= 16) {  // outputs and padding in one store: lanes past `rest` are zeros
      V::store(d + ox, y, V::mask(rest + pad));
      return;
    }
    V::store(d + ox, y, V::mask(rest));
  }
  for (int32_t i = 0; i < pad; ++i) d[ow + i] = 0.0f;
}

inline void zero(float* p, int64_t n) {
  if (n >= 256) {
    std::memset(p, 0, sizeof(float) * n);
    return;
  }
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) V::store(p + i, V::zero());
  if (i < n) V::store(p + i, V::zero(), V::mask((int)(n - i)));
}

}  // namespace

void f32_maxpool2x2_plane__avx512(const MaxPool2x2Plane& p, const float* src, float* dst) {
  maxpool2x2_plane(p, src, dst, row, zero);
}

}  // namespace pa
