/* Block-sparse weight x dense activations:  Y[m x n] = act(W_bsr[m x k] * X[k x n] + bias)
 *
 * X and Y are row-major with leading dimensions ldx >= n and ldy >= n (feature-major activations:
 * a dense layer's X is in x batch, a convolution's X is the im2col matrix in*kh*kw x batch*H*W).
 * bias (m floats) may be NULL; act is PA_ACT_NONE or PA_ACT_RELU; Y is overwritten, not
 * accumulated into.
 *
 * Kernels live in one registry (see kernels.h for how to add one). Names follow
 *   f32_bsrmm_b<BR>x<BC>__<isa>
 * e.g. f32_bsrmm_b8x8__avx2. Every (isa, block shape) the library knows has an entry; the scalar
 * "ref" ISA is always built and is the oracle of every test.
 */
#ifndef PRUNEAUG_BSRMM_H
#define PRUNEAUG_BSRMM_H

#include <stdint.h>
#include "pruneaug/bsr.h"

#ifdef __cplusplus
extern "C" {
#endif

enum { PA_ACT_NONE = 0, PA_ACT_RELU = 1 };

/* Registry: kernels are numbered 0 .. pa_kernel_count()-1. */
int pa_kernel_count(void);
const char* pa_kernel_name(int kernel);   /* "f32_bsrmm_b8x8__avx2"; NULL if out of range */
const char* pa_kernel_isa(int kernel);    /* "ref", "generic", "avx2", "neon", ... */
int pa_kernel_block_rows(int kernel);
int pa_kernel_block_cols(int kernel);
/* 1 if the host CPU can run the kernel, 0 otherwise (e.g. avx2 kernel on a CPU without AVX2). */
int pa_kernel_available(int kernel);
/* Index of the kernel for (isa, br, bc), or -1. isa "auto" = the best ISA available here. */
int pa_kernel_find(const char* isa, int br, int bc);

/* ISA chosen by run-time dispatch on this host ("avx2" or "generic"), and the CPU features seen
 * (e.g. "avx2 fma avx512f"). Static strings. */
const char* pa_cpu_best_isa(void);
const char* pa_cpu_features(void);

/* Runs kernel on w. threads >= 1 is the most threads used (a persistent pool of the library, never
 * OpenMP); the work is split over block rows balanced by stored blocks (or over N when there are
 * few block rows). Fewer threads run a call too small to repay the hand-off: each gets at least
 * ~64k multiply-adds (stored block elements x n), so tiny layers run on the calling thread.
 * Arguments are checked (returns PA_ERR_INVALID_ARG / PA_ERR_UNSUPPORTED with pa_last_error())
 * but the BSR structure is not re-validated on this hot path: call pa_bsr_validate once. */
int pa_f32_bsrmm(int kernel, const pa_bsr_f32* w, int32_t n,
                 const float* x, int32_t ldx, float* y, int32_t ldy,
                 const float* bias, int act, int threads);

/* The same with X rows addressed by offset: row r of X is the n floats at x + x_row_offsets[r]
 * (k offsets, which may be negative or overlap). This is the implicit-GEMM convolution of
 * pruneaug/grid.h: a 3x3 convolution reads its k = in*9 rows as shifted views of the input
 * activations, so no im2col matrix is ever written. The caller guarantees that every row lies
 * inside its buffer. */
int pa_f32_bsrmm_rows(int kernel, const pa_bsr_f32* w, int32_t n, const float* x, const int64_t* x_row_offsets,
                      float* y, int32_t ldy, const float* bias, int act, int threads);

#ifdef __cplusplus
}
#endif
#endif
