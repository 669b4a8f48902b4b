/* Optional CUDA BSR SpMM (library libpruneaug_cuda, built when nvcc is present). It links the CUDA
 * runtime statically and loads the driver lazily, so it loads on a machine without a GPU and
 * reports PA_ERR_NO_DEVICE there. Same semantics and layouts as pa_f32_bsrmm. */
#ifndef PRUNEAUG_CUDA_H
#define PRUNEAUG_CUDA_H

#include <stdint.h>
#include "pruneaug/bsr.h"

#ifdef __cplusplus
extern "C" {
#endif

/* 1 if a usable GPU and driver are present; otherwise 0 and pa_cuda_unavailable_reason() says
 * why (no driver, no device, compute capability not built, ...). */
int pa_cuda_available(void);
const char* pa_cuda_unavailable_reason(void);
/* "NVIDIA H100 80GB HBM3 (sm_90)", or "" */
const char* pa_cuda_device_name(void);

/* Opaque device-resident BSR weight (uploaded once, reused across calls). */
typedef struct pa_cuda_bsr pa_cuda_bsr;
int pa_cuda_bsr_upload(const pa_bsr_f32* w, pa_cuda_bsr** out);
void pa_cuda_bsr_free(pa_cuda_bsr* w);

/* Y = act(W X + bias) with host X/Y (copies in and out; bias may be NULL). */
int pa_cuda_bsrmm_host(const pa_cuda_bsr* w, int32_t n, const float* x, int32_t ldx,
                       float* y, int32_t ldy, const float* bias, int act);
/* Kernel-only timing: X, Y resident on the device, the call repeated reps times; writes the
 * median milliseconds of one call (CUDA events) to median_ms. */
int pa_cuda_bsrmm_time(const pa_cuda_bsr* w, int32_t n, int reps, float* median_ms);

#ifdef __cplusplus
}
#endif
#endif
