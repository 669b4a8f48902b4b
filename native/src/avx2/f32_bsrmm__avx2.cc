// AVX2 + FMA kernels: the shared tiled kernel (bsrmm_kernel.h) over 256-bit vectors. This file
// alone is compiled with -mavx2 -mfma; the registry only calls it after cpu.cc saw both features.
#include <immintrin.h>

#include "../bsrmm_kernel.h"

namespace {

struct Avx2 {
  using T = __m256;
  using Mask = __m256i;
  static constexpr int kLanes = 8;
  static constexpr int kMaxRowGroup = 4;
  // Tuning for 16 ymm registers, measured with GCC 12 on Zen 5 (M=K=1024, N=256, density 0.1,
  // interleaved A/B runs of the candidates, two sweeps over all 36 shapes). Blocks of 4+ rows
  // with one or with 8+ columns run best with 12 accumulators (4 rows x 3 vectors) and a plain
  // column loop; 2 and 4 columns, and blocks of 1 or 2 rows, with 8 accumulators and 4 columns
  // unrolled (12 there made GCC spill: 1.3-1.45x slower).
  static constexpr int accumulators(int br, int bc) { return br >= 4 && (bc == 1 || bc >= 8) ? 12 : 8; }
  static constexpr int column_unroll(int br, int bc) { return br >= 4 && bc >= 8 ? 1 : 4; }
  static constexpr int kPrefetchBelowFmas = 16;

  static PA_INLINE T zero() { return _mm256_setzero_ps(); }
  static PA_INLINE T load(const float* p) { return _mm256_loadu_ps(p); }
  static PA_INLINE T load(const float* p, Mask m) { return _mm256_maskload_ps(p, m); }
  static PA_INLINE void store(float* p, T v) { _mm256_storeu_ps(p, v); }
  static PA_INLINE void store(float* p, T v, Mask m) { _mm256_maskstore_ps(p, m, v); }
  static PA_INLINE T broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static PA_INLINE T fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  static PA_INLINE void prefetch(const float* p) { _mm_prefetch(reinterpret_cast<const char*>(p), _MM_HINT_T0); }
  static PA_INLINE T max(T a, T b) { return _mm256_max_ps(a, b); }
  // lanes [0, count) enabled; masked-off lanes are neither read (no fault) nor written
  static PA_INLINE Mask mask(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
};

}  // namespace

namespace pa {

template <int BR, int BC>
void f32_bsrmm__avx2(PA_BSRMM_PARAMS) {
  bsrmm_kernel::bsrmm<Avx2, BR, BC>(w, n, x, ldx, xoff, y, ldy, bias, act, rb_begin, rb_end);
}

PA_INSTANTIATE_ALL_SHAPES(f32_bsrmm__avx2)

}  // namespace pa
