// Google Benchmark of the grid layout's non-GEMM operators (pruneaug/grid.h) on VGG's shapes, per
// micro-batch of 4 images on one thread: what a lane of the micro-batched schedule runs.
//   build/test/bench/bench_grid --benchmark_filter=MaxPool   (or Flatten)
#include <benchmark/benchmark.h>

#include <vector>

#include "pruneaug/grid.h"

namespace {

struct PoolCase {
  int c, h, w;  // input channels and image size; 2x2 / stride 2 pooling
};

// VGG-style model of the demo: pool1 after conv1 (32 x 28 x 28), pool2 (64 x 14 x 14), pool3 (128 x 7 x 7)
constexpr PoolCase kPools[] = {{32, 28, 28}, {64, 14, 14}, {128, 7, 7}};

void BM_MaxPool2x2(benchmark::State& state) {
  const PoolCase pc = kPools[state.range(0)];
  const int b = (int)state.range(1);
  pa_grid in{pc.c, b, pc.h, pc.w, 1, 0};
  in.ldc = pa_grid_min_ldc(b, pc.h, pc.w, 1);
  pa_grid out{pc.c, b, (pc.h - 2) / 2 + 1, (pc.w - 2) / 2 + 1, 1, 0};
  out.ldc = pa_grid_min_ldc(b, out.h, out.w, 1);
  std::vector<float> x((size_t)in.c * in.ldc), y((size_t)out.c * out.ldc);
  for (size_t i = 0; i < x.size(); ++i) x[i] = (float)((i * 2654435761u) % 1000) - 500.0f;
  for (auto _ : state) {
    if (pa_f32_grid_maxpool(&in, x.data(), 2, 2, 2, 2, &out, y.data(), 1) != 0) state.SkipWithError("maxpool failed");
    benchmark::DoNotOptimize(y.data());
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * (int64_t)pc.c * b * pc.h * pc.w * (int64_t)sizeof(float));
  state.SetLabel(std::to_string(pc.c) + "x" + std::to_string(pc.h) + "x" + std::to_string(pc.w) + " b" +
                 std::to_string(b));
}
BENCHMARK(BM_MaxPool2x2)->ArgsProduct({{0, 1, 2}, {4}})->Unit(benchmark::kMicrosecond);

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

}  // namespace

BENCHMARK_MAIN();
