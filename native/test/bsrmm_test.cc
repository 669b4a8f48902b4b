// Every kernel of the registry against a double-precision reference, on random shapes and on the
// edge shapes that break tiled kernels. Kernels whose ISA this CPU lacks are skipped, not failed.
//
// Tolerance (f32): |y - y_ref| <= 1e-5 * (|bias| + sum_k |w_ik * x_kj|) + 1e-30, i.e. relative to
// the magnitude of the terms summed, which bounds f32 rounding for any summation order at the
// sizes used here (k <= ~4100: worst case k * 2^-24 = 2.4e-4, typical sqrt(k) * 2^-24 << 1e-5).
//
// Seeds: every case derives its data from PA_TEST_SEED (default below) and its own index; a
// failure prints both, and `PA_TEST_SEED=<seed> ./pruneaug_tests --gtest_filter=<test>` replays it.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <sstream>
#include <string>
#include <vector>

#include "pruneaug/pruneaug.h"
#include "random_bsr.h"

namespace {

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kAddressSanitizer = true;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool kAddressSanitizer = true;
#else
constexpr bool kAddressSanitizer = false;
#endif
#else
constexpr bool kAddressSanitizer = false;
#endif

constexpr double kRelTol = 1e-5;
constexpr float kSentinel = -7777.0f;  // fills Y outside [m) x [n): must survive every call

uint64_t base_seed() {
  const char* s = std::getenv("PA_TEST_SEED");
  return s != nullptr ? std::strtoull(s, nullptr, 10) : 20240613ull;
}

struct Case {
  int32_t m, k, n;
  double density;
  int32_t ldx_pad, ldy_pad;  // ldx = n + ldx_pad, ldy = n + ldy_pad
  bool bias, relu;
  int threads;
  pa_test::BlockRows rows;
  std::string what;
};

std::string describe(const Case& c, uint64_t seed) {
  std::ostringstream o;
  o << c.what << ": m=" << c.m << " k=" << c.k << " n=" << c.n << " density=" << c.density
    << " ldx=" << c.n + c.ldx_pad << " ldy=" << c.n + c.ldy_pad << " bias=" << c.bias << " relu=" << c.relu
    << " threads=" << c.threads << " seed=" << seed << " (PA_TEST_SEED=" << base_seed() << ")";
  return o.str();
}

// Edge shapes in units of the block, so every kernel meets its own awkward cases.
std::vector<Case> edge_cases(int br, int bc) {
  using R = pa_test::BlockRows;
  return {
      {3 * br, 4 * bc, 32, 0.5, 0, 0, true, false, 1, R::kAny, "multiples of the block"},
      {3 * br + 1, 2 * bc + 3, 16, 0.5, 0, 0, true, true, 2, R::kAny, "m, k not multiples of the block"},
      {2 * br - 1 + (br == 1), bc + 1, 24, 1.0, 0, 0, false, false, 3, R::kAny, "last block row and column padded, dense"},
      {2 * br + 1, 1, 19, 1.0, 0, 0, true, true, 2, R::kAny, "k = 1"},
      {br, 3 * bc, 1, 1.0, 0, 0, true, false, 1, R::kAny, "n = 1"},
      {4 * br, 3 * bc + 1, 13, 0.5, 0, 0, false, true, 3, R::kAny, "n not a multiple of the vector width"},
      {4 * br + 2, 3 * bc, 7, 0.5, 5, 3, true, true, 2, R::kAny, "n < vector width, ldx/ldy > n"},
      {3 * br, 2 * bc, 41, 0.5, 7, 11, false, false, 1, R::kAny, "ldx, ldy > n"},
      {5 * br, 4 * bc, 27, 0.7, 0, 0, true, true, 3, R::kEveryOtherEmpty, "empty block rows"},
      {5 * br + 1, 3 * bc + 2, 33, 0.0, 1, 2, true, true, 2, R::kAny, "density 0 (bias only)"},
      {4 * br, 4 * bc, 35, 0.0, 0, 0, false, false, 1, R::kAny, "density 0, no bias"},
      {2 * br + 1, 4 * bc + 1, 100, 1.0, 0, 0, true, false, 3, R::kAny, "density 1"},
      {2 * br, 2 * bc, 97, 0.5, 0, 0, false, true, 2, R::kAny, "n spans several register tiles"},
      {br + 1, 4100, 75, 0.05, 3, 0, true, true, 2, R::kAny, "large k: several L2 chunks of n"},
      {1, 1, 1, 1.0, 0, 0, true, true, 3, R::kAny, "1 x 1 matrix, more threads than block rows"},
  };
}

std::vector<Case> random_cases(int br, int bc, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const double densities[] = {0.0, 0.1, 0.3, 0.5, 0.8, 1.0};
  std::vector<Case> cases;
  for (int i = 0; i < 10; ++i) {
    Case c{pick(1, 4 * br + 7),  pick(1, 5 * bc + 7), pick(1, 90), densities[pick(0, 5)], pick(0, 1) * pick(1, 9),
           pick(0, 1) * pick(1, 9), pick(0, 1) == 1,   pick(0, 1) == 1, pick(1, 3), pa_test::BlockRows::kAny,
           "random shape " + std::to_string(i)};
    cases.push_back(c);
  }
  return cases;
}

// Runs one case through `kernel`; returns "" or a description of the first mismatch.
std::string check_case(int kernel, const Case& c, uint64_t seed) {
  const int br = pa_kernel_block_rows(kernel), bc = pa_kernel_block_cols(kernel);
  const pa_test::RandomBsr w = pa_test::random_bsr(c.m, c.k, br, bc, c.density, seed, c.rows);
  const int32_t ldx = c.n + c.ldx_pad, ldy = c.n + c.ldy_pad;
  // Under AddressSanitizer X and bias are allocated to the exact element, so any read past row
  // k-1 trips it; otherwise X gets two guard rows of NaN, which poison any output that reads
  // them (0 * NaN = NaN, so even the zero padding of a block must not touch rows >= k). Y gets two
  // sentinel rows after the last, checked in every build.
  std::vector<float> x = pa_test::random_floats((size_t)(c.k - 1) * ldx + c.n, seed + 1);
  if (!kAddressSanitizer) x.resize((size_t)(c.k + 2) * ldx, std::nanf(""));
  const std::vector<float> bias = pa_test::random_floats(c.m, seed + 2);
  std::vector<float> y((size_t)(c.m + 2) * ldy, kSentinel);
  const pa_bsr_f32 view = w.view();
  const int s = pa_f32_bsrmm(kernel, &view, c.n, x.data(), ldx, y.data(), ldy, c.bias ? bias.data() : nullptr,
                             c.relu ? PA_ACT_RELU : PA_ACT_NONE, c.threads);
  if (s != PA_OK) return std::string("returned ") + pa_status_string(s) + ": " + pa_last_error();
  for (int32_t i = 0; i < c.m + 2; ++i) {
    for (int32_t j = 0; j < ldy; ++j) {
      const float got = y[(size_t)i * ldy + j];
      std::ostringstream at;
      at << "Y[" << i << "][" << j << "]";
      if (i >= c.m || j >= c.n) {
        if (got != kSentinel) return at.str() + " outside m x n was written: " + std::to_string(got);
        continue;
      }
      double ref = c.bias ? bias[i] : 0.0, scale = c.bias ? std::fabs(bias[i]) : 0.0;
      for (int32_t p = 0; p < c.k; ++p) {
        const double t = (double)w.dense[(size_t)i * c.k + p] * x[(size_t)p * ldx + j];
        ref += t;
        scale += std::fabs(t);
      }
      if (c.relu && ref < 0) ref = 0;
      if (!(std::fabs(got - ref) <= kRelTol * scale + 1e-30)) {
        std::ostringstream o;
        o << at.str() << " = " << got << ", reference " << ref << " (|diff| " << std::fabs(got - ref) << " > "
          << kRelTol << " * " << scale << ")";
        return o.str();
      }
    }
  }
  return "";
}

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
  void run_cases(const std::vector<Case>& cases, uint64_t seed0) {
    for (size_t i = 0; i < cases.size(); ++i) {
      const uint64_t seed = seed0 + 1000 * i;
      const std::string err = check_case(GetParam(), cases[i], seed);
      EXPECT_EQ(err, "") << pa_kernel_name(GetParam()) << ", " << describe(cases[i], seed);
    }
  }
};

