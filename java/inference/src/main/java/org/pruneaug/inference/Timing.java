package org.pruneaug.inference;

import java.util.List;

/**
 * Measured latency of a compiled network: median over repetitions of the whole forward pass and of
 * every op, with the thread count and batch they ran with.
 */
public record Timing(int batch, int threads, int repetitions, double medianMs, double minMs, double maxMs,
                     List<OpTime> ops) {
    public record OpTime(OpInfo op, double medianMs) {
    }

    /** Median time of the ops that are not GEMMs (im2col, pooling, relayouts, input, softmax). */
    public double nonGemmMs() {
        return ops.stream().filter(o -> o.op().kind() != OpInfo.Kind.GEMM).mapToDouble(OpTime::medianMs).sum();
    }

    /** Median time of the ops of one layer (its GEMM plus its im2col/relayout, if any). */
    public double layerMs(String layer) {
        return ops.stream().filter(o -> layer.equals(o.op().layer())).mapToDouble(OpTime::medianMs).sum();
    }
}
