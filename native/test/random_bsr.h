// Random BSR weights for tests and benchmarks (host-only helper, not part of libpruneaug).
#ifndef PRUNEAUG_TEST_RANDOM_BSR_H
#define PRUNEAUG_TEST_RANDOM_BSR_H

#include <cstdint>
#include <random>
#include <vector>

#include "pruneaug/pruneaug.h"

namespace pa_test {

// A BSR weight together with the dense matrix it encodes (zeros outside kept blocks).
struct RandomBsr {
  int32_t m = 0, k = 0, br = 1, bc = 1;
  std::vector<float> dense;  // m x k, row-major
  std::vector<int32_t> row_ptr, col_idx;
  std::vector<float> values;
  pa_bsr_f32 view() const {
    return pa_bsr_f32{m, k, br, bc, (int32_t)col_idx.size(), row_ptr.data(), col_idx.data(), values.data()};
  }
  int64_t stored_nonzeros() const;  // elements of stored blocks that lie inside m x k
};

enum class BlockRows { kAny, kEveryOtherEmpty };

// Keeps exactly round(density * blocks) blocks, chosen uniformly at random (blocks of empty block
// rows excluded with kEveryOtherEmpty); values uniform in [-1, 1]. Built through
// pa_bsr_from_dense, so the conversion is part of every kernel test. Aborts on a library error.
RandomBsr random_bsr(int32_t m, int32_t k, int32_t br, int32_t bc, double density, uint64_t seed,
                     BlockRows rows = BlockRows::kAny);

// Uniform [-1, 1] floats.
std::vector<float> random_floats(size_t count, uint64_t seed);

}  // namespace pa_test

#endif
