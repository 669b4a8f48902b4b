// CUDA BSR x dense kernels for the 36 block shapes. One CTA computes one block row of Y for
// kTileN consecutive columns, one column per thread: the thread keeps the BR outputs of its
// column in registers, so each X element it loads is reused by all BR rows of the block, while
// the block values are staged in shared memory and read as broadcasts (every thread of a warp
// reads the same word). Loads of X are coalesced along the row. Same semantics and padding rules
// as the CPU kernels (bsr.h): X rows >= k are never read, Y rows >= m never written.
#include "cuda_internal.h"

namespace pa {
namespace cuda {
namespace {

// The kernel's compile-time configuration, one per block shape (sputnik's habit: the tile
// invariants are checked where the tile is defined, not discovered as wrong results).
template <int BR, int BC>
struct BsrmmConfig {
  static constexpr int kBlockRows = BR;
  static constexpr int kBlockCols = BC;
  static constexpr int kThreads = 128;  // per CTA, one Y column each
  static constexpr int kTileN = kThreads;
  // blocks whose values are staged in shared memory at once: up to 8192 floats (32 KiB)
  static constexpr int kStageBlocks = (8192 / (BR * BC)) < 256 ? (8192 / (BR * BC)) : 256;

  static_assert(BR >= 1 && BR <= 32 && (BR & (BR - 1)) == 0, "block rows must be 1, 2, 4, 8, 16 or 32");
  static_assert(BC >= 1 && BC <= 32 && (BC & (BC - 1)) == 0, "block cols must be 1, 2, 4, 8, 16 or 32");
  static_assert(kThreads % 32 == 0 && kThreads <= 1024, "whole warps, within the CTA limit");
  static_assert(kStageBlocks >= 1, "at least one block staged per step");
  static_assert(kStageBlocks * BR * BC * sizeof(float) + kStageBlocks * sizeof(int32_t) <= 48 * 1024,
                "staged blocks fit static shared memory");
  static_assert(BR <= 32, "BR accumulators per thread must stay in registers");
};

template <class Config>
__global__ void __launch_bounds__(Config::kThreads)
    bsrmm_kernel(pa_cuda_bsr w, int32_t n, const float* __restrict__ x, int32_t ldx, float* __restrict__ y,
                 int32_t ldy, const float* __restrict__ bias, int act) {
  constexpr int BR = Config::kBlockRows, BC = Config::kBlockCols, S = Config::kStageBlocks;
  __shared__ float values[S * BR * BC];
  __shared__ int32_t cols[S];

  const int32_t rb = blockIdx.x;
  const int32_t j = blockIdx.y * Config::kTileN + threadIdx.x;
  const int32_t rows = min(BR, w.m - rb * BR);
  const bool live = j < n;

  float acc[BR];
#pragma unroll
  for (int i = 0; i < BR; ++i) acc[i] = (bias != nullptr && i < rows) ? bias[rb * BR + i] : 0.0f;

  const int32_t p_begin = w.row_ptr[rb], p_end = w.row_ptr[rb + 1];
  for (int32_t p0 = p_begin; p0 < p_end; p0 += S) {
    const int32_t staged = min(S, p_end - p0);
    __syncthreads();  // the previous stage is consumed
    for (int32_t t = threadIdx.x; t < staged * BR * BC; t += Config::kThreads) {
      values[t] = w.values[(int64_t)p0 * BR * BC + t];
    }
    for (int32_t t = threadIdx.x; t < staged; t += Config::kThreads) cols[t] = w.col_idx[p0 + t];
    __syncthreads();
    if (!live) continue;
    for (int32_t b = 0; b < staged; ++b) {
      const int32_t k0 = cols[b] * BC;
      const float* xb = x + (int64_t)k0 * ldx + j;
      const float* vb = values + b * BR * BC;
#pragma unroll
      for (int jj = 0; jj < BC; ++jj) {
        if (k0 + jj < w.k) {  // the last block column may stick out past k
          const float xv = __ldg(xb + (int64_t)jj * ldx);
#pragma unroll
          for (int i = 0; i < BR; ++i) acc[i] = fmaf(vb[i * BC + jj], xv, acc[i]);
        }
      }
    }
  }
  if (!live) return;
#pragma unroll
  for (int i = 0; i < BR; ++i) {
    if (i < rows) y[(int64_t)(rb * BR + i) * ldy + j] = act == PA_ACT_RELU ? fmaxf(acc[i], 0.0f) : acc[i];
  }
}

template <int BR, int BC>
cudaError_t launch(const pa_cuda_bsr& w, int32_t n, const float* x, int32_t ldx, float* y, int32_t ldy,
                   const float* bias, int act, cudaStream_t stream) {
  using Config = BsrmmConfig<BR, BC>;
  const int32_t mb = (w.m + BR - 1) / BR;
  const dim3 grid(mb, (n + Config::kTileN - 1) / Config::kTileN);
  if (grid.y > 65535) return cudaErrorInvalidConfiguration;
  bsrmm_kernel<Config><<<grid, Config::kThreads, 0, stream>>>(w, n, x, ldx, y, ldy, bias, act);
  return cudaGetLastError();
}

using Launcher = cudaError_t (*)(const pa_cuda_bsr&, int32_t, const float*, int32_t, float*, int32_t, const float*,
                                 int, cudaStream_t);

#define PA_CUDA_ROW(r) {&launch<r, 1>, &launch<r, 2>, &launch<r, 4>, &launch<r, 8>, &launch<r, 16>, &launch<r, 32>}
const Launcher kLaunchers[6][6] = {PA_CUDA_ROW(1), PA_CUDA_ROW(2), PA_CUDA_ROW(4),
                                   PA_CUDA_ROW(8), PA_CUDA_ROW(16), PA_CUDA_ROW(32)};

int log2_dim(int d) {
  for (int i = 0; i < 6; ++i) {
    if (d == (1 << i)) return i;
  }
  return -1;
}

}  // namespace

cudaError_t launch_bsrmm(const pa_cuda_bsr& w, int32_t n, const float* x, int32_t ldx, float* y, int32_t ldy,
                         const float* bias, int act, cudaStream_t stream) {
  const int r = log2_dim(w.br), c = log2_dim(w.bc);
  if (r < 0 || c < 0) return cudaErrorInvalidValue;
  return kLaunchers[r][c](w, n, x, ldx, y, ldy, bias, act, stream);
}

}  // namespace cuda
}  // namespace pa
