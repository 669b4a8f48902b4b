// 2x2 / stride 2 max pooling of grid planes with AVX2 (pruneaug/grid.h): 8 outputs per step from two
// 16-float input rows: max of the rows, then of each even/odd pair (vshufps within the 128-bit lanes,
// then one vpermpd to put the lanes' halves in order). The last step of a row loads under a mask
// (masked-off inputs read as 0 and pool to 0), so a row of VGG's 14 or 7 outputs takes 2 and 1 steps,
// and when the row's padding fits in the same 8 floats its store writes the padding zeros too. Stores
// of fewer than 8 floats are plain 4-, 2- and 1-float stores: vmaskmovps's store form, microcoded on
// AMD's cores, made the first version slower than the portable SSE loop. Planes of 3x3 outputs from
// 8-float input rows (VGG's 7x7 -> 3x3) get their own loop: an image in two stores.
#include <immintrin.h>

#include "../ops/pool_kernels.h"

namespace pa {
namespace {

// Lane mask of the first n (0..8) floats: vmaskmovps reads the sign bit of each 32-bit lane.
inline __m256i first(int32_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}

// Stores the first n (0..8) floats of y: plain stores of 4, 2 and 1 floats, not vmaskmovps, whose
// store form AMD's cores run microcoded (it made this kernel slower than the portable SSE loop).
inline void store_first(float* d, __m256 y, int32_t n) {
  if (n == 8) {
    _mm256_storeu_ps(d, y);
    return;
  }
  __m128 v = _mm256_castps256_ps128(y);
  if (n >= 4) {
    _mm_storeu_ps(d, v);
    v = _mm256_extractf128_ps(y, 1);
    d += 4;
    n -= 4;
  }
  if (n >= 2) {
    _mm_storel_pi(reinterpret_cast<__m64*>(d), v);
    v = _mm_movehl_ps(v, v);
    d += 2;
    n -= 2;
  }
  if (n == 1) _mm_store_ss(d, v);
}

// The 8 maxima of the even/odd pairs of a (inputs 0..7) and b (inputs 8..15).
inline __m256 pairs_max(__m256 a, __m256 b) {
  const __m256 even = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));  // a0 a2 b0 b2 | a4 a6 b4 b6
  const __m256 odd = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));   // a1 a3 b1 b3 | a5 a7 b5 b7
  const __m256 m = _mm256_max_ps(even, odd);                              // o0 o1 o4 o5 | o2 o3 o6 o7
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(m), _MM_SHUFFLE(3, 1, 2, 0)));
}

inline void row(const float* r0, const float* r1, float* d, int32_t ow, int32_t pad) {
  int32_t ox = 0;
  for (; ox + 8 <= ow; ox += 8) {
    const float* a0 = r0 + 2 * ox;
    const float* a1 = r1 + 2 * ox;
    const __m256 lo = _mm256_max_ps(_mm256_loadu_ps(a0), _mm256_loadu_ps(a1));
    const __m256 hi = _mm256_max_ps(_mm256_loadu_ps(a0 + 8), _mm256_loadu_ps(a1 + 8));
    _mm256_storeu_ps(d + ox, pairs_max(lo, hi));
  }
  const int32_t rest = ow - ox;  // 0..7 outputs left, then the padding
  if (rest > 0) {
    const int32_t in = 2 * rest;  // 2..14 inputs per row: a full first half from 4 outputs on
    const float* a0 = r0 + 2 * ox;
    const float* a1 = r1 + 2 * ox;
    __m256 lo, hi;
    if (in >= 8) {
      const __m256i k = first(in - 8);
      lo = _mm256_max_ps(_mm256_loadu_ps(a0), _mm256_loadu_ps(a1));
      hi = _mm256_max_ps(_mm256_maskload_ps(a0 + 8, k), _mm256_maskload_ps(a1 + 8, k));
    } else {
      const __m256i k = first(in);
      lo = _mm256_max_ps(_mm256_maskload_ps(a0, k), _mm256_maskload_ps(a1, k));
      hi = _mm256_setzero_ps();
    }
    const __m256 y = pairs_max(lo, hi);
    if (rest + pad <= 8) {  // outputs and padding in one store: lanes past `rest` are zeros
      store_first(d + ox, y, rest + pad);
      return;
    }
    store_first(d + ox, y, rest);
  }
  for (int32_t i = 0; i < pad; ++i) d[ow + i] = 0.0f;
}

inline void zero(float* d, int64_t n) {
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) _mm256_storeu_ps(d + i, _mm256_setzero_ps());
  if (i < n) store_first(d + i, _mm256_setzero_ps(), (int32_t)(n - i));
}

// Output images of 4x4 floats from input rows of 8 (VGG's 7x7 -> 3x3, padding 1): a whole image in
// two stores, output rows 0-1 and 2-3 (row 3 and beyond oh are padding zeros). Each input row's first
// 2 * ow floats are loaded, the rest read as zeros.
void plane_image4x4(const MaxPool2x2Plane& p, const float* src, float* dst) {
  const __m256i k = first(2 * p.ow);
  const int32_t oh = p.oh;
  float* d = dst;
  zero(d, p.oguard);
  d += p.oguard;
  const float* img = src;
  auto pair = [&](int32_t oy) {  // the vertical maxima of output row oy's two input rows, or zeros
    return oy < oh ? _mm256_max_ps(_mm256_maskload_ps(img + 16 * oy, k), _mm256_maskload_ps(img + 16 * oy + 8, k))
                   : _mm256_setzero_ps();
  };
  for (int32_t b = 0; b < p.images; ++b, img += p.iimage, d += 16) {
    _mm256_storeu_ps(d, pairs_max(pair(0), pair(1)));
    _mm256_storeu_ps(d + 8, pairs_max(pair(2), pair(3)));
  }
  zero(d, p.oguard);
}

}  // namespace

void f32_maxpool2x2_plane__avx2(const MaxPool2x2Plane& p, const float* src, float* dst) {
  if (p.owp == 4 && p.iwp == 8 && p.oh + p.opad == 4) {
    plane_image4x4(p, src, dst);
  } else {
    maxpool2x2_plane(p, src, dst, row, zero);
  }
}

}  // namespace pa
