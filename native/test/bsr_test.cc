// BSR structure validation (every malformed structure is an error, never a crash) and the
// dense <-> BSR conversions (round trips for every block shape, keep masks, capacity).
#include <gtest/gtest.h>

#include <functional>
#include <random>
#include <string>
#include <vector>

#include "pruneaug/pruneaug.h"
#include "random_bsr.h"

namespace {

const int kDims[] = {1, 2, 4, 8, 16, 32};

// A valid 10 x 13 weight with 4 x 4 blocks (3 x 4 block grid, both edges padded), in arrays
// sized exactly as the structure implies so a validator overrun trips AddressSanitizer.
struct Small {
  std::vector<int32_t> row_ptr{0, 2, 2, 4};
  std::vector<int32_t> col_idx{0, 3, 1, 2};
  std::vector<float> values = std::vector<float>(4 * 16, 1.0f);
  pa_bsr_f32 view() const { return {10, 13, 4, 4, 4, row_ptr.data(), col_idx.data(), values.data()}; }
};

struct Malformed {
  std::string what;
  int expected;
  std::function<void(Small&, pa_bsr_f32&)> corrupt;
};

TEST(BsrValidate, AcceptsValidStructure) {
  Small s;
  const pa_bsr_f32 w = s.view();
  EXPECT_EQ(pa_bsr_validate(&w), PA_OK) << pa_last_error();
}

TEST(BsrValidate, AcceptsEmptyStructure) {
  const std::vector<int32_t> row_ptr(4, 0);
  const pa_bsr_f32 w{10, 13, 4, 4, 0, row_ptr.data(), nullptr, nullptr};
  EXPECT_EQ(pa_bsr_validate(&w), PA_OK) << pa_last_error();
}

TEST(BsrValidate, RejectsEveryMalformedStructure) {
  const std::vector<Malformed> cases = {
      {"m = 0", PA_ERR_INVALID_ARG, [](Small&, pa_bsr_f32& w) { w.m = 0; }},
      {"k < 0", PA_ERR_INVALID_ARG, [](Small&, pa_bsr_f32& w) { w.k = -3; }},
      {"block rows 3", PA_ERR_UNSUPPORTED, [](Small&, pa_bsr_f32& w) { w.br = 3; }},
      {"block cols 64", PA_ERR_UNSUPPORTED, [](Small&, pa_bsr_f32& w) { w.bc = 64; }},
      {"block cols 0", PA_ERR_UNSUPPORTED, [](Small&, pa_bsr_f32& w) { w.bc = 0; }},
      {"nnzb < 0", PA_ERR_BAD_STRUCTURE, [](Small&, pa_bsr_f32& w) { w.nnzb = -1; }},
      {"nnzb > blocks in grid", PA_ERR_BAD_STRUCTURE, [](Small&, pa_bsr_f32& w) { w.nnzb = 13; }},
      {"nnzb != row_ptr[mb]", PA_ERR_BAD_STRUCTURE, [](Small&, pa_bsr_f32& w) { w.nnzb = 3; }},
      {"row_ptr NULL", PA_ERR_BAD_STRUCTURE, [](Small&, pa_bsr_f32& w) { w.row_ptr = nullptr; }},
      {"col_idx NULL", PA_ERR_BAD_STRUCTURE, [](Small&, pa_bsr_f32& w) { w.col_idx = nullptr; }},
      {"values NULL", PA_ERR_BAD_STRUCTURE, [](Small&, pa_bsr_f32& w) { w.values = nullptr; }},
      {"row_ptr[0] != 0", PA_ERR_BAD_STRUCTURE, [](Small& s, pa_bsr_f32&) { s.row_ptr[0] = 1; }},
      {"row_ptr decreasing", PA_ERR_BAD_STRUCTURE, [](Small& s, pa_bsr_f32&) { s.row_ptr[2] = 1; }},
      {"row_ptr beyond nnzb", PA_ERR_BAD_STRUCTURE, [](Small& s, pa_bsr_f32&) { s.row_ptr[1] = 9; }},
      {"row_ptr[mb] short", PA_ERR_BAD_STRUCTURE, [](Small& s, pa_bsr_f32&) { s.row_ptr[3] = 3; }},
      {"col_idx negative", PA_ERR_BAD_STRUCTURE, [](Small& s, pa_bsr_f32&) { s.col_idx[0] = -1; }},
      {"col_idx == block columns", PA_ERR_BAD_STRUCTURE, [](Small& s, pa_bsr_f32&) { s.col_idx[1] = 4; }},
      {"col_idx repeated", PA_ERR_BAD_STRUCTURE, [](Small& s, pa_bsr_f32&) { s.col_idx[3] = 1; }},
      {"col_idx decreasing", PA_ERR_BAD_STRUCTURE, [](Small& s, pa_bsr_f32&) { s.col_idx[0] = 3, s.col_idx[1] = 0; }},
      {"k shrunk under col_idx", PA_ERR_BAD_STRUCTURE, [](Small&, pa_bsr_f32& w) { w.k = 12; }},
  };
  for (const Malformed& c : cases) {
    Small s;
    pa_bsr_f32 w = s.view();
    c.corrupt(s, w);
    EXPECT_EQ(pa_bsr_validate(&w), c.expected) << c.what << ": " << pa_last_error();
    EXPECT_STRNE(pa_last_error(), "") << c.what << ": an error must say what is wrong";
  }
  EXPECT_EQ(pa_bsr_validate(nullptr), PA_ERR_INVALID_ARG);
}

TEST(BsrValidate, RandomCorruptionIsRejectedOrHarmless) {
  // Overwrite one random entry with a random value, many times. validate must return (never
  // crash or overrun); when it accepts, the structure must be usable by the reference kernel.
  std::mt19937_64 rng(99);
  const pa_test::RandomBsr base = pa_test::random_bsr(37, 29, 4, 2, 0.4, 5);
  const int ref = pa_kernel_find("ref", 4, 2);
  const std::vector<float> x(29 * 3, 1.0f);
  int rejected = 0;
  for (int trial = 0; trial < 300; ++trial) {
    pa_test::RandomBsr w = base;
    std::vector<int32_t>& target = (rng() % 2) ? w.row_ptr : w.col_idx;
    const int32_t value = std::uniform_int_distribution<int32_t>(-3, 40)(rng);
    target[rng() % target.size()] = value;
    const pa_bsr_f32 view = w.view();
    if (pa_bsr_validate(&view) != PA_OK) {
      ++rejected;
      continue;
    }
    std::vector<float> y(37 * 3);
    EXPECT_EQ(pa_f32_bsrmm(ref, &view, 3, x.data(), 3, y.data(), 3, nullptr, PA_ACT_NONE, 1), PA_OK);
  }
  EXPECT_GT(rejected, 200);
}

TEST(BsrConvert, RoundTripForEveryBlockShape) {
  for (int br : kDims) {
    for (int bc : kDims) {
      for (int trial = 0; trial < 3; ++trial) {
        const int32_t m = 1 + (br * 3 + trial * 7) % 70, k = 1 + (bc * 5 + trial * 11) % 90;
        const pa_test::RandomBsr w = pa_test::random_bsr(m, k, br, bc, 0.3 * trial + 0.1, 1000 * br + bc + trial);
        const pa_bsr_f32 view = w.view();
        ASSERT_EQ(pa_bsr_validate(&view), PA_OK) << pa_last_error();
        const int32_t ld = k + 3;
        std::vector<float> back((size_t)m * ld, 5.0f);
        ASSERT_EQ(pa_bsr_to_dense(&view, back.data(), ld), PA_OK) << pa_last_error();
        for (int32_t i = 0; i < m; ++i) {
          for (int32_t j = 0; j < k; ++j) {
            ASSERT_EQ(back[(size_t)i * ld + j], w.dense[(size_t)i * k + j])
                << br << "x" << bc << " m=" << m << " k=" << k << " at (" << i << "," << j << ")";
          }
          for (int32_t j = k; j < ld; ++j) ASSERT_EQ(back[(size_t)i * ld + j], 5.0f) << "wrote past k";
        }
        // dense -> BSR without a mask keeps the blocks holding non-zeros: the same structure
        int32_t count = -1, nnzb = -1;
        ASSERT_EQ(pa_bsr_count_blocks(m, k, br, bc, w.dense.data(), k, nullptr, 0, &count), PA_OK);
        EXPECT_EQ(count, view.nnzb);
        std::vector<int32_t> row_ptr((m + br - 1) / br + 1), col_idx(count);
        std::vector<float> values((size_t)count * br * bc);
        ASSERT_EQ(pa_bsr_from_dense(m, k, br, bc, w.dense.data(), k, nullptr, 0, row_ptr.data(), col_idx.data(),
                                    values.data(), count, &nnzb),
                  PA_OK);
        EXPECT_EQ(row_ptr, w.row_ptr);
        EXPECT_EQ(col_idx, w.col_idx);
        EXPECT_EQ(values, w.values);
      }
    }
  }
}

TEST(BsrConvert, KeepMaskZeroesDroppedElementsInsideKeptBlocks) {
  // 2 x 4 weight, one 2x2 block kept through a single element: the rest of the block stores 0
  const float w[] = {1, 2, 3, 4, 5, 6, 7, 8};
  const uint8_t keep[] = {0, 1, 0, 0, 0, 0, 0, 0};
  int32_t row_ptr[2], col_idx[2], nnzb = -1;
  float values[8];
  ASSERT_EQ(pa_bsr_from_dense(2, 4, 2, 2, w, 4, keep, 4, row_ptr, col_idx, values, 2, &nnzb), PA_OK);
  ASSERT_EQ(nnzb, 1);
  EXPECT_EQ(col_idx[0], 0);
  EXPECT_EQ(std::vector<float>(values, values + 4), (std::vector<float>{0, 2, 0, 0}));
}

TEST(BsrConvert, ReportsTooSmallCapacity) {
  const std::vector<float> w(8 * 8, 1.0f);
  std::vector<int32_t> row_ptr(3), col_idx(3);
  std::vector<float> values(3 * 16);
  int32_t nnzb = 0;
  EXPECT_EQ(pa_bsr_from_dense(8, 8, 4, 4, w.data(), 8, nullptr, 0, row_ptr.data(), col_idx.data(), values.data(), 3,
                              &nnzb),
            PA_ERR_CAPACITY);
  EXPECT_STRNE(pa_last_error(), "");
}

TEST(BsrConvert, RejectsBadArguments) {
  const std::vector<float> w(16, 1.0f);
  const std::vector<uint8_t> keep(16, 1);
  int32_t row_ptr[5], col_idx[16], nnzb;
  float values[16];
  int32_t count;
  EXPECT_EQ(pa_bsr_count_blocks(4, 4, 1, 1, nullptr, 4, nullptr, 0, &count), PA_ERR_INVALID_ARG);
  EXPECT_EQ(pa_bsr_count_blocks(4, 4, 1, 1, w.data(), 3, nullptr, 0, &count), PA_ERR_INVALID_ARG);
  EXPECT_EQ(pa_bsr_count_blocks(4, 4, 1, 1, w.data(), 4, keep.data(), 2, &count), PA_ERR_INVALID_ARG);
  EXPECT_EQ(pa_bsr_count_blocks(4, 4, 3, 1, w.data(), 4, nullptr, 0, &count), PA_ERR_UNSUPPORTED);
  EXPECT_EQ(pa_bsr_count_blocks(4, 4, 1, 1, w.data(), 4, nullptr, 0, nullptr), PA_ERR_INVALID_ARG);
  EXPECT_EQ(pa_bsr_from_dense(0, 4, 1, 1, w.data(), 4, nullptr, 0, row_ptr, col_idx, values, 16, &nnzb),
            PA_ERR_INVALID_ARG);
  EXPECT_EQ(pa_bsr_from_dense(4, 4, 1, 1, w.data(), 4, nullptr, 0, nullptr, col_idx, values, 16, &nnzb),
            PA_ERR_INVALID_ARG);
  EXPECT_EQ(pa_bsr_from_dense(4, 4, 1, 1, w.data(), 4, nullptr, 0, row_ptr, nullptr, values, 16, &nnzb),
            PA_ERR_INVALID_ARG);
  EXPECT_EQ(pa_bsr_from_dense(4, 4, 1, 1, w.data(), 4, nullptr, 0, row_ptr, col_idx, values, -1, &nnzb),
            PA_ERR_INVALID_ARG);
  const pa_test::RandomBsr b = pa_test::random_bsr(4, 4, 2, 2, 1.0, 3);
  const pa_bsr_f32 view = b.view();
  std::vector<float> out(16);
  EXPECT_EQ(pa_bsr_to_dense(&view, nullptr, 4), PA_ERR_INVALID_ARG);
  EXPECT_EQ(pa_bsr_to_dense(&view, out.data(), 3), PA_ERR_INVALID_ARG);
  EXPECT_EQ(pa_bsr_to_dense(nullptr, out.data(), 4), PA_ERR_INVALID_ARG);
}

}  // namespace
