package org.pruneaug.nativ;

import org.bytedeco.javacpp.Loader;

/**
 * Whether the optional CUDA library can be used here. libpruneaug_cuda is built only where nvcc
 * exists and runs only where a GPU and driver exist; either way the CPU binding keeps working and
 * this class says why CUDA does not.
 */
public final class Cuda {
    private Cuda() {
    }

    private static final class State {
        static final String LOAD_FAILURE = load();

        /** null when the binding loaded, else why not. */
        private static String load() {
            String jni = "org/pruneaug/nativ/" + Loader.getPlatform() + "/"
                    + System.mapLibraryName("jniPaCudaNative");
            if (Cuda.class.getClassLoader().getResource(jni) == null) {
                return "libpruneaug_cuda not built (the build found no nvcc)";
            }
            try {
                Loader.load(PaCudaNative.class);
                return null;
            } catch (Throwable e) {  // UnsatisfiedLinkError, or the class's failed initialiser
                return "libpruneaug_cuda failed to load: " + e;
            }
        }
    }

    /** True when the library loaded and reports a usable GPU. */
    public static boolean available() {
        return unavailableReason() == null;
    }

    /** null when available; otherwise a one-line reason. */
    public static String unavailableReason() {
        if (State.LOAD_FAILURE != null) {
            return State.LOAD_FAILURE;
        }
        if (PaCudaNative.pa_cuda_available() != 0) {
            return null;
        }
        String reason = NativeCalls.string(PaCudaNative.pa_cuda_unavailable_reason());
        return reason.isEmpty() ? "no usable GPU" : reason;
    }

    /** e.g. "NVIDIA H100 80GB HBM3 (sm_90)"; empty when unavailable. */
    public static String deviceName() {
        return available() ? NativeCalls.string(PaCudaNative.pa_cuda_device_name()) : "";
    }
}
