// ISA-specific kernels of the grid operators (grid.cc dispatches on pa_cpu_best_isa()).
#ifndef PRUNEAUG_OPS_POOL_KERNELS_H
#define PRUNEAUG_OPS_POOL_KERNELS_H

#include <stdint.h>

namespace pa {

// The geometry of 2x2 / stride 2 max pooling of one channel plane of a grid (pruneaug/grid.h).
struct MaxPool2x2Plane {
  int32_t images, oh, ow, opad;  // images per plane, output rows and columns, output padding
  int64_t iwp, iimage;           // input padded row length, floats per input image
  int64_t owp, oguard;           // output padded row length, output guard
};

// Pools one channel plane: src is the input plane's origin (its first image row, past the guard),
// dst the output plane's start (its guard). Writes every float of the output plane's frame.
using MaxPool2x2PlaneFn = void (*)(const MaxPool2x2Plane& p, const float* src, float* dst);

// The plane in one front-to-back pass, shared by the ISA variants: guard, then per image its pooled
// rows each followed by its padding (row(r0, r1, d, ow, pad) writes both), then the padding rows,
// then the closing guard. Inlined with each ISA's row and zeroing functions: VGG's last pooling has
// 3-float rows, where a call per row would cost as much as the row.
template <class Row, class Zero>
inline void maxpool2x2_plane(const MaxPool2x2Plane& p, const float* src, float* dst, Row row, Zero zero) {
  const int32_t images = p.images, oh = p.oh, ow = p.ow, opad = p.opad;
  const int64_t iwp = p.iwp, iimage = p.iimage, owp = p.owp, tail = (int64_t)opad * owp;
  float* d = dst;
  zero(d, p.oguard);
  d += p.oguard;
  const float* img = src;
  for (int32_t b = 0; b < images; ++b, img += iimage) {
    const float* r0 = img;
    for (int32_t oy = 0; oy < oh; ++oy, r0 += 2 * iwp, d += owp) row(r0, r0 + iwp, d, ow, opad);
    zero(d, tail);
    d += tail;
  }
  zero(d, p.oguard);
}

// The geometry of a 3x3 / stride 1 "same" convolution fused with 2x2 / stride 2 max pooling
// (pa_f32_grid_conv3x3_maxpool2x2): input grid of cin channels of h x w (padding >= 1), output
// grid of pooled oh x ow planes.
struct Conv3x3Pool2x2 {
  int32_t cin, images, h, w;    // input channels, images, input rows and columns
  int32_t oh, ow, opad;         // output rows, columns and padding
  int64_t iwp, iimage, ildc;    // input padded row length, floats per input image, channel stride
  int64_t owp, oimage, oguard;  // output padded row length, floats per output image, output guard
};

// Output channels per call of a fused kernel: their accumulators share every input load.
constexpr int kConvPoolGroup = 4;

// Output planes of `count` (1..kConvPoolGroup) consecutive output channels: src is the input's
// channel 0 at its origin, w their weights (count x cin x 3 x 3, row-major), bias theirs (or NULL),
// dst the first one's plane start (its guard), planes ldo floats apart. Writes every float of the
// planes' frames (guards and padding as zeros).
using Conv3x3Pool2x2Fn = void (*)(const Conv3x3Pool2x2& p, const float* src, const float* w, const float* bias,
                                  bool relu, int32_t count, float* dst, int64_t ldo);

#if defined(__x86_64__) || defined(__i386__)  // as the registry: CMake builds the x86 ISA files there
void f32_maxpool2x2_plane__avx2(const MaxPool2x2Plane& p, const float* src, float* dst);
#define PA_HAVE_MAXPOOL_AVX2 1
void f32_maxpool2x2_plane__avx512(const MaxPool2x2Plane& p, const float* src, float* dst);
#define PA_HAVE_MAXPOOL_AVX512 1
void f32_conv3x3_maxpool2x2__avx512(const Conv3x3Pool2x2& p, const float* src, const float* w, const float* bias,
                                    bool relu, int32_t count, float* dst, int64_t ldo);
#define PA_HAVE_CONV_POOL_AVX512 1
#endif
}  // namespace pa

#endif
