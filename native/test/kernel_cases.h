// The cases every BSR x dense kernel must pass (CPU registry and CUDA alike), and the check of one
// case against a double-precision reference. Test-only.
//
// Tolerance (f32): |y - y_ref| <= 1e-5 * (|bias| + sum_k |w_ik * x_kj|), i.e. relative to the
// magnitude of the terms summed, which bounds f32 rounding for any summation order at the sizes
// used here (k <= ~4100: worst case k * 2^-24 = 2.4e-4, typical sqrt(k) * 2^-24 << 1e-5).
//
// Seeds: every case derives its data from PA_TEST_SEED (default 20240613) and its own index; a
// failure prints both, and `PA_TEST_SEED=<seed> <test binary> --gtest_filter=<test>` replays it.
#ifndef PRUNEAUG_TEST_KERNEL_CASES_H
#define PRUNEAUG_TEST_KERNEL_CASES_H

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "pruneaug/pruneaug.h"
#include "random_bsr.h"

namespace pa_test {

constexpr double kRelTol = 1e-5;

struct Case {
  int32_t m, k, n;
  double density;
  int32_t ldx_pad, ldy_pad;  // ldx = n + ldx_pad, ldy = n + ldy_pad
  bool bias, relu;
  int threads;
  BlockRows rows;
  std::string what;
};

uint64_t base_seed();
std::string describe(const Case& c, uint64_t seed);

// Edge shapes in units of the block (M, K not multiples of it, k = 1, n = 1, n not a multiple of
// the vector width, ldx/ldy > n, empty block rows, density 0 / 0.5 / 1, bias and ReLU on and
// off, 1..3 threads, k large enough for several L2 chunks), so every kernel meets its own
// awkward cases; and `count` random ones drawn from `seed`.
std::vector<Case> edge_cases(int br, int bc);
std::vector<Case> random_cases(int br, int bc, int count, uint64_t seed);

// Computes Y = act(W X + bias) for a case; returns a pa_status.
using Runner = std::function<int(const pa_bsr_f32& w, int32_t n, const float* x, int32_t ldx, float* y, int32_t ldy,
                                 const float* bias, int act, int threads)>;

// Builds the case's data from `seed`, runs it and compares every output with the reference, and
// checks that nothing outside [0, m) x [0, n) of Y was written. Returns "" or the first problem.
std::string check_case(int br, int bc, const Case& c, uint64_t seed, const Runner& run);

}  // namespace pa_test

#endif
