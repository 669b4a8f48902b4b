#include "kernel_cases.h"

#include <cmath>
#include <cstdlib>
#include <random>
#include <sstream>

namespace pa_test {
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

constexpr float kSentinel = -7777.0f;  // fills Y outside [0, m) x [0, n): must survive every call

}  // namespace

uint64_t base_seed() {
  const char* s = std::getenv("PA_TEST_SEED");
  return s != nullptr ? std::strtoull(s, nullptr, 10) : 20240613ull;
}

std::string describe(const Case& c, uint64_t seed) {
  std::ostringstream o;
  o << c.what << ": m=" << c.m << " k=" << c.k << " n=" << c.n << " density=" << c.density
    << " ldx=" << c.n + c.ldx_pad << " ldy=" << c.n + c.ldy_pad << " bias=" << c.bias << " relu=" << c.relu
    << " threads=" << c.threads << " seed=" << seed << " (PA_TEST_SEED=" << base_seed() << ")";
  return o.str();
}

std::vector<Case> edge_cases(int br, int bc) {
  using R = BlockRows;
  return {
      {3 * br, 4 * bc, 32, 0.5, 0, 0, true, false, 1, R::kAny, "multiples of the block"},
      {3 * br + 1, 2 * bc + 3, 16, 0.5, 0, 0, true, true, 2, R::kAny, "m, k not multiples of the block"},
      {2 * br + 1, bc + 1, 24, 1.0, 0, 0, false, false, 3, R::kAny, "last block row and column padded, dense"},
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
      {2 * br, 3 * bc + 1, 150, 0.5, 0, 5, true, true, 2, R::kAny, "few block rows, wide n: threads take columns"},
      {1, 1, 1, 1.0, 0, 0, true, true, 3, R::kAny, "1 x 1 matrix, more threads than block rows"},
  };
}

std::vector<Case> random_cases(int br, int bc, int count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  auto pick = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  const double densities[] = {0.0, 0.1, 0.3, 0.5, 0.8, 1.0};
  std::vector<Case> cases;
  for (int i = 0; i < count; ++i) {
    Case c;
    c.m = pick(1, 4 * br + 7);
    c.k = pick(1, 5 * bc + 7);
    c.n = pick(1, 90);
    c.density = densities[pick(0, 5)];
    c.ldx_pad = pick(0, 1) * pick(1, 9);
    c.ldy_pad = pick(0, 1) * pick(1, 9);
    c.bias = pick(0, 1) == 1;
    c.relu = pick(0, 1) == 1;
    c.threads = pick(1, 3);
    c.rows = BlockRows::kAny;
    c.what = "random shape " + std::to_string(i);
    cases.push_back(c);
  }
  return cases;
}

std::string check_case(int br, int bc, const Case& c, uint64_t seed, const Runner& run) {
  const RandomBsr w = random_bsr(c.m, c.k, br, bc, c.density, seed, c.rows);
  const int32_t ldx = c.n + c.ldx_pad, ldy = c.n + c.ldy_pad;
  // Under AddressSanitizer X and bias are allocated to the exact element, so any read past row
  // k-1 trips it; otherwise X gets two guard rows of NaN, which poison any output that reads
  // them (0 * NaN = NaN, so even the zero padding of a block must not touch rows >= k). Y gets two
  // sentinel rows after the last, checked in every build.
  std::vector<float> x = random_floats((size_t)(c.k - 1) * ldx + c.n, seed + 1);
  if (!kAddressSanitizer) x.resize((size_t)(c.k + 2) * ldx, std::nanf(""));
  const std::vector<float> bias = random_floats(c.m, seed + 2);
  std::vector<float> y((size_t)(c.m + 2) * ldy, kSentinel);
  const int s = run(w.view(), c.n, x.data(), ldx, y.data(), ldy, c.bias ? bias.data() : nullptr,
                    c.relu ? PA_ACT_RELU : PA_ACT_NONE, c.threads);
  if (s != PA_OK) return std::string("returned ") + pa_status_string(s) + ": " + pa_last_error();
  for (int32_t i = 0; i < c.m + 2; ++i) {
    for (int32_t j = 0; j < ldy; ++j) {
      const float got = y[(size_t)i * ldy + j];
      if (i >= c.m || j >= c.n) {
        if (got != kSentinel) {
          return "Y[" + std::to_string(i) + "][" + std::to_string(j) + "] outside m x n was written: " + std::to_string(got);
        }
        continue;
      }
      double ref = c.bias ? bias[i] : 0.0, scale = c.bias ? std::fabs(bias[i]) : 0.0;
      for (int32_t p = 0; p < c.k; ++p) {
        const float wv = w.dense[(size_t)i * c.k + p];
        if (wv == 0.0f) continue;
        const double t = (double)wv * x[(size_t)p * ldx + j];
        ref += t;
        scale += std::fabs(t);
      }
      if (c.relu && ref < 0) ref = 0;
      if (!(std::fabs(got - ref) <= kRelTol * scale)) {
        std::ostringstream o;
        o << "Y[" << i << "][" << j << "] = " << got << ", reference " << ref << " (|diff| " << std::fabs(got - ref)
          << " > " << kRelTol << " * " << scale << ")";
        return o.str();
      }
    }
  }
  return "";
}

}  // namespace pa_test
