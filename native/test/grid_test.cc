// Grid layout operators (pruneaug/grid.h) against direct loops over NCHW images, and the implicit
// GEMM's row offsets against a direct convolution.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "pruneaug/bsrmm.h"
#include "pruneaug/grid.h"
#include "pruneaug/status.h"

namespace {

struct Images {
  int b, c, h, w;
  std::vector<float> data;  // NCHW
  float at(int bi, int ci, int y, int x) const { return data[(((size_t)bi * c + ci) * h + y) * w + x]; }
};

Images random_images(int b, int c, int h, int w, unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  Images im{b, c, h, w, std::vector<float>((size_t)b * c * h * w)};
  for (float& v : im.data) v = u(rng);
  return im;
}

pa_grid make_grid(int c, int b, int h, int w, int pad, int extra = 3) {
  return pa_grid{c, b, h, w, pad, pa_grid_min_ldc(b, h, w, pad) + extra};
}

float grid_at(const pa_grid& g, const std::vector<float>& d, int ci, int bi, int y, int x) {
  const int64_t wp = g.w + g.pad, hp = g.h + g.pad;
  return d[ci * g.ldc + pa_grid_origin(&g) + (bi * hp + y) * wp + x];
}

class GridTest : public ::testing::TestWithParam<int> {};  // threads

TEST_P(GridTest, FromNchwRoundTripsAndZeroesPadding) {
  const Images im = random_images(3, 2, 5, 7, 1);
  const pa_grid g = make_grid(2, 3, 5, 7, 1);
  std::vector<float> d(g.c * g.ldc, 42.f);
  ASSERT_EQ(PA_OK, pa_f32_grid_from_nchw(im.data.data(), &g, d.data(), GetParam()));
  for (int ci = 0; ci < 2; ++ci)
    for (int bi = 0; bi < 3; ++bi)
      for (int y = -1; y <= 5; ++y)
        for (int x = -1; x <= 7; ++x) {
          const bool inside = y >= 0 && y < 5 && x >= 0 && x < 7;
          EXPECT_EQ(inside ? im.at(bi, ci, y, x) : 0.f, grid_at(g, d, ci, bi, y, x))
              << "c=" << ci << " b=" << bi << " y=" << y << " x=" << x;
        }
}

TEST_P(GridTest, ImplicitGemmOffsetsGiveTheSameConvolution) {
  // conv 3x3 "same" computed through the offsets equals the direct convolution on NCHW
  const int b = 2, ci_n = 3, h = 6, w = 5, co_n = 4;
  const Images im = random_images(b, ci_n, h, w, 2);
  const pa_grid g = make_grid(ci_n, b, h, w, 1);
  std::vector<float> d(g.c * g.ldc);
  ASSERT_EQ(PA_OK, pa_f32_grid_from_nchw(im.data.data(), &g, d.data(), GetParam()));
  std::vector<int64_t> off(ci_n * 9);
  ASSERT_EQ(PA_OK, pa_grid_conv_row_offsets(&g, 3, 3, off.data()));
  std::mt19937 rng(3);
  std::uniform_real_distribution<float> u(-1.f, 1.f);
  std::vector<float> wt(co_n * ci_n * 9);
  for (float& v : wt) v = u(rng);
  const int64_t wp = w + 1, hp = h + 1, origin = pa_grid_origin(&g);
  for (int co = 0; co < co_n; ++co)
    for (int bi = 0; bi < b; ++bi)
      for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
          double direct = 0, implicit = 0;
          const int64_t pos = (bi * hp + y) * wp + x;
          for (int ci = 0; ci < ci_n; ++ci)
            for (int dy = 0; dy < 3; ++dy)
              for (int dx = 0; dx < 3; ++dx) {
                const float wv = wt[((co * ci_n + ci) * 3 + dy) * 3 + dx];
                const int iy = y + dy - 1, ix = x + dx - 1;
                if (iy >= 0 && iy < h && ix >= 0 && ix < w) direct += wv * im.at(bi, ci, iy, ix);
                implicit += wv * d[origin + off[(ci * 3 + dy) * 3 + dx] + pos];
              }
          EXPECT_NEAR(direct, implicit, 1e-5) << "co=" << co << " b=" << bi << " y=" << y << " x=" << x;
        }
}

