// The 512-bit vector operations every AVX-512 kernel file uses (bsrmm, pooling), in the form the
// shared kernels (bsrmm_kernel.h) call them. Only files compiled with -mavx512f include this.
#pragma once

#include <immintrin.h>

#include <cstdint>
#include <cstring>

#include "../internal.h"

namespace pa {

struct Avx512Vec {
  using T = __m512;
  using Mask = __mmask16;
  static constexpr int kLanes = 16;

  static PA_INLINE T zero() { return _mm512_setzero_ps(); }
  static PA_INLINE T load(const float* p) { return _mm512_loadu_ps(p); }
  // masked-off lanes are neither read (no fault) nor written, and load as 0
  static PA_INLINE T load(const float* p, Mask m) { return _mm512_maskz_loadu_ps(m, p); }
  static PA_INLINE void store(float* p, T v) { _mm512_storeu_ps(p, v); }
  static PA_INLINE void store(float* p, T v, Mask m) { _mm512_mask_storeu_ps(p, m, v); }
  static PA_INLINE T broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static PA_INLINE T fma(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
  static PA_INLINE void prefetch(const float* p) { _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0); }
  // the masked form: GCC 12's _mm512_max_ps trips -Wmaybe-uninitialized on its own placeholder
  static PA_INLINE T max(T a, T b) { return _mm512_mask_max_ps(a, (Mask)0xFFFF, a, b); }
  // lanes [0, min(count, 16)) enabled, for count in [0, 31]
  static PA_INLINE Mask mask(int count) { return (Mask)((1u << count) - 1u); }
};

// Max of each even/odd lane pair of a (lanes 0..7 of the result) and b (lanes 8..15): two vpermt2ps.
// The horizontal half of 2x2 max pooling (the pooling and the fused convolution + pooling).
inline __m512 avx512_pairs_max(__m512 a, __m512 b) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  return Avx512Vec::max(_mm512_permutex2var_ps(a, even, b), _mm512_permutex2var_ps(a, odd, b));
}

// Zeroes n floats: vector stores for the short padding runs of a grid, memset for long ones.
inline void avx512_zero(float* p, int64_t n) {
  if (n >= 256) {
    std::memset(p, 0, sizeof(float) * n);
    return;
  }
  int64_t i = 0;
  for (; i + 16 <= n; i += 16) Avx512Vec::store(p + i, Avx512Vec::zero());
  if (i < n) Avx512Vec::store(p + i, Avx512Vec::zero(), Avx512Vec::mask((int)(n - i)));
}

}  // namespace pa
