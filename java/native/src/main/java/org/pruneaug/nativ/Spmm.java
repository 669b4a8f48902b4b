package org.pruneaug.nativ;

/** One-shot {@code Y = act(W X + bias)} on Java arrays: for tests and tools, not hot paths. */
public final class Spmm {
    private Spmm() {
    }

    /** X is k x n row-major; returns Y m x n row-major. bias may be null. */
    public static float[] run(Kernel kernel, BsrMatrix w, float[] x, int n, float[] bias, boolean relu, int threads) {
        try (PreparedBsr p = PreparedBsr.prepare(w, kernel)) {
            return p.run(x, n, bias, relu, threads);
        }
    }
}
