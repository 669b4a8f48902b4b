// Shared by the CUDA sources of libpruneaug_cuda: the device-resident weight and the launcher.
#ifndef PRUNEAUG_CUDA_INTERNAL_H
#define PRUNEAUG_CUDA_INTERNAL_H

#include <cuda_runtime.h>

#include <cstdint>

#include "pruneaug/bsrmm.h"
#include "pruneaug/cuda.h"

struct pa_cuda_bsr {
  int32_t m, k, br, bc, nnzb;
  int32_t* row_ptr;  // device arrays, same layout as pa_bsr_f32
  int32_t* col_idx;
  float* values;
};

namespace pa {
namespace cuda {

// Enqueues Y = act(W X + bias) on `stream` for device-resident X (ldx), Y (ldy) and bias (or
// NULL). W's block shape selects one of the 36 kernel instantiations. Returns the launch error.
cudaError_t launch_bsrmm(const pa_cuda_bsr& w, int32_t n, const float* x, int32_t ldx, float* y, int32_t ldy,
                         const float* bias, int act, cudaStream_t stream);

}  // namespace cuda
}  // namespace pa

#endif
