package org.pruneaug.nativ;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

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
     * {@code count} zeroed floats starting on a 64-byte boundary; from 1 MiB on, 2 MiB-aligned on
     * transparent huge pages where the OS allows it ({@code pruneaug/memory.h}): a kernel's speed on a
     * buffer larger than L2 otherwise depends on where its 4 KiB pages landed, by 10-20% from one
     * allocation (or process) to the next. Closing the pointer frees it.
     */
    public static FloatPointer alignedFloats(long count) {
        if (count <= 0) {
            throw new IllegalArgumentException("buffer of " + count + " floats");
        }
        return new NativeFloats(count);
    }

    /** A FloatPointer over a pa_alloc buffer, freed by pa_free when closed or collected. */
    private static final class NativeFloats extends FloatPointer {
        NativeFloats(long count) {
            super((Pointer) null);
            Pointer p = PaNative.pa_alloc(count * Float.BYTES);
            if (p == null || p.isNull()) {
                throw new OutOfMemoryError("pa_alloc of " + count + " floats failed");
            }
            address = p.address();
            capacity = count;
            limit = count;
            deallocator(new Free(address));
        }

        /** Static, so that it holds no reference to the pointer it frees. */
        private static final class Free extends Pointer implements Deallocator {
            Free(long address) {
                this.address = address;
            }

            @Override
            public void deallocate() {
                PaNative.pa_free(this);
            }
        }
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
