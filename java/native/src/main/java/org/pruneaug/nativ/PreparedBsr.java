package org.pruneaug.nativ;

import java.util.Objects;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.pruneaug.core.BlockShape;

/**
 * A BSR weight copied off-heap once and bound to one kernel, run many times on off-heap activations
 * without per-call copies: the form the sparse inference runtime and the profiler use.
 *
 * <p>{@code Y[m x n] = act(W[m x k] * X[k x n] + bias)} with X, Y row-major and leading dimensions
 * {@code ldx, ldy >= n}. Arguments are checked in Java before the native call (sizes of the off-heap
 * buffers included), so a bad argument is an exception, never a crash. {@link #run} may be called
 * from several threads (the library serialises its pool); {@link #close} must not race with it.
 */
public final class PreparedBsr implements AutoCloseable {
    private final Kernel kernel;
    private final int rows;
    private final int cols;
    private final BlockShape block;
    private NativeBsr weight;

    private PreparedBsr(BsrMatrix w, Kernel kernel) {
        this.kernel = kernel;
        this.rows = w.rows();
        this.cols = w.cols();
        this.block = w.block();
        this.weight = new NativeBsr(w);
    }

    /** Binds {@code w} to {@code kernel}, whose block shape must be w's and which must run on this CPU. */
    public static PreparedBsr prepare(BsrMatrix w, Kernel kernel) {
        Objects.requireNonNull(w, "weight");
        Objects.requireNonNull(kernel, "kernel");
        if (!kernel.block().equals(w.block())) {
            throw new IllegalArgumentException("kernel " + kernel.name() + " runs " + kernel.block()
                    + " blocks but the weight has " + w.block() + " blocks");
        }
        if (!kernel.available()) {
            throw new UnsupportedOperationException("kernel " + kernel.name() + " needs " + kernel.isa()
                    + ", which this CPU lacks (features: " + Kernels.cpuFeatures() + ")");
        }
        return new PreparedBsr(w, kernel);
    }

    /**
     * Runs on off-heap buffers. X needs {@code (k-1)*ldx + n} floats from its position, Y
     * {@code (m-1)*ldy + n}, bias (nullable) m floats.
     */
    public void run(FloatPointer x, int ldx, FloatPointer y, int ldy, int n, FloatPointer bias, boolean relu,
            int threads) {
        NativeBsr w = open();
        OffHeap.checkGemm(rows, cols, x, ldx, y, ldy, n, bias, threads);
        int act = relu ? PaNative.PA_ACT_RELU : PaNative.PA_ACT_NONE;
        NativeCalls.check(PaNative.pa_f32_bsrmm(kernel.index(), w.view(), n, x, ldx, y, ldy, bias, act, threads),
                kernel.name());
    }

    /**
     * Runs with X rows addressed by offset ({@code pa_f32_bsrmm_rows}): row r of X is the n floats at
     * {@code xOrigin + rowOffsets[r]} (offsets may be negative: they are relative to xOrigin's
     * position). Every row must lie inside xOrigin's buffer; this is checked, so a wrong offset is an
     * exception, not a read outside the buffer.
     */
    public void runRows(FloatPointer xOrigin, LongPointer rowOffsets, FloatPointer y, int ldy, int n, FloatPointer bias,
            boolean relu, int threads) {
        NativeBsr w = open();
        OffHeap.requirePositive(n, "n");
        OffHeap.requirePositive(threads, "threads");
        if (ldy < n) {
            throw new IllegalArgumentException("ldy=" + ldy + " must be >= n=" + n);
        }
        long offsets = rowOffsets == null || rowOffsets.isNull() ? 0
                : (rowOffsets.limit() > 0 ? rowOffsets.limit() : rowOffsets.capacity()) - rowOffsets.position();
        if (offsets < cols) {
            throw new IllegalArgumentException("rowOffsets must hold k = " + cols + " offsets, has " + offsets);
        }
        // one bulk copy: a JNI call per offset cost ~20 us per call on a 576-row convolution
        long[] off = new long[cols];
        rowOffsets.get(off);
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (long o : off) {
            min = Math.min(min, o);
            max = Math.max(max, o);
        }
        if (xOrigin == null || xOrigin.isNull() || xOrigin.position() + min < 0) {
            throw new IllegalArgumentException("X row offset " + min + " lies before the start of X's buffer");
        }
        OffHeap.requireFloats(xOrigin, max + n, "X (rows up to offset " + max + ", n " + n + ")");
        OffHeap.requireFloats(y, (long) (rows - 1) * ldy + n, "Y [" + rows + " x " + n + ", ldy " + ldy + "]");
        if (bias != null) {
            OffHeap.requireFloats(bias, rows, "bias");
        }
        int act = relu ? PaNative.PA_ACT_RELU : PaNative.PA_ACT_NONE;
        NativeCalls.check(PaNative.pa_f32_bsrmm_rows(kernel.index(), w.view(), n, xOrigin, rowOffsets, y, ldy, bias, act,
                threads), kernel.name());
    }

    /** Convenience for tests and one-off calls: copies X in and Y out. X is k x n row-major. */
    public float[] run(float[] x, int n, float[] bias, boolean relu, int threads) {
        OffHeap.requirePositive(n, "n");
        if (x == null || x.length != (long) cols * n) {
            throw new IllegalArgumentException("X must hold k*n = " + cols + "*" + n + " floats, got "
                    + (x == null ? "null" : x.length));
        }
        if (bias != null && bias.length != rows) {
            throw new IllegalArgumentException("bias must hold m = " + rows + " floats, got " + bias.length);
        }
        try (FloatPointer xp = new FloatPointer(x);
                FloatPointer yp = new FloatPointer((long) rows * n);
                FloatPointer bp = bias == null ? null : new FloatPointer(bias)) {
            run(xp, n, yp, n, n, bp, relu, threads);
            float[] y = new float[rows * n];
            yp.get(y);
            return y;
        }
    }

    public Kernel kernel() {
        return kernel;
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    public BlockShape block() {
        return block;
    }

    private NativeBsr open() {
        NativeBsr w = weight;
        if (w == null) {
            throw new IllegalStateException("prepared weight is closed");
        }
        return w;
    }

    @Override
    public void close() {
        if (weight != null) {
            weight.close();
            weight = null;
        }
    }
}
