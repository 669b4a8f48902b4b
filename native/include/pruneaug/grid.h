/* The activation layout of PruneAug's sparse CNN inference, and the non-GEMM operators on it.
 *
 * A "grid" tensor holds C channels of B images of H x W, channel-major (feature-major: every
 * channel is one long row, as the kernels' X and Y want), with `pad` zero columns after each image
 * row and `pad` zero rows after each image, shared between neighbours, and `guard` zeros before
 * the first and after the last image of every channel:
 *
 *   Wp = W + pad, Hp = H + pad, guard = pad*Wp + pad
 *   element (c, b, y, x) lives at  c*ldc + guard + (b*Hp + y)*Wp + x,  ldc >= B*Hp*Wp + 2*guard
 *
 * Why: a stride-1 convolution of "same" padding whose kernel reaches `pad` pixels around the centre
 * reads its X row (ci, dy, dx) as the plane of channel ci shifted by (dy-pad)*Wp + (dx-pad), zero
 * where the image ends. The block-sparse GEMM then runs straight on the activations over
 * n = B*Hp*Wp positions ("implicit GEMM"): no im2col matrix is materialised, at the price of
 * computing (Hp*Wp)/(H*W) - 1 extra outputs on the padding, which are zeroed afterwards.
 */
#ifndef PRUNEAUG_GRID_H
#define PRUNEAUG_GRID_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pa_grid {
  int32_t c, b, h, w, pad;
  int64_t ldc; /* channel stride in floats, >= pa_grid_min_ldc(...) */
} pa_grid;

/* Smallest channel stride of a grid (B*Hp*Wp + 2*guard); -1 for invalid sizes. */
int64_t pa_grid_min_ldc(int32_t b, int32_t h, int32_t w, int32_t pad);
/* Offset of element (c=0, b=0, y=0, x=0) from the start of a channel: the guard. */
int64_t pa_grid_origin(const pa_grid* g);

/* X-row offsets of the implicit GEMM of a stride-1 kh x kw convolution with "same" padding
 * (kh, kw odd, (kh-1)/2 and (kw-1)/2 <= pad) on grid g: offsets[(ci*kh + dy)*kw + dx] relative to
 * the grid's origin, for the weight's GEMM view out x (in*kh*kw). */
int pa_grid_conv_row_offsets(const pa_grid* g, int32_t kh, int32_t kw, int64_t* offsets);

/* NCHW images (B x C x H x W contiguous, DL4J's layout) -> grid, padding and guards zeroed. */
int pa_f32_grid_from_nchw(const float* src, const pa_grid* g, float* dst, int threads);

/* Zeroes the padding positions (not the guards) of every channel: what an implicit-GEMM output
 * needs before another convolution reads it. */
int pa_f32_grid_zero_padding(const pa_grid* g, float* data, int threads);

/* Max pooling kh x kw, stride sh x sw, no padding (DL4J "Truncate"): out->h = (in->h - kh)/sh + 1.
 * Writes out's padding and guards as zeros. */
int pa_f32_grid_maxpool(const pa_grid* in, const float* x, int32_t kh, int32_t kw, int32_t sh, int32_t sw,
                        const pa_grid* out, float* y, int threads);

/* The same with the pooling code of a platform's ISA: isa is "auto" (the best here, what
 * pa_f32_grid_maxpool uses) or an ISA of the kernel registry ("generic", "avx2", "avx512", ...). An
 * ISA with its own pooling kernel (AVX-512) runs it when this CPU can; every other ISA runs the
 * portable loop, so a platform is timed with its own code. Unknown ISA: PA_ERR_INVALID_ARG. */
int pa_f32_grid_maxpool_isa(const char* isa, const pa_grid* in, const float* x, int32_t kh, int32_t kw, int32_t sh,
                            int32_t sw, const pa_grid* out, float* y, int threads);

/* Name of the code pa_f32_grid_maxpool_isa runs for (isa, window, stride) here, e.g.
 * "f32_maxpool2x2_plane__avx512"; NULL for an unknown ISA. */
const char* pa_f32_grid_maxpool_kernel(const char* isa, int32_t kh, int32_t kw, int32_t sh, int32_t sw);

/* A 3x3 / stride 1 "same" convolution of in's channels, bias and activation, then 2x2 / stride 2
 * max pooling, in one pass that never stores the convolution's output (a CNN's first layer: few
 * input channels, the largest activation). w: out->c x in->c x 3 x 3 row-major (the GEMM view of
 * the weight), bias: out->c floats or NULL, act: PA_ACT_NONE or PA_ACT_RELU (bsrmm.h). Needs
 * in->pad >= 1 with zero padding; out->h = in->h / 2, out->w = in->w / 2 (DL4J's truncated
 * pooling). Writes out's padding and guards as zeros. */
int pa_f32_grid_conv3x3_maxpool2x2(const pa_grid* in, const float* x, const float* w, const float* bias, int act,
                                   const pa_grid* out, float* y, int threads);
/* 1 when this CPU runs pa_f32_grid_conv3x3_maxpool2x2 with an ISA kernel (AVX-512), 0 when with the
 * portable loop (correct, slower than a GEMM and a pooling). PA_FORCE_ISA applies. */
int pa_f32_grid_conv3x3_maxpool2x2_fast(void);

/* im2col for any convolution: cols[(ci*kh + dy)*kw + dx][(b*oh + oy)*ow + ox] (row-major, leading
 * dimension ldcols) = input (ci, b, oy*sh + dy - pad_top, ox*sw + dx - pad_left), zero outside the
 * image. */
int pa_f32_grid_im2col(const pa_grid* in, const float* x, int32_t kh, int32_t kw, int32_t sh, int32_t sw,
                       int32_t pad_top, int32_t pad_left, int32_t oh, int32_t ow, float* cols, int64_t ldcols,
                       int threads);

/* Dense C x (B*H*W) row-major (leading dimension ld) -> grid (the output of an im2col GEMM). */
int pa_f32_grid_from_rows(const float* src, int64_t ld, const pa_grid* g, float* dst, int threads);

/* Grid -> (C*H*W) x B row-major (leading dimension ld): the flatten before a dense layer, in
 * DL4J's order (channel, row, column). */
int pa_f32_grid_flatten(const pa_grid* g, const float* x, float* dst, int64_t ld, int threads);

/* y[i][j] = act(y[i][j] + bias[i]) over an m x n row-major window (bias may be NULL, act is
 * PA_ACT_NONE or PA_ACT_RELU of bsrmm.h): the epilogue of libraries whose GEMM cannot fuse it. */
int pa_f32_bias_act(int32_t m, int32_t n, float* y, int64_t ldy, const float* bias, int act, int threads);

#ifdef __cplusplus
}
#endif
#endif