TEST_P(BsrmmKernel, EdgeShapes) { run_cases(edge_cases(br(), bc()), base_seed()); }

TEST_P(BsrmmKernel, RandomShapes) {
  // the shapes depend on the block shape and the seed, not on the ISA: every ISA sees the same data
  const uint64_t seed = base_seed() + 7919 * br() + 104729 * bc();
  run_cases(random_cases(br(), bc(), seed), seed);
}

TEST_P(BsrmmKernel, SameResultForEveryThreadCount) {
  // threads split the work, never the arithmetic of one output: results must be bit-identical
  const Case c{6 * br() + 3, 5 * bc() + 1, 45, 0.4, 0, 0, true, true, 1, pa_test::BlockRows::kAny, "threads"};
  const uint64_t seed = base_seed() + 17;
  const pa_test::RandomBsr w = pa_test::random_bsr(c.m, c.k, br(), bc(), c.density, seed);
  const std::vector<float> x = pa_test::random_floats((size_t)c.k * c.n, seed + 1);
  const std::vector<float> bias = pa_test::random_floats(c.m, seed + 2);
  const pa_bsr_f32 view = w.view();
  std::vector<float> y1((size_t)c.m * c.n), yt((size_t)c.m * c.n);
  ASSERT_EQ(pa_f32_bsrmm(GetParam(), &view, c.n, x.data(), c.n, y1.data(), c.n, bias.data(), PA_ACT_RELU, 1), PA_OK);
  for (int t = 2; t <= 5; ++t) {
    ASSERT_EQ(pa_f32_bsrmm(GetParam(), &view, c.n, x.data(), c.n, yt.data(), c.n, bias.data(), PA_ACT_RELU, t), PA_OK);
    EXPECT_EQ(y1, yt) << pa_kernel_name(GetParam()) << " threads=" << t << " " << describe(c, seed);
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