void check_maxpool(int kh, int kw, int sh, int sw, int threads, int h = 7, int w = 9, int pad = 1,
                   const char* isa = "auto") {
  const Images im = random_images(2, 3, h, w, 4);
  const int oh = (h - kh) / sh + 1, ow = (w - kw) / sw + 1;
  const pa_grid in = make_grid(3, 2, h, w, pad);
  const pa_grid out = make_grid(3, 2, oh, ow, pad);
  std::vector<float> d(in.c * in.ldc), o(out.c * out.ldc, 7.f);
  ASSERT_EQ(PA_OK, pa_f32_grid_from_nchw(im.data.data(), &in, d.data(), threads));
  // in the network an implicit GEMM leaves garbage in the input's padding and guards: pooling must
  // not read it into an output
  std::vector<bool> pixel(in.ldc, false);
  for (int bi = 0; bi < 2; ++bi)
    for (int y = 0; y < h; ++y)
      for (int x = 0; x < w; ++x) pixel[pa_grid_origin(&in) + ((int64_t)bi * (h + pad) + y) * (w + pad) + x] = true;
  for (int ci = 0; ci < 3; ++ci)
    for (int64_t i = 0; i < in.ldc; ++i)
      if (!pixel[i]) d[ci * in.ldc + i] = 1e30f;
  ASSERT_EQ(PA_OK, pa_f32_grid_maxpool_isa(isa, &in, d.data(), kh, kw, sh, sw, &out, o.data(), threads)) << isa;
  for (int ci = 0; ci < 3; ++ci)
    for (int bi = 0; bi < 2; ++bi)
      for (int y = -1; y <= oh; ++y)
        for (int x = -1; x <= ow; ++x) {
          float want = 0.f;
          if (y >= 0 && y < oh && x >= 0 && x < ow) {
            want = im.at(bi, ci, sh * y, sw * x);
            for (int dy = 0; dy < kh; ++dy)
              for (int dx = 0; dx < kw; ++dx) want = std::max(want, im.at(bi, ci, sh * y + dy, sw * x + dx));
          }
          if (pad == 0 && (y < 0 || y >= oh || x < 0 || x >= ow)) continue;  // no frame to check
          EXPECT_EQ(want, grid_at(out, o, ci, bi, y, x))
              << kh << "x" << kw << "/" << sh << "x" << sw << " c=" << ci << " b=" << bi << " y=" << y << " x=" << x;
        }
  // every float of each channel's frame (guards, padding) is written: none of the 7s is left
  const int64_t used = pa_grid_min_ldc(out.b, out.h, out.w, out.pad);
  for (int ci = 0; ci < 3; ++ci)
    for (int64_t i = 0; i < used; ++i) ASSERT_NE(7.f, o[ci * out.ldc + i]) << "c=" << ci << " i=" << i;
}

TEST_P(GridTest, MaxPoolMatchesDirectPooling) {
  check_maxpool(2, 2, 2, 2, GetParam());  // the specialised common case: one 4-wide block
  check_maxpool(3, 2, 2, 1, GetParam());  // the general loop
  // 2x2 rows of 14 (blocks and an overlapping last block), 8 (two blocks), 3 (scalar tail only)
  check_maxpool(2, 2, 2, 2, GetParam(), 6, 28);
  check_maxpool(2, 2, 2, 2, GetParam(), 5, 17);
  check_maxpool(2, 2, 2, 2, GetParam(), 7, 7);
  // the padding of the plane-at-once 2x2 writer: none, and wider than the window needs
  check_maxpool(2, 2, 2, 2, GetParam(), 6, 10, 0);
  check_maxpool(2, 2, 2, 2, GetParam(), 7, 9, 2);
  // the AVX-512 row: one full 16-wide step, full steps plus a masked one, a masked step whose
  // padding does not fit in the same store (15 outputs + 2 padding), and rows of 1 output
  check_maxpool(2, 2, 2, 2, GetParam(), 4, 32);
  check_maxpool(2, 2, 2, 2, GetParam(), 4, 75);
  check_maxpool(2, 2, 2, 2, GetParam(), 4, 30, 2);
  check_maxpool(2, 2, 2, 2, GetParam(), 3, 3, 3);
  // AVX-512 planes of 8-float output rows, two rows per store: VGG's 14x14 (7 + 1 padding), an odd
  // number of output rows (2 + 1 padding), rows of 8 outputs and no padding
  check_maxpool(2, 2, 2, 2, GetParam(), 14, 14);
  check_maxpool(2, 2, 2, 2, GetParam(), 4, 15);
  check_maxpool(2, 2, 2, 2, GetParam(), 5, 16, 0);
  // ... and of 4x4 output images from 8-float input rows, an image per store: 7x7 (above), 6x7, 8x8
  check_maxpool(2, 2, 2, 2, GetParam(), 6, 7);
  check_maxpool(2, 2, 2, 2, GetParam(), 8, 8, 0);
}

