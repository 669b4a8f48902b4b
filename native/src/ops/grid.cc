// Non-GEMM operators of sparse CNN inference on the grid layout (pruneaug/grid.h). They are
// memory-bound copies; plain loops the compiler vectorises, split over channels (or images) on
// the library's thread pool.
#include "pruneaug/grid.h"

#include "pruneaug/bsrmm.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <vector>
#if defined(__SSE2__)
#include <immintrin.h>
#endif

#include "../cpu.h"
#include "../internal.h"
#include "../thread_pool.h"
#include "pool_kernels.h"

namespace {

struct Geo {
  int64_t wp, hp, guard, image;  // padded row length, padded image height, guard, floats per image
};

Geo geo(const pa_grid& g) {
  Geo r;
  r.wp = g.w + g.pad;
  r.hp = g.h + g.pad;
  r.guard = (int64_t)g.pad * r.wp + g.pad;
  r.image = r.hp * r.wp;
  return r;
}

int check_grid(const pa_grid* g, const char* what) {
  if (g == nullptr) return pa::fail(PA_ERR_INVALID_ARG, std::string(what) + " grid is NULL");
  if (g->c <= 0 || g->b <= 0 || g->h <= 0 || g->w <= 0 || g->pad < 0) {
    return pa::fail(PA_ERR_INVALID_ARG, std::string(what) + " grid has a non-positive size");
  }
  const int64_t need = pa_grid_min_ldc(g->b, g->h, g->w, g->pad);
  if (g->ldc < need) {
    return pa::fail(PA_ERR_INVALID_ARG, std::string(what) + " grid ldc " + std::to_string(g->ldc) + " < " +
                                            std::to_string(need));
  }
  return PA_OK;
}

int check_threads(int threads) {
  return threads < 1 ? pa::fail(PA_ERR_INVALID_ARG, "threads must be >= 1") : PA_OK;
}

// Calls body(i) for i in [0, count), the range cut into `threads` contiguous parts.
template <class F>
void parallel_range(int threads, int64_t count, const F& body) {
  const int parts = (int)std::max<int64_t>(1, std::min<int64_t>(threads, count));
  if (parts == 1) {
    for (int64_t i = 0; i < count; ++i) body(i);
    return;
  }
  pa::parallel_for_threads(parts, [&](int t) {
    const int64_t b = count * t / parts, e = count * (t + 1) / parts;
    for (int64_t i = b; i < e; ++i) body(i);
  });
}

// One output row of 2x2 / stride 2 max pooling from input rows r0, r1 (each input read once): the
// max of the two rows, then of adjacent pairs. The scalar loop's stride-2 loads do not vectorise;
// with SSE, 4 outputs take 4 loads, 2 max, 2 shuffles and 1 max (VGG's first pooling, 1 thread:
// 0.27-0.40 -> 0.22 ms). A row of at least 4 outputs ends with an overlapping block (same values).
inline void pool_row_2x2(const float* r0, const float* r1, float* d, int32_t ow) {
  int32_t ox = 0;
#if defined(__SSE2__)
  if (ow >= 4) {
    for (;; ox += 4) {
      if (ox > ow - 4) ox = ow - 4;
      const __m128 m0 = _mm_max_ps(_mm_loadu_ps(r0 + 2 * ox), _mm_loadu_ps(r1 + 2 * ox));
      const __m128 m1 = _mm_max_ps(_mm_loadu_ps(r0 + 2 * ox + 4), _mm_loadu_ps(r1 + 2 * ox + 4));
      const __m128 even = _mm_shuffle_ps(m0, m1, _MM_SHUFFLE(2, 0, 2, 0));
      const __m128 odd = _mm_shuffle_ps(m0, m1, _MM_SHUFFLE(3, 1, 3, 1));
      _mm_storeu_ps(d + ox, _mm_max_ps(even, odd));
      if (ox == ow - 4) return;
    }
  }
#endif
  for (; ox < ow; ++ox) {
#if defined(__SSE2__)
    // maxss on values: std::max's references made GCC select pointers with comiss/cmova and load
    const __m128 a = _mm_max_ss(_mm_load_ss(r0 + 2 * ox), _mm_load_ss(r1 + 2 * ox));
    const __m128 b = _mm_max_ss(_mm_load_ss(r0 + 2 * ox + 1), _mm_load_ss(r1 + 2 * ox + 1));
    _mm_store_ss(d + ox, _mm_max_ss(a, b));
#else
    const float a = std::max(r0[2 * ox], r1[2 * ox]);
    const float b = std::max(r0[2 * ox + 1], r1[2 * ox + 1]);
    d[ox] = std::max(a, b);
#endif
  }
}

// Zeroes n floats; the padding runs are often a single float, not worth a memset call.
// (GCC turns a plain zeroing loop back into a memset call, hence the SSE stores.)
inline void zero_floats(float* p, int64_t n) {
  if (n >= 32) {
    std::memset(p, 0, sizeof(float) * n);
    return;
  }
  int64_t i = 0;
#if defined(__SSE2__)
  for (; i + 4 <= n; i += 4) _mm_storeu_ps(p + i, _mm_setzero_ps());
  for (; i < n; ++i) _mm_store_ss(p + i, _mm_setzero_ps());
#else
  for (; i < n; ++i) p[i] = 0.0f;
#endif
}

// The portable plane kernel: SSE row blocks (or scalar), each row followed by its padding.
void maxpool2x2_plane_generic(const pa::MaxPool2x2Plane& p, const float* src, float* dst) {
  pa::maxpool2x2_plane(
      p, src, dst,
      [](const float* r0, const float* r1, float* d, int32_t ow, int32_t pad) {
        pool_row_2x2(r0, r1, d, ow);
        zero_floats(d + ow, pad);
      },
      zero_floats);
}

// The ISA a pooling runs with: "auto" (or NULL) is the best here; any other name must be an ISA of
// the kernel registry. nullptr for an unknown name.
const char* resolve_pool_isa(const char* isa) {
  if (isa == nullptr || std::strcmp(isa, "auto") == 0) return pa_cpu_best_isa();
  return pa_kernel_find(isa, 1, 1) >= 0 ? isa : nullptr;
}

// The 2x2 / stride 2 plane kernel of a platform of ISA isa (resolved): its own ISA's kernel when the
// library has one for it and this CPU runs it (AVX-512, AVX2), else the portable loop, so that a
// cpu-avx2 or cpu-generic platform on an AVX-512 machine is timed with its own code. With its name
// (pa_f32_grid_maxpool_kernel).
struct PlaneKernel {
  pa::MaxPool2x2PlaneFn fn;
  const char* name;
};
PlaneKernel maxpool2x2_plane_kernel(const char* isa) {
#if defined(PA_HAVE_MAXPOOL_AVX512)
  if (std::strcmp(isa, "avx512") == 0 && pa::cpu_supports_isa("avx512")) {
    return {&pa::f32_maxpool2x2_plane__avx512, "f32_maxpool2x2_plane__avx512"};
  }
#endif
#if defined(PA_HAVE_MAXPOOL_AVX2)
  if (std::strcmp(isa, "avx2") == 0 && pa::cpu_supports_isa("avx2")) {
    return {&pa::f32_maxpool2x2_plane__avx2, "f32_maxpool2x2_plane__avx2"};
  }
#endif
  return {&maxpool2x2_plane_generic, "f32_maxpool2x2_plane__generic"};
}

// The portable fused convolution + pooling: each output channel's convolution rows 2*py and
// 2*py + 1 into a row buffer, then their pooled maxima (the tests' reference, and what runs
// without AVX-512; pa_f32_grid_conv3x3_maxpool2x2_fast says 0 then and the runtime keeps the GEMM
// and the pooling apart).
void conv3x3_maxpool2x2_generic(const pa::Conv3x3Pool2x2& p, const float* src, const float* w, const float* bias,
                                bool relu, int32_t count, float* dst, int64_t ldo) {
  std::vector<float> rows(2 * (size_t)p.w);
  for (int32_t g = 0; g < count; ++g) {
    float* plane = dst + g * ldo;
    const float* wg = w + (int64_t)g * p.cin * 9;
    std::memset(plane, 0, sizeof(float) * p.oguard);
    for (int32_t b = 0; b < p.images; ++b) {
      float* out = plane + p.oguard + b * p.oimage;
      for (int32_t py = 0; py < p.oh; ++py) {
        for (int r = 0; r < 2; ++r) {
          const int32_t y = 2 * py + r;
          for (int32_t x = 0; x < 2 * p.ow; ++x) {
            float s = 0.0f;
            for (int32_t ci = 0; ci < p.cin; ++ci) {
              // (y - 1, x - 1) of channel ci: the grid's zero padding and guard cover the border
              const float* at = src + ci * p.ildc + b * p.iimage + (int64_t)(y - 1) * p.iwp + (x - 1);
              for (int dy = 0; dy < 3; ++dy) {
                for (int dx = 0; dx < 3; ++dx) s += wg[(ci * 3 + dy) * 3 + dx] * at[dy * p.iwp + dx];
              }
            }
            rows[(size_t)r * p.w + x] = s;
          }
        }
        float* d = out + (int64_t)py * p.owp;
        for (int32_t x = 0; x < p.ow; ++x) {
          float m = std::max(std::max(rows[2 * x], rows[2 * x + 1]), std::max(rows[p.w + 2 * x], rows[p.w + 2 * x + 1]));
          if (bias != nullptr) m += bias[g];
          d[x] = relu ? std::max(m, 0.0f) : m;
        }
        std::memset(d + p.ow, 0, sizeof(float) * p.opad);
      }
      std::memset(out + (int64_t)p.oh * p.owp, 0, sizeof(float) * p.opad * p.owp);
    }
    std::memset(plane + p.oguard + p.images * p.oimage, 0, sizeof(float) * p.oguard);
  }
}

pa::Conv3x3Pool2x2Fn conv3x3_maxpool2x2_kernel() {
  static const pa::Conv3x3Pool2x2Fn kernel = [] {
#if defined(PA_HAVE_CONV_POOL_AVX512)
    if (std::strcmp(pa_cpu_best_isa(), "avx512") == 0) return &pa::f32_conv3x3_maxpool2x2__avx512;
#endif
    return &conv3x3_maxpool2x2_generic;
  }();
  return kernel;
}

// Zeroes the guards, the padding rows and the padding columns of channel plane p.
void zero_frame(const pa_grid& g, const Geo& s, float* p) {
  std::memset(p, 0, sizeof(float) * s.guard);
  float* origin = p + s.guard;
  for (int32_t b = 0; b < g.b; ++b) {
    float* img = origin + b * s.image;
    for (int32_t y = 0; y < g.h; ++y) std::memset(img + y * s.wp + g.w, 0, sizeof(float) * g.pad);
    std::memset(img + g.h * s.wp, 0, sizeof(float) * g.pad * s.wp);
  }
  std::memset(origin + g.b * s.image, 0, sizeof(float) * s.guard);
}

}  // namespace

