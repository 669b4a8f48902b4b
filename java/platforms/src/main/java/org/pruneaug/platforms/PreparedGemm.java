package org.pruneaug.platforms;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.pruneaug.nativ.OffHeap;

/**
 * One layer's GEMM {@code Y[m x n] = act(W[m x k] X[k x n] + bias)} prepared on a platform (weight
 * converted, uploaded or wrapped once) and run many times: what the profiler times and what the
 * sparse inference runtime executes. X and Y are off-heap, row-major, with leading dimensions.
 *
 * <p>One instance is used by one thread at a time; {@link #close()} frees its native memory.
 */
public interface PreparedGemm extends AutoCloseable {
    /** Output rows (the weight's rows). */
    int m();

    /** Reduction length (the weight's columns, X's rows). */
    int k();

    /** What runs, for provenance: a registry kernel name, or the library routine. */
    String kernel();

    /**
     * Computes Y; X needs {@code (k-1)*ldx + n} floats from its position, Y {@code (m-1)*ldy + n}.
     * threads is the exact number of threads of the platform's library (ignored by GPU platforms).
     */
    void run(FloatPointer x, int ldx, FloatPointer y, int ldy, int n, int threads);

    /** Convenience for tests: X k x n row-major in, Y m x n row-major out. */
    default float[] run(float[] x, int n, int threads) {
        OffHeap.requirePositive(n, "n");
        if (x == null || x.length != (long) k() * n) {
            throw new IllegalArgumentException("X must hold k*n = " + k() + "*" + n + " floats, got "
                    + (x == null ? "null" : x.length));
        }
        try (FloatPointer xp = new FloatPointer(x); FloatPointer yp = new FloatPointer((long) m() * n)) {
            run(xp, n, yp, n, n, threads);
            float[] y = new float[m() * n];
            yp.get(y);
            return y;
        }
    }

    /**
     * Whether {@link #runRowOffsets} works: X rows addressed by offset, what the sparse runtime's
     * implicit-GEMM convolution needs (no im2col matrix). Libraries that take a plain X do not.
     */
    default boolean supportsRowOffsets() {
        return false;
    }

    /**
     * Computes Y where X row r is the n floats at {@code xOrigin + rowOffsets[r]} (offsets may be
     * negative); Y row-major with leading dimension ldy from yOrigin.
     */
    default void runRowOffsets(FloatPointer xOrigin, LongPointer rowOffsets, FloatPointer yOrigin, int ldy, int n,
            int threads) {
        throw new UnsupportedOperationException(kernel() + " cannot address X rows by offset");
    }

    @Override
    void close();
}