// A platform pools with its own ISA's code: every ISA of the registry gives the same result (the
// AVX-512 and AVX2 plane kernels for "avx512" and "avx2" where the CPU has them, the portable loop
// for the others).
TEST_P(GridTest, MaxPoolOfEachIsaMatchesDirectPooling) {
  for (const char* isa : {"ref", "generic", "avx2", "avx512"}) {
    if (pa_kernel_find(isa, 1, 1) < 0) continue;  // not an ISA of this build (e.g. avx512 on ARM)
    check_maxpool(2, 2, 2, 2, GetParam(), 14, 14, 1, isa);
    check_maxpool(2, 2, 2, 2, GetParam(), 7, 7, 1, isa);
    check_maxpool(2, 2, 2, 2, GetParam(), 4, 75, 1, isa);
    check_maxpool(3, 2, 2, 1, GetParam(), 7, 9, 1, isa);
    // the AVX2 row's cases: 8-wide steps only (16 outputs), steps and a masked one (9), a masked step
    // whose padding does not fit in its store (7 outputs + 2), rows of 1 and 3 outputs, no padding
    check_maxpool(2, 2, 2, 2, GetParam(), 4, 32, 1, isa);
    check_maxpool(2, 2, 2, 2, GetParam(), 4, 18, 1, isa);
    check_maxpool(2, 2, 2, 2, GetParam(), 4, 14, 2, isa);
    check_maxpool(2, 2, 2, 2, GetParam(), 3, 3, 3, isa);
    check_maxpool(2, 2, 2, 2, GetParam(), 6, 10, 0, isa);
    check_maxpool(2, 2, 2, 2, GetParam(), 5, 16, 0, isa);
  }
}

TEST(GridKernels, PoolingRunsThePlatformsOwnIsa) {
  EXPECT_STREQ("f32_maxpool2x2_plane__generic", pa_f32_grid_maxpool_kernel("generic", 2, 2, 2, 2));
  EXPECT_STREQ("f32_maxpool__generic", pa_f32_grid_maxpool_kernel("auto", 3, 3, 2, 2));
  EXPECT_EQ(nullptr, pa_f32_grid_maxpool_kernel("sse9", 2, 2, 2, 2));
  if (pa_kernel_find("avx2", 1, 1) >= 0 && std::string(pa_cpu_best_isa()) != "generic") {
    EXPECT_STREQ("f32_maxpool2x2_plane__avx2", pa_f32_grid_maxpool_kernel("avx2", 2, 2, 2, 2));
    EXPECT_STREQ("f32_maxpool__generic", pa_f32_grid_maxpool_kernel("avx2", 3, 2, 2, 1));
  }
  const bool avx512 = std::string(pa_cpu_best_isa()) == "avx512";
  if (avx512) {
    EXPECT_STREQ("f32_maxpool2x2_plane__avx512", pa_f32_grid_maxpool_kernel("avx512", 2, 2, 2, 2));
    EXPECT_STREQ("f32_maxpool2x2_plane__avx512", pa_f32_grid_maxpool_kernel("auto", 2, 2, 2, 2));
  }
}

