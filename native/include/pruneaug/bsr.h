/* Block compressed sparse row (BSR) weights: the layout every sparse kernel of PruneAug consumes.
 *
 * A weight W of logical size m x k is tiled into br x bc blocks. There are mb = ceil(m / br) block
 * rows and kb = ceil(k / bc) block columns. When m or k is not a multiple of the block, the last
 * block row / column is PADDED: its values beyond row m-1 / column k-1 are stored as zeros, and
 * kernels never read X rows >= k nor write Y rows >= m. Values of one block are stored row-major
 * (br rows of bc floats), blocks in block-row order, block columns strictly increasing in a row.
 */
#ifndef PRUNEAUG_BSR_H
#define PRUNEAUG_BSR_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct pa_bsr_f32 {
  int32_t m, k;            /* logical rows / columns of W */
  int32_t br, bc;          /* block shape */
  int32_t nnzb;            /* stored blocks */
  const int32_t* row_ptr;  /* ceil(m/br) + 1 entries, row_ptr[0] == 0, row_ptr[mb] == nnzb */
  const int32_t* col_idx;  /* nnzb block-column indices, each in [0, ceil(k/bc)) */
  const float* values;     /* nnzb * br * bc floats */
} pa_bsr_f32;

/* Checks sizes, monotone row pointers, in-range and strictly increasing column indices.
 * Returns PA_OK or PA_ERR_BAD_STRUCTURE / PA_ERR_INVALID_ARG with pa_last_error() set.
 * Never reads outside the arrays the sizes imply. */
int pa_bsr_validate(const pa_bsr_f32* w);

/* Number of blocks a dense m x k weight (row-major, leading dimension ldw) turns into when a block
 * is kept iff any of its elements has keep[i*ldkeep + j] != 0. keep == NULL keeps every block that
 * holds a non-zero weight. */
int pa_bsr_count_blocks(int32_t m, int32_t k, int32_t br, int32_t bc,
                        const float* w, int32_t ldw, const uint8_t* keep, int32_t ldkeep,
                        int32_t* nnzb_out);

/* Dense -> BSR. Kept blocks (rule as in pa_bsr_count_blocks) are copied whole, except that
 * elements whose keep flag is 0 are stored as 0 (so a 1x1 keep pattern inside a block is exact).
 * Output arrays are caller-owned: row_ptr has ceil(m/br)+1 entries, col_idx capacity_blocks
 * entries, values capacity_blocks*br*bc floats; PA_ERR_CAPACITY if too small. */
int pa_bsr_from_dense(int32_t m, int32_t k, int32_t br, int32_t bc,
                      const float* w, int32_t ldw, const uint8_t* keep, int32_t ldkeep,
                      int32_t* row_ptr, int32_t* col_idx, float* values, int32_t capacity_blocks,
                      int32_t* nnzb_out);

/* BSR -> dense m x k (row-major, leading dimension ldw); elements of absent blocks become 0. */
int pa_bsr_to_dense(const pa_bsr_f32* w, float* out, int32_t ldw);

#ifdef __cplusplus
}
#endif
#endif
