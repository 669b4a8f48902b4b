// The C API of libpruneaug_cuda (pruneaug/cuda.h): device discovery, weight upload, host-copy
// calls and kernel-only timing. The CUDA runtime is linked statically and finds the driver
// (libcuda.so.1) only when first used, so this library loads on machines without a GPU and
// reports why it cannot run there instead of failing to load.
#include <dlfcn.h>

#include <algorithm>
#include <string>
#include <vector>

#include "../internal.h"
#include "cuda_internal.h"

namespace {

struct Device {
  bool usable = false;
  std::string reason, name;
};

// The first GPU, checked once: CUDA 13 with sm_80 / sm_90 code (plus PTX) runs on compute
// capability 8.0 and newer.
const Device& device() {
  static const Device d = [] {
    Device r;
    int count = 0;
    const cudaError_t e = cudaGetDeviceCount(&count);
    if (e != cudaSuccess) {
      // Without libcuda the runtime says "driver version is insufficient"; name the real cause.
      void* driver = dlopen("libcuda.so.1", RTLD_LAZY | RTLD_LOCAL);
      if (driver == nullptr) {
        r.reason = "no NVIDIA driver (libcuda.so.1 not found)";
      } else {
        dlclose(driver);
        r.reason = std::string("CUDA driver or device unusable: ") + cudaGetErrorString(e);
      }
      cudaGetLastError();  // clear the sticky error so later calls report their own
      return r;
    }
    if (count == 0) {
      r.reason = "no CUDA device";
      return r;
    }
    cudaDeviceProp prop;
    if (cudaGetDeviceProperties(&prop, 0) != cudaSuccess) {
      r.reason = "cannot query CUDA device 0";
      return r;
    }
    r.name = std::string(prop.name) + " (sm_" + std::to_string(prop.major) + std::to_string(prop.minor) + ")";
    if (prop.major < 8) {
      r.reason = r.name + ": compute capability below 8.0, kernels built for sm_80 and sm_90";
      r.name.clear();
      return r;
    }
    r.usable = true;
    return r;
  }();
  return d;
}

int cuda_fail(cudaError_t e, const char* what) {
  cudaGetLastError();
  return pa::fail(e == cudaErrorMemoryAllocation ? PA_ERR_OUT_OF_MEMORY : PA_ERR_INTERNAL,
                  std::string(what) + ": " + cudaGetErrorString(e));
}

#define PA_CUDA_TRY(call, what)                   \
  do {                                            \
    const cudaError_t pa_err_ = (call);           \
    if (pa_err_ != cudaSuccess) return cuda_fail(pa_err_, what); \
  } while (0)

int require_device() {
  if (!device().usable) return pa::fail(PA_ERR_NO_DEVICE, device().reason);
  return PA_OK;
}

// Device buffers freed on every path out of a call.
struct DeviceBuffers {
  std::vector<void*> owned;
  ~DeviceBuffers() {
    for (void* p : owned) cudaFree(p);
  }
  template <class T>
  cudaError_t alloc(T** p, size_t count) {
    const cudaError_t e = cudaMalloc(reinterpret_cast<void**>(p), std::max<size_t>(count, 1) * sizeof(T));
    if (e == cudaSuccess) owned.push_back(*p);
    return e;
  }
};

int check_call(const pa_cuda_bsr* w, int32_t n, int act) {
  if (w == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "device weight is NULL");
  if (n <= 0) return pa::fail(PA_ERR_INVALID_ARG, "n=" + std::to_string(n) + " must be positive");
  if (act != PA_ACT_NONE && act != PA_ACT_RELU) return pa::fail(PA_ERR_INVALID_ARG, "unknown activation " + std::to_string(act));
  return require_device();
}

}  // namespace

