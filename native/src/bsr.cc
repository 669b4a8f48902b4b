// BSR structure checks and conversions (dense <-> BSR). Conversions are O(m*k) and run once per
// layer, so clarity wins over speed here.
#include <algorithm>
#include <cstring>
#include <string>

#include "internal.h"

namespace {

bool valid_block_dim(int32_t d) { return d == 1 || d == 2 || d == 4 || d == 8 || d == 16 || d == 32; }

int check_dims(int32_t m, int32_t k, int32_t br, int32_t bc) {
  if (m <= 0 || k <= 0) {
    return pa::fail(PA_ERR_INVALID_ARG,
                    "matrix size " + std::to_string(m) + "x" + std::to_string(k) + " must be positive");
  }
  if (!valid_block_dim(br) || !valid_block_dim(bc)) {
    return pa::fail(PA_ERR_UNSUPPORTED, "block shape " + std::to_string(br) + "x" + std::to_string(bc) +
                                            " not supported: dims must be 1, 2, 4, 8, 16 or 32");
  }
  return PA_OK;
}

// Is block (rb, cb) kept? Any kept element (keep != NULL) or any non-zero weight (keep == NULL).
bool block_kept(int32_t m, int32_t k, int32_t br, int32_t bc, const float* w, int32_t ldw,
                const uint8_t* keep, int32_t ldkeep, int32_t rb, int32_t cb) {
  const int32_t i_end = std::min(m, (rb + 1) * br), j_end = std::min(k, (cb + 1) * bc);
  for (int32_t i = rb * br; i < i_end; ++i) {
    for (int32_t j = cb * bc; j < j_end; ++j) {
      if (keep != nullptr ? keep[(int64_t)i * ldkeep + j] != 0 : w[(int64_t)i * ldw + j] != 0.0f) return true;
    }
  }
  return false;
}

int check_dense_args(int32_t m, int32_t k, int32_t br, int32_t bc, const float* w, int32_t ldw,
                     const uint8_t* keep, int32_t ldkeep) {
  if (int s = check_dims(m, k, br, bc)) return s;
  if (w == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "weight pointer is NULL");
  if (ldw < k) return pa::fail(PA_ERR_INVALID_ARG, "ldw " + std::to_string(ldw) + " < k " + std::to_string(k));
  if (keep != nullptr && ldkeep < k) {
    return pa::fail(PA_ERR_INVALID_ARG, "ldkeep " + std::to_string(ldkeep) + " < k " + std::to_string(k));
  }
  return PA_OK;
}

}  // namespace

extern "C" int pa_bsr_validate(const pa_bsr_f32* w) {
  pa::clear_error();
  if (w == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "BSR pointer is NULL");
  if (int s = check_dims(w->m, w->k, w->br, w->bc)) return s;
  const int32_t mb = pa::ceil_div(w->m, w->br), kb = pa::ceil_div(w->k, w->bc);
  if (w->nnzb < 0 || (int64_t)w->nnzb > (int64_t)mb * kb) {
    return pa::fail(PA_ERR_BAD_STRUCTURE, "nnzb " + std::to_string(w->nnzb) + " outside [0, " +
                                              std::to_string((int64_t)mb * kb) + "]");
  }
  if (w->row_ptr == nullptr) return pa::fail(PA_ERR_BAD_STRUCTURE, "row_ptr is NULL");
  if (w->nnzb > 0 && (w->col_idx == nullptr || w->values == nullptr)) {
    return pa::fail(PA_ERR_BAD_STRUCTURE, "col_idx or values is NULL while nnzb > 0");
  }
  if (w->row_ptr[0] != 0) {
    return pa::fail(PA_ERR_BAD_STRUCTURE, "row_ptr[0] is " + std::to_string(w->row_ptr[0]) + ", must be 0");
  }
  for (int32_t rb = 0; rb < mb; ++rb) {
    const int32_t b = w->row_ptr[rb], e = w->row_ptr[rb + 1];
    if (e < b || e > w->nnzb) {
      return pa::fail(PA_ERR_BAD_STRUCTURE, "row_ptr not monotone or beyond nnzb at block row " +
                                                std::to_string(rb) + " (" + std::to_string(b) + " -> " +
                                                std::to_string(e) + ", nnzb " + std::to_string(w->nnzb) + ")");
    }
    for (int32_t p = b; p < e; ++p) {
      const int32_t c = w->col_idx[p];
      if (c < 0 || c >= kb) {
        return pa::fail(PA_ERR_BAD_STRUCTURE, "col_idx[" + std::to_string(p) + "] = " + std::to_string(c) +
                                                  " outside [0, " + std::to_string(kb) + ")");
      }
      if (p > b && c <= w->col_idx[p - 1]) {
        return pa::fail(PA_ERR_BAD_STRUCTURE, "col_idx not strictly increasing in block row " +
                                                  std::to_string(rb) + " at position " + std::to_string(p));
      }
    }
  }
  if (w->row_ptr[mb] != w->nnzb) {
    return pa::fail(PA_ERR_BAD_STRUCTURE, "row_ptr[" + std::to_string(mb) + "] = " +
                                              std::to_string(w->row_ptr[mb]) + " != nnzb " + std::to_string(w->nnzb));
  }
  return PA_OK;
}

