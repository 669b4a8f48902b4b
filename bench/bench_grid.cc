// Google Benchmark of the grid layout's non-GEMM operators (pruneaug/grid.h) on VGG's shapes, per
// micro-batch of 4 images on one thread: what a lane of the micro-batched schedule runs.
//   build/test/bench/bench_grid --benchmark_filter=MaxPool
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

}  // namespace

BENCHMARK_MAIN();
