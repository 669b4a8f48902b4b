package org.pruneaug.nativ;

import org.bytedeco.javacpp.FloatPointer;

/**
 * Argument checks for off-heap buffers, done in Java before any native call so that a wrong size is
 * an exception and not a write past the end of someone's memory. Shared by every platform.
 */
public final class OffHeap {
    private OffHeap() {
    }

    /**
     * Checks that {@code p} holds at least {@code needed} floats from its position. A pointer whose
     * size JavaCPP does not know (limit and capacity 0, e.g. wrapped from a raw address) is refused:
     * the kernel would read or write past it without any way to notice.
     */
    public static void requireFloats(FloatPointer p, long needed, String what) {
        if (p == null || p.isNull()) {
            throw new IllegalArgumentException(what + " is null");
        }
        long size = p.limit() > 0 ? p.limit() : p.capacity();
        if (size <= 0) {
            throw new IllegalArgumentException(what + " has unknown size: allocate it with new FloatPointer(size)"
                    + " or set its limit()");
        }
        long available = size - p.position();
        if (available < needed) {
            throw new IllegalArgumentException(what + " holds " + Math.max(0, available)
                    + " floats from its position but " + needed + " are needed");
        }
    }

    /** Alignment of {@link #alignedFloats}: a cache line, and a multiple of every SIMD width we use. */
    public static final int ALIGNMENT = 64;

    /**
     * {@code count} zeroed floats starting on a 64-byte boundary (position and limit set to the window;
     * closing the pointer frees the whole allocation). Kernels' speed depends on where malloc happened
     * to put a buffer by tens of percent; aligning every buffer the same way makes runs comparable.
     */
    public static FloatPointer alignedFloats(long count) {
        long slack = ALIGNMENT / Float.BYTES;
        FloatPointer p = new FloatPointer(count + slack);
        p.zero();
        long misalignment = p.address() % ALIGNMENT;
        long offset = misalignment == 0 ? 0 : (ALIGNMENT - misalignment) / Float.BYTES;
        return p.position(offset).limit(offset + count);
    }

    /** {@link #alignedFloats} holding a copy of {@code values}. */
    public static FloatPointer alignedCopy(float[] values) {
        FloatPointer p = alignedFloats(Math.max(1, values.length));
        p.put(values);
        return p;
    }

    public static void requirePositive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }

    /**
     * The checks of every {@code Y[m x n] = W[m x k] X[k x n]} call on row-major off-heap buffers:
     * n and threads positive, ldx, ldy >= n, X, Y (and bias, when not null) large enough.
     */
    public static void checkGemm(int m, int k, FloatPointer x, int ldx, FloatPointer y, int ldy, int n,
            FloatPointer bias, int threads) {
        requirePositive(n, "n");
        requirePositive(threads, "threads");
        if (ldx < n || ldy < n) {
            throw new IllegalArgumentException("leading dimensions ldx=" + ldx + ", ldy=" + ldy + " must be >= n=" + n);
        }
        requireFloats(x, (long) (k - 1) * ldx + n, "X [" + k + " x " + n + ", ldx " + ldx + "]");
        requireFloats(y, (long) (m - 1) * ldy + n, "Y [" + m + " x " + n + ", ldy " + ldy + "]");
        if (bias != null) {
            requireFloats(bias, m, "bias");
        }
    }
}