// conv3x3 (same, stride 1) + bias + activation + 2x2 max pooling in one pass, against direct loops
// on NCHW images; the output frame (guards, padding) must come out zero whatever was there.
void check_conv_pool(int b, int cin, int cout, int h, int w, int pad, int act, int threads, bool with_bias = true) {
  SCOPED_TRACE(::testing::Message() << "b=" << b << " cin=" << cin << " cout=" << cout << " " << h << "x" << w
                                    << " pad=" << pad << " act=" << act << " threads=" << threads);
  const Images im = random_images(b, cin, h, w, 11);
  std::mt19937 rng(5);
  std::uniform_real_distribution<float> u(-0.5f, 0.5f);
  std::vector<float> wt((size_t)cout * cin * 9), bias(cout);
  for (float& v : wt) v = u(rng);
  for (float& v : bias) v = u(rng);
  const pa_grid in = make_grid(cin, b, h, w, pad);
  std::vector<float> x(in.c * in.ldc);
  ASSERT_EQ(PA_OK, pa_f32_grid_from_nchw(im.data.data(), &in, x.data(), 1));
  const pa_grid out = make_grid(cout, b, h / 2, w / 2, pad, 5);
  std::vector<float> y(out.c * out.ldc, 7.f);
  ASSERT_EQ(PA_OK, pa_f32_grid_conv3x3_maxpool2x2(&in, x.data(), wt.data(), with_bias ? bias.data() : nullptr, act,
                                                  &out, y.data(), threads));
  auto conv = [&](int bi, int co, int yy, int xx) {
    double s = with_bias ? bias[co] : 0.0;
    for (int ci = 0; ci < cin; ++ci)
      for (int dy = 0; dy < 3; ++dy)
        for (int dx = 0; dx < 3; ++dx) {
          const int iy = yy + dy - 1, ix = xx + dx - 1;
          if (iy >= 0 && iy < h && ix >= 0 && ix < w) s += wt[((co * cin + ci) * 3 + dy) * 3 + dx] * im.at(bi, ci, iy, ix);
        }
    return act == PA_ACT_RELU ? std::max(s, 0.0) : s;
  };
  const int64_t wp = out.w + out.pad, hp = out.h + out.pad, origin = pa_grid_origin(&out);
  const int64_t used = 2 * origin + b * hp * wp;
  for (int co = 0; co < cout; ++co) {
    for (int64_t i = 0; i < used; ++i) {
      const int64_t r = i - origin;
      const int bi = (int)(r / (hp * wp)), yy = (int)(r % (hp * wp) / wp), xx = (int)(r % wp);
      const bool inside = r >= 0 && bi < b && yy < out.h && xx < out.w;
      if (!inside) {
        ASSERT_EQ(0.f, y[co * out.ldc + i]) << "frame float " << i << " of channel " << co;
        continue;
      }
      double m = -1e30;
      for (int py = 0; py < 2; ++py)
        for (int px = 0; px < 2; ++px) m = std::max(m, conv(bi, co, 2 * yy + py, 2 * xx + px));
      ASSERT_NEAR(m, y[co * out.ldc + i], 1e-5) << "c=" << co << " b=" << bi << " y=" << yy << " x=" << xx;
    }
  }
}

TEST_P(GridTest, ConvPoolMatchesConvolutionThenPooling) {
  check_conv_pool(3, 1, 32, 28, 28, 1, PA_ACT_RELU, GetParam());  // VGG's conv1 + pool1 (14 outputs: masked step)
  check_conv_pool(2, 3, 6, 9, 7, 1, PA_ACT_NONE, GetParam());     // odd sizes, a partial channel group
  check_conv_pool(2, 2, 5, 36, 70, 2, PA_ACT_RELU, GetParam());   // full 16-wide steps, then a masked one; pad 2
  check_conv_pool(1, 1, 4, 2, 32, 1, PA_ACT_RELU, GetParam(), false);  // one pooled row of exactly 16, no bias
}

