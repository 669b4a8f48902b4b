// The optimised BSR x dense kernel, written once over a small SIMD-vector interface `V`. Each ISA
// file (generic/, avx2/, later neon/) defines its V and instantiates bsrmm<V, BR, BC> for the 36
// block shapes; the loop structure, padding rules and epilogue live only here.
//
// Structure, outermost first:
//   1. N is cut into chunks whose slice of X (k rows x chunk columns) stays in L2.
//   2. Block rows of this thread's range, in order.
//   3. Register tiles of NV vectors (NV * V::kLanes columns of Y) along N.
//   4. Groups of RG rows of the block row: RG x NV accumulators live in registers for the
//      whole block row; they start as the bias and get ReLU + one store at the end (Y is written
//      exactly once, never read).
//   5. The stored blocks of the row; for each of its BC columns, NV vectors of one X row are
//      loaded once and used by RG broadcast weights (RG * NV FMAs per NV loads). Small blocks
//      prefetch the X rows of a block a few blocks ahead.
// RG, NV, the column unroll and prefetching come from V's tuning (Tile below). Y columns that do
// not fill a tile are done with halved tiles and finally one masked vector, so no lane outside
// [0, n) is touched.
//
// Padding (bsr.h): the last block row may extend past m and the last block column past k. Whole
// row groups past m are skipped and rows past m never stored; the one block per row that may
// extend past k (it can only be the last, columns are sorted) runs a loop bounded by k, so X rows
// >= k are never read.
//
// Everything sits in an anonymous namespace on purpose: each ISA file compiles this header with
// its own -m flags, and internal linkage stops the linker from merging an AVX2-compiled copy of
// an inline function into code that must run on any CPU.
#ifndef PRUNEAUG_BSRMM_KERNEL_H
#define PRUNEAUG_BSRMM_KERNEL_H

#include <cstdint>
#include <type_traits>
#include <utility>

#include "internal.h"

#define PA_STRINGIFY(x) #x
#define PA_UNROLL(n) _Pragma(PA_STRINGIFY(GCC unroll n))
// The helpers below must melt into the tile loop (PA_INLINE, internal.h), lambdas too.
#define PA_INLINE_LAMBDA __attribute__((always_inline))