extern "C" int pa_bsr_count_blocks(int32_t m, int32_t k, int32_t br, int32_t bc, const float* w, int32_t ldw,
                                   const uint8_t* keep, int32_t ldkeep, int32_t* nnzb_out) {
  pa::clear_error();
  if (int s = check_dense_args(m, k, br, bc, w, ldw, keep, ldkeep)) return s;
  if (nnzb_out == nullptr) return pa::fail(PA_ERR_INVALID_ARG, "nnzb_out is NULL");
  const int32_t mb = pa::ceil_div(m, br), kb = pa::ceil_div(k, bc);
  int32_t count = 0;
  for (int32_t rb = 0; rb < mb; ++rb) {
    for (int32_t cb = 0; cb < kb; ++cb) count += block_kept(m, k, br, bc, w, ldw, keep, ldkeep, rb, cb);
  }
  *nnzb_out = count;
  return PA_OK;
}

extern "C" int pa_bsr_from_dense(int32_t m, int32_t k, int32_t br, int32_t bc, const float* w, int32_t ldw,
                                 const uint8_t* keep, int32_t ldkeep, int32_t* row_ptr, int32_t* col_idx,
                                 float* values, int32_t capacity_blocks, int32_t* nnzb_out) {
  pa::clear_error();
  if (int s = check_dense_args(m, k, br, bc, w, ldw, keep, ldkeep)) return s;
  if (row_ptr == nullptr || nnzb_out == nullptr || capacity_blocks < 0 ||
      (capacity_blocks > 0 && (col_idx == nullptr || values == nullptr))) {
    return pa::fail(PA_ERR_INVALID_ARG, "output arrays are NULL or capacity is negative");
  }
  const int32_t mb = pa::ceil_div(m, br), kb = pa::ceil_div(k, bc);
  int32_t nnzb = 0;
  row_ptr[0] = 0;
  for (int32_t rb = 0; rb < mb; ++rb) {
    for (int32_t cb = 0; cb < kb; ++cb) {
      if (!block_kept(m, k, br, bc, w, ldw, keep, ldkeep, rb, cb)) continue;
      if (nnzb >= capacity_blocks) {
        return pa::fail(PA_ERR_CAPACITY, "more than " + std::to_string(capacity_blocks) + " blocks kept");
      }
      col_idx[nnzb] = cb;
      float* v = values + (int64_t)nnzb * br * bc;
      for (int32_t bi = 0; bi < br; ++bi) {
        for (int32_t bj = 0; bj < bc; ++bj) {
          const int32_t i = rb * br + bi, j = cb * bc + bj;
          const bool inside = i < m && j < k;
          const bool kept = inside && (keep == nullptr || keep[(int64_t)i * ldkeep + j] != 0);
          v[bi * bc + bj] = kept ? w[(int64_t)i * ldw + j] : 0.0f;
        }
      }
      ++nnzb;
    }
    row_ptr[rb + 1] = nnzb;
  }
  *nnzb_out = nnzb;
  return PA_OK;
}

extern "C" int pa_bsr_to_dense(const pa_bsr_f32* w, float* out, int32_t ldw) {
  if (int s = pa_bsr_validate(w)) return s;
  if (out == nullptr || ldw < w->k) return pa::fail(PA_ERR_INVALID_ARG, "output NULL or ldw < k");
  for (int32_t i = 0; i < w->m; ++i) std::memset(out + (int64_t)i * ldw, 0, sizeof(float) * w->k);
  const int32_t mb = pa::ceil_div(w->m, w->br);
  for (int32_t rb = 0; rb < mb; ++rb) {
    for (int32_t p = w->row_ptr[rb]; p < w->row_ptr[rb + 1]; ++p) {
      const float* v = w->values + (int64_t)p * w->br * w->bc;
      for (int32_t bi = 0; bi < w->br; ++bi) {
        for (int32_t bj = 0; bj < w->bc; ++bj) {
          const int32_t i = rb * w->br + bi, j = w->col_idx[p] * w->bc + bj;
          if (i < w->m && j < w->k) out[(int64_t)i * ldw + j] = v[bi * w->bc + bj];
        }
      }
    }
  }
  return PA_OK;
}