extern "C" {

int pa_cuda_available(void) { return device().usable ? 1 : 0; }

const char* pa_cuda_unavailable_reason(void) { return device().reason.c_str(); }

const char* pa_cuda_device_name(void) { return device().name.c_str(); }

int pa_cuda_bsr_upload(const pa_bsr_f32* w, pa_cuda_bsr** out) {
  pa::clear_error();
  if (out == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "output pointer is NULL");
  *out = nullptr;
  if (int s = pa_bsr_validate(w)) return s;
  if (int s = require_device()) return s;
  const int32_t mb = pa::ceil_div(w->m, w->br);
  DeviceBuffers buffers;
  pa_cuda_bsr d{w->m, w->k, w->br, w->bc, w->nnzb, nullptr, nullptr, nullptr};
  PA_CUDA_TRY(buffers.alloc(&d.row_ptr, mb + 1), "cudaMalloc row_ptr");
  PA_CUDA_TRY(buffers.alloc(&d.col_idx, w->nnzb), "cudaMalloc col_idx");
  PA_CUDA_TRY(buffers.alloc(&d.values, (size_t)w->nnzb * w->br * w->bc), "cudaMalloc values");
  PA_CUDA_TRY(cudaMemcpy(d.row_ptr, w->row_ptr, sizeof(int32_t) * (mb + 1), cudaMemcpyHostToDevice), "upload row_ptr");
  if (w->nnzb > 0) {
    PA_CUDA_TRY(cudaMemcpy(d.col_idx, w->col_idx, sizeof(int32_t) * w->nnzb, cudaMemcpyHostToDevice), "upload col_idx");
    PA_CUDA_TRY(cudaMemcpy(d.values, w->values, sizeof(float) * w->nnzb * w->br * w->bc, cudaMemcpyHostToDevice),
                "upload values");
  }
  buffers.owned.clear();  // now owned by the handle
  *out = new pa_cuda_bsr(d);
  return PA_OK;
}

void pa_cuda_bsr_free(pa_cuda_bsr* w) {
  if (w == nullptr) return;
  cudaFree(w->row_ptr);
  cudaFree(w->col_idx);
  cudaFree(w->values);
  delete w;
}

int pa_cuda_bsrmm_host(const pa_cuda_bsr* w, int32_t n, const float* x, int32_t ldx, float* y, int32_t ldy,
                       const float* bias, int act) {
  pa::clear_error();
  if (int s = check_call(w, n, act)) return s;
  if (x == nullptr || y == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "NULL X or Y");
  if (ldx < n || ldy < n) {
    return pa::fail(PA_ERR_INVALID_ARG, "leading dimensions ldx=" + std::to_string(ldx) + " ldy=" + std::to_string(ldy) +
                                            " must be >= n=" + std::to_string(n));
  }
  DeviceBuffers buffers;
  float *dx = nullptr, *dy = nullptr, *dbias = nullptr;
  PA_CUDA_TRY(buffers.alloc(&dx, (size_t)w->k * n), "cudaMalloc X");
  PA_CUDA_TRY(buffers.alloc(&dy, (size_t)w->m * n), "cudaMalloc Y");
  PA_CUDA_TRY(cudaMemcpy2D(dx, n * sizeof(float), x, ldx * sizeof(float), n * sizeof(float), w->k, cudaMemcpyHostToDevice),
              "copy X to the device");
  if (bias != nullptr) {
    PA_CUDA_TRY(buffers.alloc(&dbias, w->m), "cudaMalloc bias");
    PA_CUDA_TRY(cudaMemcpy(dbias, bias, sizeof(float) * w->m, cudaMemcpyHostToDevice), "copy bias to the device");
  }
  PA_CUDA_TRY(pa::cuda::launch_bsrmm(*w, n, dx, n, dy, n, dbias, act, 0), "kernel launch");
  PA_CUDA_TRY(cudaMemcpy2D(y, ldy * sizeof(float), dy, n * sizeof(float), n * sizeof(float), w->m, cudaMemcpyDeviceToHost),
              "copy Y from the device");
  return PA_OK;
}

int pa_cuda_bsrmm_time(const pa_cuda_bsr* w, int32_t n, int reps, float* median_ms) {
  pa::clear_error();
  if (int s = check_call(w, n, PA_ACT_NONE)) return s;
  if (reps < 1 || median_ms == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "reps must be >= 1 and median_ms non-NULL");
  DeviceBuffers buffers;
  float *dx = nullptr, *dy = nullptr;
  PA_CUDA_TRY(buffers.alloc(&dx, (size_t)w->k * n), "cudaMalloc X");
  PA_CUDA_TRY(buffers.alloc(&dy, (size_t)w->m * n), "cudaMalloc Y");
  PA_CUDA_TRY(cudaMemset(dx, 0, sizeof(float) * w->k * n), "cudaMemset X");
  cudaEvent_t start, stop;
  PA_CUDA_TRY(cudaEventCreate(&start), "cudaEventCreate");
  PA_CUDA_TRY(cudaEventCreate(&stop), "cudaEventCreate");
  std::vector<float> times;
  cudaError_t e = cudaSuccess;
  for (int i = 0; i < 3 && e == cudaSuccess; ++i) e = pa::cuda::launch_bsrmm(*w, n, dx, n, dy, n, nullptr, PA_ACT_NONE, 0);
  for (int i = 0; i < reps && e == cudaSuccess; ++i) {
    cudaEventRecord(start);
    e = pa::cuda::launch_bsrmm(*w, n, dx, n, dy, n, nullptr, PA_ACT_NONE, 0);
    cudaEventRecord(stop);
    if (e == cudaSuccess) e = cudaEventSynchronize(stop);
    float ms = 0;
    if (e == cudaSuccess) e = cudaEventElapsedTime(&ms, start, stop);
    times.push_back(ms);
  }
  cudaEventDestroy(start);
  cudaEventDestroy(stop);
  if (e != cudaSuccess) return cuda_fail(e, "timed kernel run");
  std::sort(times.begin(), times.end());
  *median_ms = times[times.size() / 2];
  return PA_OK;
}

}  // extern "C"
