#include "random_bsr.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <numeric>

namespace pa_test {

std::vector<float> random_floats(size_t count, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(count);
  for (float& f : v) f = u(rng);
  return v;
}

int64_t RandomBsr::stored_nonzeros() const {
  int64_t total = 0;
  const int32_t mb = (m + br - 1) / br;
  for (int32_t rb = 0; rb < mb; ++rb) {
    const int64_t rows = std::min(br, m - rb * br);
    for (int32_t p = row_ptr[rb]; p < row_ptr[rb + 1]; ++p) total += rows * std::min(bc, k - col_idx[p] * bc);
  }
  return total;
}

RandomBsr random_bsr(int32_t m, int32_t k, int32_t br, int32_t bc, double density, uint64_t seed, BlockRows rows) {
  RandomBsr r;
  r.m = m, r.k = k, r.br = br, r.bc = bc;
  const int32_t mb = (m + br - 1) / br, kb = (k + bc - 1) / bc;
  std::vector<int64_t> candidates;
  for (int32_t rb = 0; rb < mb; ++rb) {
    if (rows == BlockRows::kEveryOtherEmpty && rb % 2 == 1) continue;
    for (int32_t cb = 0; cb < kb; ++cb) candidates.push_back((int64_t)rb * kb + cb);
  }
  std::mt19937_64 rng(seed);
  std::shuffle(candidates.begin(), candidates.end(), rng);
  const size_t kept = std::min(candidates.size(), (size_t)std::llround(density * (double)candidates.size()));
  std::vector<uint8_t> keep((size_t)m * k, 0);
  for (size_t b = 0; b < kept; ++b) {
    const int32_t rb = (int32_t)(candidates[b] / kb), cb = (int32_t)(candidates[b] % kb);
    for (int32_t i = rb * br; i < std::min(m, rb * br + br); ++i) {
      for (int32_t j = cb * bc; j < std::min(k, cb * bc + bc); ++j) keep[(size_t)i * k + j] = 1;
    }
  }
  std::vector<float> w = random_floats((size_t)m * k, seed ^ 0x9e3779b97f4a7c15ull);
  r.row_ptr.resize(mb + 1);
  r.col_idx.resize(kept);
  r.values.resize(kept * br * bc);
  int32_t nnzb = 0;
  const int s = pa_bsr_from_dense(m, k, br, bc, w.data(), k, keep.data(), k, r.row_ptr.data(), r.col_idx.data(),
                                  r.values.data(), (int32_t)kept, &nnzb);
  if (s != PA_OK || (size_t)nnzb != kept) {
    std::fprintf(stderr, "random_bsr: pa_bsr_from_dense failed: %s (%s)\n", pa_status_string(s), pa_last_error());
    std::abort();
  }
  r.dense.assign((size_t)m * k, 0.0f);
  for (size_t i = 0; i < keep.size(); ++i) r.dense[i] = keep[i] ? w[i] : 0.0f;
  return r;
}

}  // namespace pa_test