namespace {
namespace bsrmm_kernel {

PA_INLINE int32_t min_i32(int32_t a, int32_t b) { return a < b ? a : b; }

// Register tile for block shape BR x BC: RG rows (a divisor of BR) x NV vectors of accumulators,
// RG * NV = V::accumulators(BR, BC). Taller groups reuse each X vector more; wider tiles reuse
// each broadcast weight more. The ISA's V decides the budget per shape (its register count and
// what its compiler keeps in registers), how many block columns to unroll, and below how many
// FMAs per block software prefetch of X pays off.
template <class V, int BR, int BC>
struct Tile {
  static constexpr int kRows = BR < V::kMaxRowGroup ? BR : V::kMaxRowGroup;
  static constexpr int kVectors = V::accumulators(BR, BC) / kRows;
  static constexpr int kColumnUnroll = BC < V::column_unroll(BR, BC) ? BC : V::column_unroll(BR, BC);
  static constexpr int kBlockFmas = BC * kRows * kVectors;  // vector FMAs per block and row group
  static constexpr bool kPrefetch = kBlockFmas <= V::kPrefetchBelowFmas;
  static_assert(BR % kRows == 0, "row group must divide the block height");
  static_assert(BC % kColumnUnroll == 0, "the unroll factor must divide the block width");
  static_assert(kVectors >= 1, "at least one accumulator vector per row");
};

// Where row k of X starts at the current tile's column: x + k*ldx (a plain row-major X), or
// x + off[k] when GATHER (the implicit-GEMM convolution: X rows are shifted views of the
// activations, pruneaug/grid.h). A template parameter, so the plain case pays nothing.
template <bool GATHER>
struct XRows {
  static constexpr bool kGather = GATHER;
  const float* x;
  int64_t ldx;
  const int64_t* off;
  PA_INLINE const float* row(int64_t k) const {
    if constexpr (GATHER) {
      return x + off[k];
    } else {
      return x + k * ldx;
    }
  }
  PA_INLINE XRows at(int32_t j) const { return {x + j, ldx, off}; }
};

// One block row as the tile loops see it.
struct BlockRow {
  const int32_t* col;    // block-column indices of the row's blocks
  const float* val;      // their values, BR*BC floats per block, row-major
  int32_t full;          // blocks [0, full) lie wholly inside k
  int32_t count;         // blocks in the row; if full < count, block `full` is the padded one
  int32_t partial_cols;  // columns of the padded block that lie inside k
  int32_t rows;          // rows of the block row inside m (BR except maybe the last block row)
  const float* bias;     // bias of the block row's first row, or NULL
};

// acc[i][v] += w[i*BC] * x[v*lanes] for RG rows, one X row (the weights of one block column).
template <class V, int BC, int RG, int NV, bool MASKED>
PA_INLINE void fma_column(typename V::T (&acc)[RG][NV], const float* w, const float* x, typename V::Mask mask) {
  typename V::T xv[NV];
  PA_UNROLL(16)
  for (int v = 0; v < NV; ++v) {
    xv[v] = (MASKED && v == NV - 1) ? V::load(x + v * V::kLanes, mask) : V::load(x + v * V::kLanes);
  }
  PA_UNROLL(32)
  for (int i = 0; i < RG; ++i) {
    const typename V::T wi = V::broadcast(w + i * BC);
    PA_UNROLL(16)
    for (int v = 0; v < NV; ++v) acc[i][v] = V::fma(wi, xv[v], acc[i][v]);
  }
}

// Calls f(0) .. f(N-1) with compile-time constants: a loop the compiler must unroll.
template <class F, int... J>
PA_INLINE void unrolled_impl(F& f, std::integer_sequence<int, J...>) {
  (f(std::integral_constant<int, J>{}), ...);
}
template <int N, class F>
PA_INLINE void unrolled(F&& f) {
  unrolled_impl(f, std::make_integer_sequence<int, N>{});
}

// All BC columns of one block that lies wholly inside k, U columns per step: enough independent
// loads to hide latency, few enough that the register allocator keeps every accumulator in a
// register (fully unrolled 16- and 32-column blocks made GCC spill and run 1.5-2x slower).
template <class V, int BC, int RG, int NV, int U, bool MASKED, class X>
PA_INLINE void fma_block(typename V::T (&acc)[RG][NV], const float* w, const X& x, int64_t k0,
                      typename V::Mask mask) {
  if constexpr (X::kGather) {
    PA_UNROLL(1)
    for (int j = 0; j < BC; j += U) {
      unrolled<U>([&](auto u) PA_INLINE_LAMBDA { fma_column<V, BC, RG, NV, MASKED>(acc, w + j + u, x.row(k0 + j + u), mask); });
    }
  } else {
    // consecutive rows: one pointer stepped by ldx (recomputing k * ldx per column measured
    // 5-15% slower on 8x8 and 16x16 blocks)
    const float* xj = x.row(k0);
    PA_UNROLL(1)
    for (int j = 0; j < BC; j += U) {
      unrolled<U>([&](auto u) PA_INLINE_LAMBDA { fma_column<V, BC, RG, NV, MASKED>(acc, w + j + u, xj + u * x.ldx, mask); });
      xj += U * x.ldx;
    }
  }
}

// Prefetches the NV vectors of each of the BC rows of X that one block will read.
template <class V, int BC, int NV, class X>
PA_INLINE void prefetch_block(const X& xr, int64_t k0) {
  constexpr int kFloatsPerLine = 64 / sizeof(float);
  PA_UNROLL(1)
  for (int j = 0; j < BC; ++j) {
    const float* x = xr.row(k0 + j);
    PA_UNROLL(16)
    for (int f = 0; f < NV * V::kLanes; f += kFloatsPerLine) V::prefetch(x + f);
    V::prefetch(x + NV * V::kLanes - 1);  // the tile may straddle one more line
  }
}

// Y[rows of r, NV vectors from x/y] for one register tile; x and y point at the tile's column.
template <class V, int BR, int BC, int RG, int NV, bool MASKED, class X>
void tile(const BlockRow& r, const X& x, float* y, int32_t ldy, bool relu, typename V::Mask mask) {
  using T = typename V::T;
  for (int g = 0; g < BR && g < r.rows; g += RG) {
    T acc[RG][NV];
    PA_UNROLL(32)
    for (int i = 0; i < RG; ++i) {
      const T b = (r.bias != nullptr && g + i < r.rows) ? V::broadcast(r.bias + g + i) : V::zero();
      PA_UNROLL(16)
      for (int v = 0; v < NV; ++v) acc[i][v] = b;
    }
    const float* wg = r.val + g * BC;
    constexpr int U = Tile<V, BR, BC>::kColumnUnroll;
    int32_t p = 0;
    if (Tile<V, BR, BC>::kPrefetch && g == 0) {
      // Small blocks jump between X rows faster than the hardware prefetcher follows; the rows
      // to come are known from the column indices, so ask for them about 64 FMAs ahead. Later
      // row groups find the same rows in L1.
      constexpr int kAhead = (64 + Tile<V, BR, BC>::kBlockFmas - 1) / Tile<V, BR, BC>::kBlockFmas;
      for (; p + kAhead < r.full; ++p) {
        prefetch_block<V, BC, NV>(x, (int64_t)r.col[p + kAhead] * BC);
        fma_block<V, BC, RG, NV, U, MASKED>(acc, wg + (int64_t)p * (BR * BC), x, (int64_t)r.col[p] * BC, mask);
      }
    }
    for (; p < r.full; ++p) {
      fma_block<V, BC, RG, NV, U, MASKED>(acc, wg + (int64_t)p * (BR * BC), x, (int64_t)r.col[p] * BC, mask);
    }
    if (r.full < r.count) {
      const int64_t k0 = (int64_t)r.col[r.full] * BC;
      const float* wb = wg + (int64_t)r.full * (BR * BC);
      for (int j = 0; j < r.partial_cols; ++j) {
        fma_column<V, BC, RG, NV, MASKED>(acc, wb + j, x.row(k0 + j), mask);
      }
    }
    PA_UNROLL(32)
    for (int i = 0; i < RG; ++i) {
      if (g + i >= r.rows) break;
      float* yi = y + (int64_t)(g + i) * ldy;
      PA_UNROLL(16)
      for (int v = 0; v < NV; ++v) {
        const T out = relu ? V::max(acc[i][v], V::zero()) : acc[i][v];
        if (MASKED && v == NV - 1) {
          V::store(yi + v * V::kLanes, out, mask);
        } else {
          V::store(yi + v * V::kLanes, out);
        }
      }
    }
  }
}

// Columns [j, j_end) of one block row: full tiles of NV vectors, then halved tiles for what is
// left, then one masked vector for the last j_end % lanes columns.
template <class V, int BR, int BC, int RG, int NV, class X>
void columns(const BlockRow& r, const X& x, float* y, int32_t ldy, bool relu, int32_t j, int32_t j_end) {
  constexpr int kCols = NV * V::kLanes;
  for (; j + kCols <= j_end; j += kCols) tile<V, BR, BC, RG, NV, false>(r, x.at(j), y + j, ldy, relu, V::mask(V::kLanes));
  if (j == j_end) return;
  if constexpr (NV > 1) {
    columns<V, BR, BC, RG, NV / 2>(r, x, y, ldy, relu, j, j_end);
  } else {
    tile<V, BR, BC, RG, 1, true>(r, x.at(j), y + j, ldy, relu, V::mask(j_end - j));
  }
}

// Y columns per L2 chunk: the chunk's slice of X (k rows) should fit in about kL2Bytes.
constexpr int64_t kL2Bytes = 384 * 1024;

template <class V, int BR, int BC, class X>
void bsrmm_rows(const pa_bsr_f32& w, int32_t n, const X& x, float* y, int32_t ldy, const float* bias, int act,
                int32_t rb_begin, int32_t rb_end) {
  using Shape = Tile<V, BR, BC>;
  constexpr int kTileCols = Shape::kVectors * V::kLanes;
  const bool relu = act == PA_ACT_RELU;
  const int32_t kb_full = w.k / BC;  // block columns wholly inside k
  int64_t chunk = kL2Bytes / ((int64_t)w.k * sizeof(float)) / kTileCols * kTileCols;
  if (chunk < kTileCols) chunk = kTileCols;
  for (int32_t n0 = 0; n0 < n;) {
    const int32_t n1 = n - n0 > chunk ? n0 + (int32_t)chunk : n;
    for (int32_t rb = rb_begin; rb < rb_end; ++rb) {
      const int32_t p0 = w.row_ptr[rb], p1 = w.row_ptr[rb + 1];
      BlockRow r;
      r.col = w.col_idx + p0;
      r.val = w.values + (int64_t)p0 * BR * BC;
      r.count = p1 - p0;
      r.full = (r.count > 0 && r.col[r.count - 1] >= kb_full) ? r.count - 1 : r.count;
      r.partial_cols = w.k - kb_full * BC;
      r.rows = min_i32(BR, w.m - rb * BR);
      r.bias = bias != nullptr ? bias + (int64_t)rb * BR : nullptr;
      columns<V, BR, BC, Shape::kRows, Shape::kVectors>(r, x, y + (int64_t)rb * BR * ldy, ldy, relu, n0, n1);
    }
    n0 = n1;
  }
}

template <class V, int BR, int BC>
void bsrmm(PA_BSRMM_PARAMS) {
  if (xoff != nullptr) {
    bsrmm_rows<V, BR, BC>(w, n, XRows<true>{x, ldx, xoff}, y, ldy, bias, act, rb_begin, rb_end);
  } else {
    bsrmm_rows<V, BR, BC>(w, n, XRows<false>{x, ldx, nullptr}, y, ldy, bias, act, rb_begin, rb_end);
  }
}

}  // namespace bsrmm_kernel
}  // namespace

// Explicitly instantiates `name<r, c>` (a template <int BR, int BC> kernel) for all 36 shapes.
#define PA_INSTANTIATE_ROW(name, r)                                                                   \
  template void name<r, 1>(PA_BSRMM_PARAMS); template void name<r, 2>(PA_BSRMM_PARAMS);              \
  template void name<r, 4>(PA_BSRMM_PARAMS); template void name<r, 8>(PA_BSRMM_PARAMS);              \
  template void name<r, 16>(PA_BSRMM_PARAMS); template void name<r, 32>(PA_BSRMM_PARAMS);
#define PA_INSTANTIATE_ALL_SHAPES(name)                                                               \
  PA_INSTANTIATE_ROW(name, 1) PA_INSTANTIATE_ROW(name, 2) PA_INSTANTIATE_ROW(name, 4)                 \
  PA_INSTANTIATE_ROW(name, 8) PA_INSTANTIATE_ROW(name, 16) PA_INSTANTIATE_ROW(name, 32)

#endif
