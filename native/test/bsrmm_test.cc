// Every kernel of the registry against a double-precision reference, on random shapes and on the
// edge shapes that break tiled kernels (kernel_cases.h says which, the tolerance and how to replay
// a seed). Kernels whose ISA this CPU lacks are skipped with the reason, not failed.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "kernel_cases.h"
#include "pruneaug/pruneaug.h"

namespace {

class BsrmmKernel : public ::testing::TestWithParam<int> {
 protected:
  void SetUp() override {
    if (!pa_kernel_available(GetParam())) {
      GTEST_SKIP() << pa_kernel_name(GetParam()) << ": this CPU lacks " << pa_kernel_isa(GetParam())
                   << " (features seen: \"" << pa_cpu_features() << "\")";
    }
  }
  int br() const { return pa_kernel_block_rows(GetParam()); }
  int bc() const { return pa_kernel_block_cols(GetParam()); }
  int call(const pa_bsr_f32& w, int32_t n, const float* x, int32_t ldx, float* y, int32_t ldy, const float* bias,
           int act, int threads) const {
    return pa_f32_bsrmm(GetParam(), &w, n, x, ldx, y, ldy, bias, act, threads);
  }
  void run_cases(const std::vector<pa_test::Case>& cases, uint64_t seed0) {
    const pa_test::Runner run = [this](const pa_bsr_f32& w, int32_t n, const float* x, int32_t ldx, float* y,
                                       int32_t ldy, const float* bias, int act, int threads) {
      return call(w, n, x, ldx, y, ldy, bias, act, threads);
    };
    for (size_t i = 0; i < cases.size(); ++i) {
      const uint64_t seed = seed0 + 1000 * i;
      EXPECT_EQ(pa_test::check_case(br(), bc(), cases[i], seed, run), "")
          << pa_kernel_name(GetParam()) << ", " << pa_test::describe(cases[i], seed);
    }
  }
};

TEST_P(BsrmmKernel, EdgeShapes) { run_cases(pa_test::edge_cases(br(), bc()), pa_test::base_seed()); }

TEST_P(BsrmmKernel, GatheredRowsEdgeShapes) {
  // pa_f32_bsrmm_rows on the same cases: X's rows copied into one buffer in reverse order, with a
  // gap between rows and the base pointer in the middle (so offsets are negative and positive)
  const pa_test::Runner run = [this](const pa_bsr_f32& w, int32_t n, const float* x, int32_t ldx, float* y,
                                     int32_t ldy, const float* bias, int act, int threads) {
    const int64_t stride = n + 5, k = w.k;
    std::vector<float> buffer((size_t)(k * stride), -7.f);
    std::vector<int64_t> offsets(k);
    const int64_t base = (k / 2) * stride;
    for (int64_t r = 0; r < k; ++r) {
      const int64_t at = (k - 1 - r) * stride;
      std::copy(x + r * ldx, x + r * ldx + n, buffer.begin() + at);
      offsets[r] = at - base;
    }
    return pa_f32_bsrmm_rows(GetParam(), &w, n, buffer.data() + base, offsets.data(), y, ldy, bias, act, threads);
  };
  const std::vector<pa_test::Case> cases = pa_test::edge_cases(br(), bc());
  for (size_t i = 0; i < cases.size(); ++i) {
    const uint64_t seed = pa_test::base_seed() + 1000 * i;
    EXPECT_EQ(pa_test::check_case(br(), bc(), cases[i], seed, run), "")
        << pa_kernel_name(GetParam()) << " (gathered rows), " << pa_test::describe(cases[i], seed);
  }
}

TEST_P(BsrmmKernel, RandomShapes) {
  // the shapes depend on the block shape and the seed, not on the ISA: every ISA sees the same data
  const uint64_t seed = pa_test::base_seed() + 7919 * br() + 104729 * bc();
  run_cases(pa_test::random_cases(br(), bc(), 10, seed), seed);
}

TEST_P(BsrmmKernel, SameResultForEveryThreadCount) {
  // threads split the work (block rows for 4+ threads here, columns for 2-3: see bsrmm.cc), never
  // the arithmetic of one output: results must be bit-identical. K is long enough that every
  // thread count up to 5 really gets its threads (>= 64k multiply-adds each).
  const int32_t m = 6 * br() + 3, k = 5 * bc() + 1 + 2048 / br(), n = 200;
  const uint64_t seed = pa_test::base_seed() + 17;
  const pa_test::RandomBsr w = pa_test::random_bsr(m, k, br(), bc(), 0.4, seed);
  const std::vector<float> x = pa_test::random_floats((size_t)k * n, seed + 1);
  const std::vector<float> bias = pa_test::random_floats(m, seed + 2);
  std::vector<float> y1((size_t)m * n), yt((size_t)m * n);
  ASSERT_EQ(call(w.view(), n, x.data(), n, y1.data(), n, bias.data(), PA_ACT_RELU, 1), PA_OK) << pa_last_error();
  for (int t = 2; t <= 5; ++t) {
    ASSERT_EQ(call(w.view(), n, x.data(), n, yt.data(), n, bias.data(), PA_ACT_RELU, t), PA_OK) << pa_last_error();
    EXPECT_EQ(y1, yt) << pa_kernel_name(GetParam()) << " threads=" << t << " m=" << m << " k=" << k << " n=" << n
                      << " seed=" << seed;
  }
}

std::vector<int> all_kernels() {
  std::vector<int> ids(pa_kernel_count());
  for (int i = 0; i < pa_kernel_count(); ++i) ids[i] = i;
  return ids;
}

INSTANTIATE_TEST_SUITE_P(Registry, BsrmmKernel, ::testing::ValuesIn(all_kernels()),
                         [](const ::testing::TestParamInfo<int>& info) { return std::string(pa_kernel_name(info.param)); });

}  // namespace