extern "C" int64_t pa_grid_min_ldc(int32_t b, int32_t h, int32_t w, int32_t pad) {
  if (b <= 0 || h <= 0 || w <= 0 || pad < 0) return -1;
  const int64_t wp = w + pad, hp = h + pad, guard = (int64_t)pad * wp + pad;
  return (int64_t)b * hp * wp + 2 * guard;
}

extern "C" int64_t pa_grid_origin(const pa_grid* g) { return g == nullptr ? 0 : geo(*g).guard; }

extern "C" int pa_grid_conv_row_offsets(const pa_grid* g, int32_t kh, int32_t kw, int64_t* offsets) {
  pa::clear_error();
  if (int s = check_grid(g, "input")) return s;
  if (offsets == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "offsets is NULL");
  if (kh <= 0 || kw <= 0 || kh % 2 == 0 || kw % 2 == 0 || (kh - 1) / 2 > g->pad || (kw - 1) / 2 > g->pad) {
    return pa::fail(PA_ERR_UNSUPPORTED, "implicit GEMM needs an odd kernel reaching at most pad=" +
                                            std::to_string(g->pad) + " pixels, got " + std::to_string(kh) + "x" +
                                            std::to_string(kw));
  }
  const Geo s = geo(*g);
  const int32_t rh = (kh - 1) / 2, rw = (kw - 1) / 2;
  for (int32_t ci = 0; ci < g->c; ++ci) {
    for (int32_t dy = 0; dy < kh; ++dy) {
      for (int32_t dx = 0; dx < kw; ++dx) {
        offsets[((int64_t)ci * kh + dy) * kw + dx] = ci * g->ldc + (int64_t)(dy - rh) * s.wp + (dx - rw);
      }
    }
  }
  return PA_OK;
}