TEST_P(GridTest, Im2colMatchesDirectGather) {
  const Images im = random_images(2, 2, 8, 8, 5);
  const pa_grid in = make_grid(2, 2, 8, 8, 1);
  std::vector<float> d(in.c * in.ldc);
  ASSERT_EQ(PA_OK, pa_f32_grid_from_nchw(im.data.data(), &in, d.data(), GetParam()));
  // 5x5, stride 2, pad 1: oh = (8 + 2 - 5)/2 + 1 = 3
  const int kh = 5, kw = 5, oh = 3, ow = 3, n = 2 * oh * ow;
  std::vector<float> cols(2 * kh * kw * (n + 1), -1.f);
  ASSERT_EQ(PA_OK, pa_f32_grid_im2col(&in, d.data(), kh, kw, 2, 2, 1, 1, oh, ow, cols.data(), n + 1, GetParam()));
  for (int ci = 0; ci < 2; ++ci)
    for (int dy = 0; dy < kh; ++dy)
      for (int dx = 0; dx < kw; ++dx)
        for (int bi = 0; bi < 2; ++bi)
          for (int oy = 0; oy < oh; ++oy)
            for (int ox = 0; ox < ow; ++ox) {
              const int iy = oy * 2 + dy - 1, ix = ox * 2 + dx - 1;
              const float want = (iy >= 0 && iy < 8 && ix >= 0 && ix < 8) ? im.at(bi, ci, iy, ix) : 0.f;
              EXPECT_EQ(want, cols[((ci * kh + dy) * kw + dx) * (n + 1) + (bi * oh + oy) * ow + ox]);
            }
}

