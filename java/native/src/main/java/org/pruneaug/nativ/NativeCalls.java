package org.pruneaug.nativ;

import org.bytedeco.javacpp.BytePointer;

/** Turns native status codes into Java exceptions. */
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
}