extern "C" int pa_f32_grid_from_nchw(const float* src, const pa_grid* g, float* dst, int threads) {
  pa::clear_error();
  if (int s = check_grid(g, "output")) return s;
  if (int s = check_threads(threads)) return s;
  if (src == nullptr || dst == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "NULL source or destination");
  const Geo s = geo(*g);
  // one task per (channel, image): the input layer has a single channel
  parallel_range(threads, (int64_t)g->c * g->b, [&](int64_t t) {
    const int32_t c = (int32_t)(t / g->b), b = (int32_t)(t % g->b);
    float* img = dst + c * g->ldc + s.guard + b * s.image;
    const float* in = src + (((int64_t)b * g->c + c) * g->h) * g->w;
    for (int32_t y = 0; y < g->h; ++y) {
      std::memcpy(img + y * s.wp, in + (int64_t)y * g->w, sizeof(float) * g->w);
      std::memset(img + y * s.wp + g->w, 0, sizeof(float) * g->pad);
    }
    std::memset(img + g->h * s.wp, 0, sizeof(float) * g->pad * s.wp);
    if (b == 0) std::memset(dst + c * g->ldc, 0, sizeof(float) * s.guard);
    if (b == g->b - 1) std::memset(img + s.image, 0, sizeof(float) * s.guard);
  });
  return PA_OK;
}

