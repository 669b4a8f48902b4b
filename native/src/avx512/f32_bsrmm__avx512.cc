// AVX-512F kernels: the shared tiled kernel (bsrmm_kernel.h) over 512-bit vectors, with mask
// registers for the ragged end of N. This file alone is compiled with -mavx512f; the registry only
// calls it after cpu.cc saw AVX-512F (plus AVX2 and FMA) and the OS saving the zmm state.
#include <immintrin.h>

#include "../bsrmm_kernel.h"
#include "vec_avx512.h"

namespace {

struct Avx512 : pa::Avx512Vec {
  static constexpr int kMaxRowGroup = 8;
  // Tuning for 32 zmm registers, measured with GCC 12 on Zen 5 (M=K=1024, N=256, density 0.1,
  // interleaved A/B runs): blocks of 8+ rows run best with 24 accumulators (8 rows x 3 vectors,
  // each X vector feeding 8 FMAs); shorter blocks, and r x 1 blocks, with 16. Blocks of up to 4
  // columns like 4 of them unrolled; wider blocks a plain column loop.
  static constexpr int accumulators(int br, int bc) { return br >= 8 && bc >= 2 ? 24 : 16; }
  static constexpr int column_unroll(int, int bc) { return bc <= 4 ? 4 : 1; }
  static constexpr int kPrefetchBelowFmas = 16;
};

}  // namespace

namespace pa {

template <int BR, int BC>
void f32_bsrmm__avx512(PA_BSRMM_PARAMS) {
  bsrmm_kernel::bsrmm<Avx512, BR, BC>(w, n, x, ldx, xoff, y, ldy, bias, act, rb_begin, rb_end);
}

PA_INSTANTIATE_ALL_SHAPES(f32_bsrmm__avx512)

}  // namespace pa
