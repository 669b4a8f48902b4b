// libpruneaug_cuda: without a usable GPU it must load, say why, and refuse work with
// PA_ERR_NO_DEVICE (tested everywhere); with one, every block shape passes the same cases as the
// CPU kernels (kernel_cases.h), skipped with the reason where there is no GPU.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "kernel_cases.h"
#include "pruneaug/cuda.h"
#include "pruneaug/pruneaug.h"

namespace {

const int kDims[] = {1, 2, 4, 8, 16, 32};

TEST(Cuda, ReportsAvailabilityConsistently) {
  const pa_test::RandomBsr w = pa_test::random_bsr(8, 8, 4, 4, 0.5, 1);
  const pa_bsr_f32 view = w.view();
  pa_cuda_bsr* device = nullptr;
  const int s = pa_cuda_bsr_upload(&view, &device);
  if (pa_cuda_available()) {
    EXPECT_STRNE(pa_cuda_device_name(), "");
    EXPECT_EQ(s, PA_OK) << pa_last_error();
  } else {
    std::printf("CUDA unavailable here: %s\n", pa_cuda_unavailable_reason());
    EXPECT_STRNE(pa_cuda_unavailable_reason(), "");
    EXPECT_STREQ(pa_cuda_device_name(), "");
    EXPECT_EQ(s, PA_ERR_NO_DEVICE);
    EXPECT_EQ(device, nullptr);
  }
  pa_cuda_bsr_free(device);
}

TEST(Cuda, RejectsMalformedWeightBeforeTouchingTheDevice) {
  const std::vector<int32_t> row_ptr{0, 5};
  const pa_bsr_f32 bad{4, 4, 4, 4, 1, row_ptr.data(), nullptr, nullptr};
  pa_cuda_bsr* device = nullptr;
  EXPECT_EQ(pa_cuda_bsr_upload(&bad, &device), PA_ERR_BAD_STRUCTURE);
  EXPECT_EQ(pa_cuda_bsr_upload(&bad, nullptr), PA_ERR_INVALID_ARG);
}

class CudaKernel : public ::testing::TestWithParam<std::pair<int, int>> {
 protected:
  void SetUp() override {
    if (!pa_cuda_available()) GTEST_SKIP() << "no usable GPU: " << pa_cuda_unavailable_reason();
  }
};

TEST_P(CudaKernel, MatchesReference) {
  const auto [br, bc] = GetParam();
  const pa_test::Runner run = [](const pa_bsr_f32& w, int32_t n, const float* x, int32_t ldx, float* y, int32_t ldy,
                                 const float* bias, int act, int) {
    pa_cuda_bsr* device = nullptr;
    int s = pa_cuda_bsr_upload(&w, &device);
    if (s == PA_OK) s = pa_cuda_bsrmm_host(device, n, x, ldx, y, ldy, bias, act);
    pa_cuda_bsr_free(device);
    return s;
  };
  std::vector<pa_test::Case> cases = pa_test::edge_cases(br, bc);
  const uint64_t seed = pa_test::base_seed() + 7919 * br + 104729 * bc;
  for (const pa_test::Case& c : pa_test::random_cases(br, bc, 10, seed)) cases.push_back(c);
  for (size_t i = 0; i < cases.size(); ++i) {
    EXPECT_EQ(pa_test::check_case(br, bc, cases[i], seed + 1000 * i, run), "")
        << "cuda " << br << "x" << bc << ", " << pa_test::describe(cases[i], seed + 1000 * i);
  }
}

TEST_P(CudaKernel, TimesTheKernel) {
  const auto [br, bc] = GetParam();
  const pa_test::RandomBsr w = pa_test::random_bsr(512, 512, br, bc, 0.1, 3);
  const pa_bsr_f32 view = w.view();
  pa_cuda_bsr* device = nullptr;
  ASSERT_EQ(pa_cuda_bsr_upload(&view, &device), PA_OK) << pa_last_error();
  float ms = -1;
  EXPECT_EQ(pa_cuda_bsrmm_time(device, 128, 5, &ms), PA_OK) << pa_last_error();
  EXPECT_GE(ms, 0.0f);
  pa_cuda_bsr_free(device);
}

std::vector<std::pair<int, int>> all_shapes() {
  std::vector<std::pair<int, int>> shapes;
  for (int r : kDims) {
    for (int c : kDims) shapes.emplace_back(r, c);
  }
  return shapes;
}

INSTANTIATE_TEST_SUITE_P(Shapes, CudaKernel, ::testing::ValuesIn(all_shapes()),
                         [](const ::testing::TestParamInfo<std::pair<int, int>>& info) {
                           return "f32_bsrmm_b" + std::to_string(info.param.first) + "x" +
                                  std::to_string(info.param.second) + "__cuda";
                         });

}  // namespace