extern "C" int pa_f32_grid_zero_padding(const pa_grid* g, float* data, int threads) {
  pa::clear_error();
  if (int s = check_grid(g, "")) return s;
  if (int s = check_threads(threads)) return s;
  if (data == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "NULL data");
  const Geo s = geo(*g);
  parallel_range(threads, g->c, [&](int64_t c) { zero_frame(*g, s, data + c * g->ldc); });
  return PA_OK;
}

extern "C" const char* pa_f32_grid_maxpool_kernel(const char* isa, int32_t kh, int32_t kw, int32_t sh, int32_t sw) {
  const char* resolved = resolve_pool_isa(isa);
  if (resolved == nullptr) return nullptr;
  if (kh == 2 && kw == 2 && sh == 2 && sw == 2) {
    return maxpool2x2_plane_kernel(resolved).name;
  }
  return "f32_maxpool__generic";
}

extern "C" int pa_f32_grid_maxpool(const pa_grid* in, const float* x, int32_t kh, int32_t kw, int32_t sh,
                                   int32_t sw, const pa_grid* out, float* y, int threads) {
  return pa_f32_grid_maxpool_isa("auto", in, x, kh, kw, sh, sw, out, y, threads);
}

extern "C" int pa_f32_grid_maxpool_isa(const char* isa, const pa_grid* in, const float* x, int32_t kh, int32_t kw,
                                       int32_t sh, int32_t sw, const pa_grid* out, float* y, int threads) {
  pa::clear_error();
  const char* resolved = resolve_pool_isa(isa);
  if (resolved == nullptr) return pa::fail(PA_ERR_INVALID_ARG, std::string("unknown ISA '") + isa + "'");
  if (int s = check_grid(in, "input")) return s;
  if (int s = check_grid(out, "output")) return s;
  if (int s = check_threads(threads)) return s;
  if (x == nullptr || y == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "NULL input or output");
  if (kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0) return pa::fail(PA_ERR_INVALID_ARG, "non-positive pooling window");
  if (out->c != in->c || out->b != in->b || out->h != (in->h - kh) / sh + 1 || out->w != (in->w - kw) / sw + 1 ||
      in->h < kh || in->w < kw) {
    return pa::fail(PA_ERR_INVALID_ARG, "pooling output grid does not match the input grid and window");
  }
  const Geo si = geo(*in), so = geo(*out);
  if (kh == 2 && kw == 2 && sh == 2 && sw == 2) {
    // one task per channel plane, written front to back in one pass (a task per (channel, image)
    // spent more on its set-up and tiny memsets than on VGG's 7x7 -> 3x3 pooling itself)
    const pa::MaxPool2x2PlaneFn kernel = maxpool2x2_plane_kernel(resolved).fn;
    const pa::MaxPool2x2Plane plane{in->b, out->h, out->w, out->pad, si.wp, si.image, so.wp, so.guard};
    parallel_range(threads, in->c, [&](int64_t c) {
      kernel(plane, x + c * in->ldc + si.guard, y + c * out->ldc);
    });
    return PA_OK;
  }
  // any other window: one task per (channel, image), enough to balance even when channels are few
  parallel_range(threads, (int64_t)in->c * in->b, [&](int64_t t) {
    const int64_t c = t / in->b;
    const int32_t b = (int32_t)(t % in->b);
    float* plane = y + c * out->ldc;
    if (b == 0) std::memset(plane, 0, sizeof(float) * so.guard);
    if (b == in->b - 1) std::memset(plane + so.guard + (int64_t)in->b * so.image, 0, sizeof(float) * so.guard);
    const float* src = x + c * in->ldc + si.guard + b * si.image;
    float* dst = plane + so.guard + b * so.image;
    for (int32_t oy = 0; oy < out->h; ++oy) {
      float* drow = dst + oy * so.wp;
      const float* srow = src + (int64_t)oy * sh * si.wp;
      for (int32_t ox = 0; ox < out->w; ++ox) drow[ox] = srow[(int64_t)ox * sw];
      for (int32_t dy = 0; dy < kh; ++dy) {
        const float* r = srow + dy * si.wp;
        for (int32_t dx = (dy == 0 ? 1 : 0); dx < kw; ++dx) {
          for (int32_t ox = 0; ox < out->w; ++ox) drow[ox] = std::max(drow[ox], r[(int64_t)ox * sw + dx]);
        }
      }
      std::memset(drow + out->w, 0, sizeof(float) * out->pad);
    }
    std::memset(dst + (int64_t)out->h * so.wp, 0, sizeof(float) * out->pad * so.wp);
  });
  return PA_OK;
}

