// AVX-512F kernels: the shared tiled kernel (bsrmm_kernel.h) over 512-bit vectors, with mask
// registers for the ragged end of N. This file alone is compiled with -mavx512f; the registry only
// calls it after cpu.cc saw AVX-512F (plus AVX2 and FMA) and the OS saving the zmm state.
#include <immintrin.h>

#include "../bsrmm_kernel.h"

namespace {

struct Avx512 {
  using T = __m512;
  using Mask = __mmask16;
  static constexpr int kLanes = 16;
  static constexpr int kMaxRowGroup = 8;
  // Tuning for 32 zmm registers, measured with GCC 12 on Zen 5 (M=K=1024, N=256, density 0.1,
  // interleaved A/B runs): blocks of 8+ rows run best with 24 accumulators (8 rows x 3 vectors,
  // each X vector feeding 8 FMAs); shorter blocks, and r x 1 blocks, with 16. Blocks of up to 4
  // columns like 4 of them unrolled; wider blocks a plain column loop.
  static constexpr int accumulators(int br, int bc) { return br >= 8 && bc >= 2 ? 24 : 16; }
  static constexpr int column_unroll(int, int bc) { return bc <= 4 ? 4 : 1; }
  static constexpr int kPrefetchBelowFmas = 16;

  static PA_INLINE T zero() { return _mm512_setzero_ps(); }
  static PA_INLINE T load(const float* p) { return _mm512_loadu_ps(p); }
  static PA_INLINE T load(const float* p, Mask m) { return _mm512_maskz_loadu_ps(m, p); }
  static PA_INLINE void store(float* p, T v) { _mm512_storeu_ps(p, v); }
  static PA_INLINE void store(float* p, T v, Mask m) { _mm512_mask_storeu_ps(p, m, v); }
  static PA_INLINE T broadcast(const float* p) { return _mm512_set1_ps(*p); }
  static PA_INLINE T fma(T a, T b, T c) { return _mm512_fmadd_ps(a, b, c); }
  static PA_INLINE void prefetch(const float* p) { _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0); }
  // the masked form: GCC 12's _mm512_max_ps trips -Wmaybe-uninitialized on its own placeholder
  static PA_INLINE T max(T a, T b) { return _mm512_mask_max_ps(a, (Mask)0xFFFF, a, b); }
  // lanes [0, count) enabled; masked-off lanes are neither read (no fault) nor written
  static PA_INLINE Mask mask(int count) { return (Mask)((1u << count) - 1u); }
};

}  // namespace

namespace pa {

template <int BR, int BC>
void f32_bsrmm__avx512(PA_BSRMM_PARAMS) {
  bsrmm_kernel::bsrmm<Avx512, BR, BC>(w, n, x, ldx, xoff, y, ldy, bias, act, rb_begin, rb_end);
}

PA_INSTANTIATE_ALL_SHAPES(f32_bsrmm__avx512)

}  // namespace pa