TEST_P(GridTest, FromRowsAndFlattenFollowDl4jOrder) {
  struct Case {
    int c, b, h, w, pad, ld;
  };
  // images in fours and a scalar tail; rows of 1, 2 and 0 four-column blocks (padding read or not);
  // a leading dimension wider than the batch (a micro-batch's columns of the whole batch)
  for (const Case k : {Case{3, 4, 2, 3, 1, 4}, Case{2, 6, 3, 7, 1, 9}, Case{2, 5, 2, 3, 0, 5}, Case{2, 4, 3, 6, 2, 8}}) {
    const int c = k.c, b = k.b, h = k.h, w = k.w;
    std::vector<float> rows(c * b * h * w);
    for (size_t i = 0; i < rows.size(); ++i) rows[i] = (float)i;
    const pa_grid g = make_grid(c, b, h, w, k.pad);
    std::vector<float> d(g.c * g.ldc, 9.f);
    ASSERT_EQ(PA_OK, pa_f32_grid_from_rows(rows.data(), b * h * w, &g, d.data(), GetParam()));
    std::vector<float> flat(c * h * w * k.ld, -1.f);
    ASSERT_EQ(PA_OK, pa_f32_grid_flatten(&g, d.data(), flat.data(), k.ld, GetParam()));
    for (int ci = 0; ci < c; ++ci)
      for (int bi = 0; bi < b; ++bi)
        for (int y = 0; y < h; ++y)
          for (int x = 0; x < w; ++x) {
            const float v = rows[ci * b * h * w + (bi * h + y) * w + x];
            EXPECT_EQ(v, grid_at(g, d, ci, bi, y, x));
            // feature (c, y, x) of image b
            EXPECT_EQ(v, flat[((ci * h + y) * w + x) * k.ld + bi]) << "case w=" << w << " pad=" << k.pad;
          }
    for (int f = 0; f < c * h * w; ++f)
      for (int j = b; j < k.ld; ++j) ASSERT_EQ(-1.f, flat[f * k.ld + j]) << "column " << j << " is not the batch's";
    if (k.pad > 0) {
      ASSERT_EQ(PA_OK, pa_f32_grid_zero_padding(&g, d.data(), GetParam()));
      EXPECT_EQ(0.f, grid_at(g, d, 1, 1, 0, w));
      EXPECT_EQ(0.f, grid_at(g, d, 1, 1, h, 0));
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Threads, GridTest, ::testing::Values(1, 2, 3));

TEST_P(GridTest, BiasActAddsBiasThenRelu) {
  const int m = 3, n = 5, ld = 7;
  std::vector<float> y(m * ld, 5.f), bias = {1.f, -10.f, 0.5f};
  for (int i = 0; i < m; ++i)
    for (int j = 0; j < n; ++j) y[i * ld + j] = (float)(j - 2);
  ASSERT_EQ(PA_OK, pa_f32_bias_act(m, n, y.data(), ld, bias.data(), PA_ACT_RELU, GetParam()));
  for (int i = 0; i < m; ++i) {
    for (int j = 0; j < n; ++j) EXPECT_EQ(std::max(0.f, (float)(j - 2) + bias[i]), y[i * ld + j]);
    EXPECT_EQ(5.f, y[i * ld + n]);  // outside the window: untouched
  }
  ASSERT_EQ(PA_OK, pa_f32_bias_act(m, n, y.data(), ld, nullptr, PA_ACT_NONE, GetParam()));
  EXPECT_EQ(PA_ERR_INVALID_ARG, pa_f32_bias_act(m, n, y.data(), n - 1, nullptr, PA_ACT_NONE, GetParam()));
}

TEST(GridErrors, BadArgumentsAreErrorsNotCrashes) {
  pa_grid g{1, 1, 4, 4, 1, 10};  // ldc too small
  std::vector<float> d(100);
  EXPECT_EQ(PA_ERR_INVALID_ARG, pa_f32_grid_zero_padding(&g, d.data(), 1));
  EXPECT_EQ(PA_ERR_INVALID_ARG, pa_f32_grid_zero_padding(nullptr, d.data(), 1));
  g.ldc = pa_grid_min_ldc(1, 4, 4, 1);
  std::vector<int64_t> off(25);
  EXPECT_EQ(PA_ERR_UNSUPPORTED, pa_grid_conv_row_offsets(&g, 5, 5, off.data()));  // reach 2 > pad 1
  EXPECT_EQ(PA_ERR_UNSUPPORTED, pa_grid_conv_row_offsets(&g, 2, 2, off.data()));  // even kernel
  pa_grid out{1, 1, 3, 3, 1, pa_grid_min_ldc(1, 3, 3, 1)};
  EXPECT_EQ(PA_ERR_INVALID_ARG, pa_f32_grid_maxpool(&g, d.data(), 2, 2, 2, 2, &out, d.data(), 1));
  pa_grid half{1, 1, 2, 2, 1, pa_grid_min_ldc(1, 2, 2, 1)};
  EXPECT_EQ(PA_ERR_INVALID_ARG, pa_f32_grid_maxpool_isa("sse9", &g, d.data(), 2, 2, 2, 2, &half, d.data() + 50, 1));
  EXPECT_NE(std::string::npos, std::string(pa_last_error()).find("sse9"));
  EXPECT_EQ(PA_ERR_INVALID_ARG, pa_f32_grid_zero_padding(&g, d.data(), 0));
  std::vector<float> wt(9);
  pa_grid pooled{1, 1, 2, 2, 1, pa_grid_min_ldc(1, 2, 2, 1)};
  EXPECT_EQ(PA_OK, pa_f32_grid_conv3x3_maxpool2x2(&g, d.data(), wt.data(), nullptr, PA_ACT_RELU, &pooled, d.data() + 50, 1));
  EXPECT_EQ(PA_ERR_INVALID_ARG, pa_f32_grid_conv3x3_maxpool2x2(&g, d.data(), wt.data(), nullptr, PA_ACT_RELU, &out, d.data(), 1));
  EXPECT_EQ(PA_ERR_INVALID_ARG, pa_f32_grid_conv3x3_maxpool2x2(&g, d.data(), nullptr, nullptr, PA_ACT_RELU, &pooled, d.data(), 1));
  EXPECT_EQ(PA_ERR_INVALID_ARG, pa_f32_grid_conv3x3_maxpool2x2(&g, d.data(), wt.data(), nullptr, 7, &pooled, d.data(), 1));
  pa_grid unpadded{1, 1, 4, 4, 0, pa_grid_min_ldc(1, 4, 4, 0)};
  EXPECT_EQ(PA_ERR_UNSUPPORTED, pa_f32_grid_conv3x3_maxpool2x2(&unpadded, d.data(), wt.data(), nullptr, PA_ACT_RELU, &pooled, d.data(), 1));
}

}  // namespace
