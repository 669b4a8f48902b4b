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

#if defined(__x86_64__) || defined(__i386__)  // as the registry: CMake builds the x86 ISA files there
void f32_maxpool2x2_plane__avx512(const MaxPool2x2Plane& p, const float* src, float* dst);
#define PA_HAVE_MAXPOOL_AVX512 1
#endif
}  // namespace pa

#endif
