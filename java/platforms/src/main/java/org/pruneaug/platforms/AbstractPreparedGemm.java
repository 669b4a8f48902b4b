package org.pruneaug.platforms;

import org.bytedeco.javacpp.FloatPointer;
import org.pruneaug.nativ.OffHeap;

/** The argument checks and the close-once logic every platform's {@link PreparedGemm} shares. */
abstract class AbstractPreparedGemm implements PreparedGemm {
    private final int m;
    private final int k;
    private final String kernel;
    private boolean closed;

    AbstractPreparedGemm(int m, int k, String kernel) {
        this.m = m;
        this.k = k;
        this.kernel = kernel;
    }

    @Override
    public final int m() {
        return m;
    }

    @Override
    public final int k() {
        return k;
    }

    @Override
    public final String kernel() {
        return kernel;
    }

    @Override
    public final void run(FloatPointer x, int ldx, FloatPointer y, int ldy, int n, int threads) {
        if (closed) {
            throw new IllegalStateException("prepared GEMM (" + kernel + ") is closed");
        }
        OffHeap.checkGemm(m, k, x, ldx, y, ldy, n, null, threads);
        compute(x, ldx, y, ldy, n, threads);
    }

    /** Arguments are checked. */
    abstract void compute(FloatPointer x, int ldx, FloatPointer y, int ldy, int n, int threads);

    /** Frees native memory; called once. */
    abstract void release();

    @Override
    public final void close() {
        if (!closed) {
            closed = true;
            release();
        }
    }
}
