package org.pruneaug.nativ;

import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.annotation.ByPtrPtr;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Const;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Opaque;
import org.bytedeco.javacpp.annotation.Platform;

/**
 * Raw JavaCPP binding of the optional libpruneaug_cuda (native/include/pruneaug/cuda.h). A class of
 * its own so that its JNI library, built only where nvcc exists, loads (or fails to) independently
 * of the CPU library: {@link Cuda} catches the failure and reports it.
 */
@Platform(include = {"pruneaug/status.h", "pruneaug/bsr.h", "pruneaug/cuda.h"}, link = "pruneaug_cuda")
public final class PaCudaNative {
    static {
        Loader.load();
    }

    private PaCudaNative() {
    }

    /** Opaque device-resident BSR weight. */
    @Opaque
    @Name("pa_cuda_bsr")
    public static class CudaBsr extends Pointer {
        public CudaBsr() {
            super((Pointer) null);
        }
    }

    public static native int pa_cuda_available();

    @Cast("const char*")
    public static native BytePointer pa_cuda_unavailable_reason();

    @Cast("const char*")
    public static native BytePointer pa_cuda_device_name();

    public static native int pa_cuda_bsr_upload(@Const PaNative.BsrF32 w, @ByPtrPtr CudaBsr out);

    public static native void pa_cuda_bsr_free(CudaBsr w);

    public static native int pa_cuda_bsrmm_host(@Const CudaBsr w, int n, @Const FloatPointer x, int ldx,
            FloatPointer y, int ldy, @Const FloatPointer bias, int act);

    public static native int pa_cuda_bsrmm_time(@Const CudaBsr w, int n, int reps, FloatPointer medianMs);
}