extern "C" int pa_f32_grid_conv3x3_maxpool2x2(const pa_grid* in, const float* x, const float* w,
                                              const float* bias, int act, const pa_grid* out, float* y,
                                              int threads) {
  pa::clear_error();
  if (int s = check_grid(in, "input")) return s;
  if (int s = check_grid(out, "output")) return s;
  if (int s = check_threads(threads)) return s;
  if (x == nullptr || y == nullptr || w == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "NULL input, weights or output");
  if (act != PA_ACT_NONE && act != PA_ACT_RELU) return pa::fail(PA_ERR_INVALID_ARG, "unknown activation");
  if (in->pad < 1) return pa::fail(PA_ERR_UNSUPPORTED, "a 3x3 convolution on the grid needs padding >= 1");
  if (in->h < 2 || in->w < 2 || out->b != in->b || out->h != in->h / 2 || out->w != in->w / 2) {
    return pa::fail(PA_ERR_INVALID_ARG, "output grid " + std::to_string(out->h) + "x" + std::to_string(out->w) +
                                            " is not the 2x2 pooling of the " + std::to_string(in->h) + "x" +
                                            std::to_string(in->w) + " input");
  }
  const Geo si = geo(*in), so = geo(*out);
  const pa::Conv3x3Pool2x2 p{in->c,   in->b,   in->h,    in->w,   out->h,  out->w,
                             out->pad, si.wp,  si.image, in->ldc, so.wp,   so.image, so.guard};
  const pa::Conv3x3Pool2x2Fn kernel = conv3x3_maxpool2x2_kernel();
  const int64_t groups = (out->c + pa::kConvPoolGroup - 1) / pa::kConvPoolGroup;
  parallel_range(threads, groups, [&](int64_t t) {
    const int32_t c0 = (int32_t)t * pa::kConvPoolGroup;
    const int32_t count = std::min(pa::kConvPoolGroup, out->c - c0);
    kernel(p, x + si.guard, w + (int64_t)c0 * in->c * 9, bias == nullptr ? nullptr : bias + c0, act == PA_ACT_RELU,
           count, y + c0 * out->ldc, out->ldc);
  });
  return PA_OK;
}

extern "C" int pa_f32_grid_conv3x3_maxpool2x2_fast(void) {
  return conv3x3_maxpool2x2_kernel() != &conv3x3_maxpool2x2_generic;
}

