// Scalar reference kernel: the oracle of every test. Straightforward loops, no tricks; block shape
// taken at run time so one function serves every registry entry of the "ref" ISA.
#include <algorithm>
#include <cstring>

#include "../internal.h"

namespace pa {

void f32_bsrmm__ref(const pa_bsr_f32& w, int32_t n, const float* x, int32_t ldx, const int64_t* xoff, float* y,
                    int32_t ldy,
                    const float* bias, int act, int32_t rb_begin, int32_t rb_end) {
  const int32_t br = w.br, bc = w.bc;
  for (int32_t rb = rb_begin; rb < rb_end; ++rb) {
    const int32_t rows = std::min(br, w.m - rb * br);
    for (int32_t bi = 0; bi < rows; ++bi) {
      float* yrow = y + (int64_t)(rb * br + bi) * ldy;
      const float b0 = bias != nullptr ? bias[rb * br + bi] : 0.0f;
      for (int32_t j = 0; j < n; ++j) yrow[j] = b0;
    }
    for (int32_t p = w.row_ptr[rb]; p < w.row_ptr[rb + 1]; ++p) {
      const int32_t k0 = w.col_idx[p] * bc;
      const int32_t cols = std::min(bc, w.k - k0);  // padded columns of the last block column
      const float* v = w.values + (int64_t)p * br * bc;
      for (int32_t bi = 0; bi < rows; ++bi) {
        float* yrow = y + (int64_t)(rb * br + bi) * ldy;
        for (int32_t bj = 0; bj < cols; ++bj) {
          const float a = v[bi * bc + bj];
          const float* xrow = xoff != nullptr ? x + xoff[k0 + bj] : x + (int64_t)(k0 + bj) * ldx;
          for (int32_t j = 0; j < n; ++j) yrow[j] += a * xrow[j];
        }
      }
    }
    if (act == PA_ACT_RELU) {
      for (int32_t bi = 0; bi < rows; ++bi) {
        float* yrow = y + (int64_t)(rb * br + bi) * ldy;
        for (int32_t j = 0; j < n; ++j) yrow[j] = std::max(yrow[j], 0.0f);
      }
    }
  }
}

}  // namespace pa
