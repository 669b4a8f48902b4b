// Google Benchmark of the grid layout's operators (pruneaug/grid.h) on VGG's shapes, per
// micro-batch of 4 images on one thread: what a lane of the micro-batched schedule runs.
//   build/test/bench/bench_grid --benchmark_filter=MaxPool   (or Flatten, ConvImplicit, Conv1Pool)
#include <benchmark/benchmark.h>

#include <string>
#include <vector>

#include "pruneaug/grid.h"
#include "pruneaug/pruneaug.h"
#include "random_bsr.h"

namespace {

struct PoolCase {
  int c, h, w;  // input channels and image size; 2x2 / stride 2 pooling
};

// VGG-style model of the demo: pool1 after conv1 (32 x 28 x 28), pool2 (64 x 14 x 14), pool3 (128 x 7 x 7)
constexpr PoolCase kPools[] = {{32, 28, 28}, {64, 14, 14}, {128, 7, 7}};

// Third argument: the ISA whose pooling code runs (0: "auto", the best here; 1: "generic", what a
// cpu-generic platform runs; 2: "avx2", a cpu-avx2 platform's; pa_f32_grid_maxpool_isa).
constexpr const char* kPoolIsas[] = {"auto", "generic", "avx2"};

void BM_MaxPool2x2(benchmark::State& state) {
  const PoolCase pc = kPools[state.range(0)];
  const int b = (int)state.range(1);
  const char* isa = kPoolIsas[state.range(2)];
  if (pa_f32_grid_maxpool_kernel(isa, 2, 2, 2, 2) == nullptr) {
    state.SkipWithError("no such ISA in this build");
    return;
  }
  pa_grid in{pc.c, b, pc.h, pc.w, 1, 0};
  in.ldc = pa_grid_min_ldc(b, pc.h, pc.w, 1);
  pa_grid out{pc.c, b, (pc.h - 2) / 2 + 1, (pc.w - 2) / 2 + 1, 1, 0};
  out.ldc = pa_grid_min_ldc(b, out.h, out.w, 1);
  std::vector<float> x((size_t)in.c * in.ldc), y((size_t)out.c * out.ldc);
  for (size_t i = 0; i < x.size(); ++i) x[i] = (float)((i * 2654435761u) % 1000) - 500.0f;
  for (auto _ : state) {
    if (pa_f32_grid_maxpool_isa(isa, &in, x.data(), 2, 2, 2, 2, &out, y.data(), 1) != 0) {
      state.SkipWithError("maxpool failed");
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * (int64_t)pc.c * b * pc.h * pc.w * (int64_t)sizeof(float));
  state.SetLabel(std::to_string(pc.c) + "x" + std::to_string(pc.h) + "x" + std::to_string(pc.w) + " b" +
                 std::to_string(b) + " " + pa_f32_grid_maxpool_kernel(isa, 2, 2, 2, 2));
}
BENCHMARK(BM_MaxPool2x2)->ArgsProduct({{0, 1, 2}, {4}, {0, 1, 2}})->Unit(benchmark::kMicrosecond);

// The flatten that ends VGG's convolutional part: pool3's 128 x 3 x 3 grid of one micro-batch into
// its 4 columns of the 1152 x 64 features x batch matrix of fc1.
void BM_Flatten(benchmark::State& state) {
  const int b = (int)state.range(0), ld = 64;
  pa_grid g{128, b, 3, 3, 1, 0};
  g.ldc = pa_grid_min_ldc(b, g.h, g.w, 1);
  std::vector<float> x((size_t)g.c * g.ldc, 1.0f), y((size_t)g.c * g.h * g.w * ld);
  for (auto _ : state) {
    if (pa_f32_grid_flatten(&g, x.data(), y.data(), ld, 1) != 0) state.SkipWithError("flatten failed");
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * (int64_t)g.c * b * g.h * g.w * (int64_t)sizeof(float));
  state.SetLabel("128x3x3 b" + std::to_string(b) + " -> 1152x64");
}
BENCHMARK(BM_Flatten)->Arg(4)->Unit(benchmark::kMicrosecond);

// A block-sparse 3x3 convolution as the runtime runs it: implicit GEMM on the grid (no im2col),
// bias and ReLU fused, on one micro-batch of 4 images, one thread, best ISA. VGG's conv2 (32 -> 64
// channels, 14 x 14) and conv3 (64 -> 128, 7 x 7). Arguments: layer, block rows, block cols,
// density in percent. GFLOPs_nz counts the stored nonzeros' FLOPs over the n = B*Hp*Wp positions
// the kernel computes: the per-FLOP efficiency of a block shape where the network spends its time
// (the standalone bench_bsrmm shapes stream far larger X matrices).
struct ConvCase {
  const char* name;
  int in, out, h, w;
};
constexpr ConvCase kConvs[] = {{"conv2", 32, 64, 14, 14}, {"conv3", 64, 128, 7, 7}};

void BM_ConvImplicit(benchmark::State& state) {
  const ConvCase cc = kConvs[state.range(0)];
  const int br = (int)state.range(1), bc = (int)state.range(2);
  const double density = (double)state.range(3) / 100.0;
  const int b = 4;
  pa_grid in{cc.in, b, cc.h, cc.w, 1, 0};
  in.ldc = pa_grid_min_ldc(b, cc.h, cc.w, 1);
  pa_grid out{cc.out, b, cc.h, cc.w, 1, 0};
  out.ldc = in.ldc;
  const int32_t k = cc.in * 9;
  const int32_t n = (int32_t)(in.ldc - 2 * pa_grid_origin(&in));  // B*Hp*Wp positions
  std::vector<int64_t> off(k);
  if (pa_grid_conv_row_offsets(&in, 3, 3, off.data()) != 0) {
    state.SkipWithError("conv offsets failed");
    return;
  }
  const int kernel = pa_kernel_find("auto", br, bc);
  const pa_test::RandomBsr w = pa_test::random_bsr(cc.out, k, br, bc, density, 42);
  const pa_bsr_f32 wv = w.view();
  std::vector<float> x = pa_test::random_floats((size_t)in.c * in.ldc, 7), y((size_t)out.c * out.ldc);
  const std::vector<float> bias = pa_test::random_floats((size_t)cc.out, 9);
  const float* x0 = x.data() + pa_grid_origin(&in);
  float* y0 = y.data() + pa_grid_origin(&out);
  for (auto _ : state) {
    if (pa_f32_bsrmm_rows(kernel, &wv, n, x0, off.data(), y0, (int32_t)out.ldc, bias.data(), PA_ACT_RELU, 1) != 0) {
      state.SkipWithError(pa_last_error());
      break;
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOPs_nz"] = benchmark::Counter(2.0 * (double)w.stored_nonzeros() * n * (double)state.iterations(),
                                                   benchmark::Counter::kIsRate);
  state.SetLabel(std::string(cc.name) + " " + pa_kernel_name(kernel));
}
BENCHMARK(BM_ConvImplicit)
    ->ArgsProduct({{0, 1}, {1, 2, 4, 8, 16}, {1, 2}, {10, 30, 100}})
    ->Unit(benchmark::kMicrosecond);

// VGG's first layer and its pooling (1 -> 32 channels, 28 x 28, then 2x2 max pooling) on a
// micro-batch of 4 images, one thread, best ISA: as two operators (dense implicit GEMM with the
// block shape of argument 1 x argument 2, bias and ReLU fused, then the pooling), or fused into
// one pass (argument 0 = 1: pa_f32_grid_conv3x3_maxpool2x2), which never stores the 32 x 28 x 28
// output. GFLOPs counts the 2 * 32 * 9 * 28 * 28 FLOPs per image either way.
void BM_Conv1Pool(benchmark::State& state) {
  const bool fused = state.range(0) == 1;
  const int br = (int)state.range(1), bc = (int)state.range(2);
  const int b = 4, cout = 32;
  pa_grid in{1, b, 28, 28, 1, 0};
  in.ldc = pa_grid_min_ldc(b, 28, 28, 1);
  pa_grid mid{cout, b, 28, 28, 1, in.ldc};
  pa_grid out{cout, b, 14, 14, 1, 0};
  out.ldc = pa_grid_min_ldc(b, 14, 14, 1);
  std::vector<float> x = pa_test::random_floats((size_t)in.ldc, 7), h((size_t)mid.c * mid.ldc), y((size_t)out.c * out.ldc);
  std::vector<int64_t> off(9);
  pa_grid_conv_row_offsets(&in, 3, 3, off.data());
  const pa_test::RandomBsr w = pa_test::random_bsr(cout, 9, br, bc, 1.0, 42);
  const pa_bsr_f32 wv = w.view();
  const std::vector<float> dense = pa_test::random_floats((size_t)cout * 9, 3), bias = pa_test::random_floats(cout, 9);
  const int kernel = pa_kernel_find("auto", br, bc);
  const int32_t n = (int32_t)(in.ldc - 2 * pa_grid_origin(&in));
  for (auto _ : state) {
    int s;
    if (fused) {
      s = pa_f32_grid_conv3x3_maxpool2x2(&in, x.data(), dense.data(), bias.data(), PA_ACT_RELU, &out, y.data(), 1);
    } else {
      s = pa_f32_bsrmm_rows(kernel, &wv, n, x.data() + pa_grid_origin(&in), off.data(), h.data() + pa_grid_origin(&mid),
                            (int32_t)mid.ldc, bias.data(), PA_ACT_RELU, 1);
      if (s == 0) s = pa_f32_grid_maxpool(&mid, h.data(), 2, 2, 2, 2, &out, y.data(), 1);
    }
    if (s != 0) {
      state.SkipWithError(pa_last_error());
      break;
    }
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.counters["GFLOPs"] =
      benchmark::Counter(2.0 * cout * 9 * 28 * 28 * b * (double)state.iterations(), benchmark::Counter::kIsRate);
  state.SetLabel(fused ? std::string("fused conv3x3 + maxpool2x2")
                       : std::string(pa_kernel_name(kernel)) + " + maxpool2x2");
}
BENCHMARK(BM_Conv1Pool)->Args({0, 8, 1})->Args({0, 4, 4})->Args({0, 32, 1})->Args({1, 8, 1})->Unit(benchmark::kMicrosecond);

}  // namespace

BENCHMARK_MAIN();
