// Entry point pa_f32_bsrmm: checks arguments, shares the work among at most the threads asked for
// (block rows balanced by stored blocks, or slices of N for short, wide problems; fewer threads
// when the call is too small to repay the hand-off) and runs the registry kernel on each share.
#include <string>
#include <vector>

#include "cpu.h"
#include "internal.h"
#include "thread_pool.h"

namespace pa {
const KernelEntry* kernel_entry(int kernel);
}

namespace {

// Block-row boundaries giving each of `parts` threads about the same work. A block row costs
// (its blocks x bc) FMA passes over an X row segment plus about one more for the epilogue (bias,
// ReLU, store), which also spreads empty rows: they still write Y.
std::vector<int32_t> balanced_split(const pa_bsr_f32& w, int32_t mb, int parts) {
  auto work_before = [&](int32_t rb) { return (int64_t)w.row_ptr[rb] * w.bc + rb; };
  std::vector<int32_t> bounds(parts + 1, mb);
  bounds[0] = 0;
  const int64_t total = work_before(mb);
  int32_t rb = 0;
  for (int t = 1; t < parts; ++t) {
    const int64_t target = total * t / parts;
    while (rb < mb && work_before(rb) < target) ++rb;
    bounds[t] = rb;
  }
  return bounds;
}

// How one call is shared by `parts` threads: block rows balanced by work (the default), or, when
// there are too few block rows to balance and N is wide (early convolutions as GEMMs: 64 x 576 x
// 3136 with 16-row blocks ran 1.1-1.5x faster so), slices of N. Slicing N costs every thread a
// pass over all of W and X rows it would otherwise skip, so rows win everywhere else (measured
// on the BERT, ResNet-50 and LeNet shapes of bench/shapes, interleaved runs).
struct Split {
  int parts;
  bool by_columns;
  int32_t columns;  // per part, when by_columns
};

// Fewest multiply-adds (stored block elements x N, epilogue included) worth a thread of their own.
// Handing work to a worker and waiting for it costs 0.5-2 us on a 2-vCPU VM, and which of the two
// a call pays varies with the host's scheduling: a share must take several times that, or tiny
// layers (a 10 x 500 classifier at batch 64: 1-9 us) run slower and with twice the spread
// (bimodal 0.6 / 2.2 us) than on one thread. 64k multiply-adds is 2-3 us of one AVX2 core here.
constexpr int64_t kMinWorkPerPart = 64 * 1024;

Split choose_split(const pa_bsr_f32& w, int32_t mb, int32_t n, int threads) {
  const int64_t work = ((int64_t)w.nnzb * w.br * w.bc + w.m) * n;
  const int64_t worth = work / kMinWorkPerPart;
  if (worth < threads) threads = worth < 1 ? 1 : (int)worth;
  if (threads <= 1) return {1, false, 0};
  constexpr int32_t kAlign = 16;  // a cache line of floats: threads never write the same Y line
  if (mb < 4 * (int64_t)threads && n >= 64 * (int64_t)threads) {
    const int32_t columns = pa::ceil_div(pa::ceil_div(n, threads), kAlign) * kAlign;
    return {(int)pa::ceil_div(n, columns), true, columns};
  }
  return {threads < mb ? threads : (int)mb, false, 0};
}

// The checks and the thread split shared by both entry points; xoff NULL = a plain row-major X.
int run(int kernel, const pa_bsr_f32* w, int32_t n, const float* x, int32_t ldx, const int64_t* xoff, float* y,
        int32_t ldy, const float* bias, int act, int threads) {
  pa::clear_error();
  const pa::KernelEntry* e = pa::kernel_entry(kernel);
  if (e == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "no kernel with index " + std::to_string(kernel));
  if (!pa::cpu_supports_isa(e->isa)) {
    return pa::fail(PA_ERR_UNSUPPORTED, std::string(e->name) + " needs " + e->isa + ", which this CPU lacks");
  }
  if (w == nullptr || x == nullptr || y == nullptr || w->row_ptr == nullptr) {
    return pa::fail(PA_ERR_INVALID_ARG, "NULL weight, X or Y");
  }
  if (w->br != e->br || w->bc != e->bc) {
    return pa::fail(PA_ERR_INVALID_ARG, "weight has " + std::to_string(w->br) + "x" + std::to_string(w->bc) +
                                            " blocks but kernel " + e->name + " expects " + std::to_string(e->br) +
                                            "x" + std::to_string(e->bc));
  }
  if (w->m <= 0 || w->k <= 0 || n <= 0) {
    return pa::fail(PA_ERR_INVALID_ARG, "sizes m=" + std::to_string(w->m) + " k=" + std::to_string(w->k) +
                                            " n=" + std::to_string(n) + " must be positive");
  }
  if ((xoff == nullptr && ldx < n) || ldy < n) {
    return pa::fail(PA_ERR_INVALID_ARG, "leading dimensions ldx=" + std::to_string(ldx) +
                                            " ldy=" + std::to_string(ldy) + " must be >= n=" + std::to_string(n));
  }
  if (act != PA_ACT_NONE && act != PA_ACT_RELU) {
    return pa::fail(PA_ERR_INVALID_ARG, "unknown activation " + std::to_string(act));
  }
  if (threads < 1) return pa::fail(PA_ERR_INVALID_ARG, "threads must be >= 1, got " + std::to_string(threads));

  const int32_t mb = pa::ceil_div(w->m, w->br);
  const Split split = choose_split(*w, mb, n, threads);
  if (split.parts <= 1) {
    e->fn(*w, n, x, ldx, xoff, y, ldy, bias, act, 0, mb);
  } else if (split.by_columns) {
    pa::parallel_for_threads(split.parts, [&](int t) {
      const int32_t j0 = t * split.columns, j1 = j0 + split.columns < n ? j0 + split.columns : n;
      e->fn(*w, j1 - j0, x + j0, ldx, xoff, y + j0, ldy, bias, act, 0, mb);
    });
  } else {
    const std::vector<int32_t> bounds = balanced_split(*w, mb, split.parts);
    pa::parallel_for_threads(split.parts,
                             [&](int t) { e->fn(*w, n, x, ldx, xoff, y, ldy, bias, act, bounds[t], bounds[t + 1]); });
  }
  return PA_OK;
}

}  // namespace

extern "C" int pa_f32_bsrmm(int kernel, const pa_bsr_f32* w, int32_t n, const float* x, int32_t ldx, float* y,
                            int32_t ldy, const float* bias, int act, int threads) {
  return run(kernel, w, n, x, ldx, nullptr, y, ldy, bias, act, threads);
}

extern "C" int pa_f32_bsrmm_rows(int kernel, const pa_bsr_f32* w, int32_t n, const float* x,
                                 const int64_t* x_row_offsets, float* y, int32_t ldy, const float* bias, int act,
                                 int threads) {
  if (x_row_offsets == nullptr) {
    pa::clear_error();
    return pa::fail(PA_ERR_INVALID_ARG, "x_row_offsets is NULL");
  }
  return run(kernel, w, n, x, 0, x_row_offsets, y, ldy, bias, act, threads);
}
