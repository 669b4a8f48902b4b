package org.pruneaug.inference;

import org.pruneaug.core.GemmShape;

/**
 * What one step of a compiled network does, for timing breakdowns and latency predictions.
 *
 * @param name     e.g. "conv2/gemm", "pool1", "input"
 * @param kind     what kind of work it is
 * @param layer    the DL4J layer it belongs to, or null (input, flatten, softmax)
 * @param gemm     the GEMM it runs (kind GEMM only), with n as it really runs (implicit GEMM over
 *                 the padded grid, or im2col columns, or the batch)
 * @param platform platform id of a GEMM, else null
 * @param kernel   what runs for a GEMM (registry kernel or library routine), else null
 * @param density  kept fraction of the GEMM's weights (1 for a dense layer), NaN for non-GEMM ops
 */
public record OpInfo(String name, Kind kind, String layer, GemmShape gemm, String platform, String kernel,
                     double density) {
    public enum Kind { INPUT, GEMM, IM2COL, RELAYOUT, POOL, FLATTEN, SOFTMAX }
}
