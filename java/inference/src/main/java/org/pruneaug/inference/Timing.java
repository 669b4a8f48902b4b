package org.pruneaug.inference;

import java.util.List;

/**
 * Measured latency of a compiled network: median over repetitions of the whole forward pass and of
 * every op, with the thread count and batch they ran with. {@code gapMs}: median over the
 * repetitions of the pass's time less the sum of its ops' times in that same pass (timer reads, a
 * lane waiting for the other): unlike the pass's median less the ops' medians, a slow spell that
 * hits one op of a pass cancels out of it.
 */
public record Timing(int batch, int threads, int repetitions, double medianMs, double minMs, double maxMs,
                     List<OpTime> ops, double gapMs) {
    public record OpTime(OpInfo op, double medianMs) {
    }

    /** A timing whose per-pass gap was not measured (0). */
    public Timing(int batch, int threads, int repetitions, double medianMs, double minMs, double maxMs,
                  List<OpTime> ops) {
        this(batch, threads, repetitions, medianMs, minMs, maxMs, ops, 0.0);
    }

    /** Median time of the ops that are not GEMMs (im2col, pooling, relayouts, input, softmax). */
    public double nonGemmMs() {
        return ops.stream().filter(o -> o.op().kind() != OpInfo.Kind.GEMM).mapToDouble(OpTime::medianMs).sum();
    }

    /** Median time of one layer's GEMM op(s). */
    public double gemmMs(String layer) {
        return ops.stream().filter(o -> layer.equals(o.op().layer()) && o.op().kind() == OpInfo.Kind.GEMM)
                .mapToDouble(OpTime::medianMs).sum();
    }

    /** Median time of one layer's other ops (im2col, relayout, padding). */
    public double nonGemmMs(String layer) {
        return ops.stream().filter(o -> layer.equals(o.op().layer()) && o.op().kind() != OpInfo.Kind.GEMM)
                .mapToDouble(OpTime::medianMs).sum();
    }

    /** Median time of the ops outside {@code layers}: input, pooling, flatten, softmax, other layers. */
    public double outsideMs(java.util.Set<String> layers) {
        return ops.stream().filter(o -> o.op().layer() == null || !layers.contains(o.op().layer()))
                .mapToDouble(OpTime::medianMs).sum();
    }

    /** Median time of the ops of one layer (its GEMM plus its im2col/relayout, if any). */
    public double layerMs(String layer) {
        return ops.stream().filter(o -> layer.equals(o.op().layer())).mapToDouble(OpTime::medianMs).sum();
    }
}
