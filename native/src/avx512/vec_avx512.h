// The 512-bit vector operations every AVX-512 kernel file uses (bsrmm, pooling), in the form the
// shared kernels (bsrmm_kernel.h) call them. Only files compiled with -mavx512f include this.
#pragma once

#include <immintrin.h>

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

}  // namespace pa
