// AVX2 + FMA kernels: the shared tiled kernel (bsrmm_kernel.h) over 256-bit vectors. This file
// alone is compiled with -mavx2 -mfma; the registry only calls it after cpu.cc saw both features.
#include <immintrin.h>

#include "../bsrmm_kernel.h"

namespace {

struct Avx2 {
  using T = __m256;
  using Mask = __m256i;
  static constexpr int kLanes = 8;
  // 16 ymm registers: 12 accumulators leave room for the X vectors and a broadcast weight.
  static constexpr int kAccumulators = 12;
  static constexpr int kMaxRowGroup = 4;

  static T zero() { return _mm256_setzero_ps(); }
  static T load(const float* p) { return _mm256_loadu_ps(p); }
  static T load(const float* p, Mask m) { return _mm256_maskload_ps(p, m); }
  static void store(float* p, T v) { _mm256_storeu_ps(p, v); }
  static void store(float* p, T v, Mask m) { _mm256_maskstore_ps(p, m, v); }
  static T broadcast(const float* p) { return _mm256_broadcast_ss(p); }
  static T fma(T a, T b, T c) { return _mm256_fmadd_ps(a, b, c); }
  static T max(T a, T b) { return _mm256_max_ps(a, b); }
  // lanes [0, count) enabled; masked-off lanes are neither read (no fault) nor written
  static Mask mask(int count) {
    return _mm256_cmpgt_epi32(_mm256_set1_epi32(count), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
  }
};

}  // namespace

namespace pa {

template <int BR, int BC>
void f32_bsrmm__avx2(PA_BSRMM_PARAMS) {
  bsrmm_kernel::bsrmm<Avx2, BR, BC>(w, n, x, ldx, y, ldy, bias, act, rb_begin, rb_end);
}

PA_INSTANTIATE_ALL_SHAPES(f32_bsrmm__avx2)

}  // namespace pa
