package org.pruneaug.nativ;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;

/** Turns native status codes into Java exceptions and checks off-heap buffers before a call. */
final class NativeCalls {
    private NativeCalls() {
    }

    /**
     * Throws for a non-zero status of {@code function}, with pa_last_error()'s message (thread-local,
     * so read right after the call on the same thread).
     */
    static void check(int status, String function) {
        if (status == PaNative.PA_OK) {
            return;
        }
        String message = function + ": " + string(PaNative.pa_status_string(status)) + ": "
                + string(PaNative.pa_last_error());
        switch (status) {
            case PaNative.PA_ERR_INVALID_ARG, PaNative.PA_ERR_BAD_STRUCTURE, PaNative.PA_ERR_CAPACITY ->
                throw new IllegalArgumentException(message);
            case PaNative.PA_ERR_UNSUPPORTED, PaNative.PA_ERR_NO_DEVICE ->
                throw new UnsupportedOperationException(message);
            default -> throw new IllegalStateException(message);
        }
    }

    static String string(BytePointer p) {
        return p == null || p.isNull() ? "" : p.getString();
    }

    /**
     * Checks that {@code p} holds at least {@code needed} floats from its position. A pointer whose
     * size JavaCPP does not know (limit and capacity 0, e.g. wrapped from a raw address) is refused:
     * the kernel would read or write past it without any way to notice.
     */
    static void requireFloats(FloatPointer p, long needed, String what) {
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

    static void requirePositive(int value, String what) {
        if (value <= 0) {
            throw new IllegalArgumentException(what + " must be positive, got " + value);
        }
    }
}