extern "C" int pa_f32_grid_im2col(const pa_grid* in, const float* x, int32_t kh, int32_t kw, int32_t sh,
                                  int32_t sw, int32_t pad_top, int32_t pad_left, int32_t oh, int32_t ow,
                                  float* cols, int64_t ldcols, int threads) {
  pa::clear_error();
  if (int s = check_grid(in, "input")) return s;
  if (int s = check_threads(threads)) return s;
  if (x == nullptr || cols == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "NULL input or output");
  if (kh <= 0 || kw <= 0 || sh <= 0 || sw <= 0 || oh <= 0 || ow <= 0 || pad_top < 0 || pad_left < 0) {
    return pa::fail(PA_ERR_INVALID_ARG, "non-positive convolution geometry");
  }
  if (ldcols < (int64_t)in->b * oh * ow) return pa::fail(PA_ERR_INVALID_ARG, "ldcols < B*oh*ow");
  const Geo s = geo(*in);
  parallel_range(threads, (int64_t)in->c * kh * kw, [&](int64_t row) {
    const int32_t ci = (int32_t)(row / (kh * kw)), dy = (int32_t)(row / kw % kh), dx = (int32_t)(row % kw);
    float* out = cols + row * ldcols;
    for (int32_t b = 0; b < in->b; ++b) {
      const float* img = x + ci * in->ldc + s.guard + b * s.image;
      for (int32_t oy = 0; oy < oh; ++oy) {
        float* o = out + ((int64_t)b * oh + oy) * ow;
        const int32_t iy = oy * sh + dy - pad_top;
        if (iy < 0 || iy >= in->h) {
          std::memset(o, 0, sizeof(float) * ow);
          continue;
        }
        const float* r = img + iy * s.wp;
        for (int32_t ox = 0; ox < ow; ++ox) {
          const int32_t ix = ox * sw + dx - pad_left;
          o[ox] = (ix >= 0 && ix < in->w) ? r[ix] : 0.0f;
        }
      }
    }
  });
  return PA_OK;
}

extern "C" int pa_f32_grid_from_rows(const float* src, int64_t ld, const pa_grid* g, float* dst, int threads) {
  pa::clear_error();
  if (int s = check_grid(g, "output")) return s;
  if (int s = check_threads(threads)) return s;
  if (src == nullptr || dst == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "NULL source or destination");
  if (ld < (int64_t)g->b * g->h * g->w) return pa::fail(PA_ERR_INVALID_ARG, "ld < B*H*W");
  const Geo s = geo(*g);
  parallel_range(threads, g->c, [&](int64_t c) {
    float* plane = dst + c * g->ldc;
    zero_frame(*g, s, plane);
    for (int32_t b = 0; b < g->b; ++b) {
      for (int32_t y = 0; y < g->h; ++y) {
        std::memcpy(plane + s.guard + b * s.image + y * s.wp, src + c * ld + ((int64_t)b * g->h + y) * g->w,
                    sizeof(float) * g->w);
      }
    }
  });
  return PA_OK;
}

extern "C" int pa_f32_grid_flatten(const pa_grid* g, const float* x, float* dst, int64_t ld, int threads) {
  pa::clear_error();
  if (int s = check_grid(g, "input")) return s;
  if (int s = check_threads(threads)) return s;
  if (x == nullptr || dst == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "NULL input or output");
  if (ld < g->b) return pa::fail(PA_ERR_INVALID_ARG, "ld < B");
  const Geo s = geo(*g);
  parallel_range(threads, g->c, [&](int64_t c) {
    for (int32_t y = 0; y < g->h; ++y) {
      for (int32_t xx = 0; xx < g->w; ++xx) {
        float* o = dst + ((c * g->h + y) * g->w + xx) * ld;
        const float* p = x + c * g->ldc + s.guard + y * s.wp + xx;
        for (int32_t b = 0; b < g->b; ++b) o[b] = p[b * s.image];
      }
    }
  });
  return PA_OK;
}

extern "C" int pa_f32_bias_act(int32_t m, int32_t n, float* y, int64_t ldy, const float* bias, int act, int threads) {
  pa::clear_error();
  if (int s = check_threads(threads)) return s;
  if (m <= 0 || n <= 0 || ldy < n || y == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "bad epilogue window");
  if (act != PA_ACT_NONE && act != PA_ACT_RELU) return pa::fail(PA_ERR_INVALID_ARG, "unknown activation");
  const bool relu = act == PA_ACT_RELU;
  parallel_range(threads, m, [&](int64_t i) {
    float* row = y + i * ldy;
    const float b = bias != nullptr ? bias[i] : 0.0f;
    if (relu) {
      for (int32_t j = 0; j < n; ++j) row[j] = std::max(row[j] + b, 0.0f);
    } else if (bias != nullptr) {
      for (int32_t j = 0; j < n; ++j) row[j] += b;
    }
  });
  return PA_OK;
}
