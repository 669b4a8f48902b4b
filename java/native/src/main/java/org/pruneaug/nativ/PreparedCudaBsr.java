package org.pruneaug.nativ;

import java.util.Objects;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A BSR weight uploaded to the GPU once ({@code pa_cuda_bsr_upload}) and run many times; X and Y
 * are host buffers copied in and out per call. Same layout and checks as {@link PreparedBsr}.
 */
public final class PreparedCudaBsr implements AutoCloseable {
    private final int rows;
    private final int cols;
    private PaCudaNative.CudaBsr device;

    private PreparedCudaBsr(int rows, int cols, PaCudaNative.CudaBsr device) {
        this.rows = rows;
        this.cols = cols;
        this.device = device;
    }

    /** Uploads w; UnsupportedOperationException with the reason when CUDA is unavailable here. */
    public static PreparedCudaBsr upload(BsrMatrix w) {
        Objects.requireNonNull(w, "weight");
        String reason = Cuda.unavailableReason();
        if (reason != null) {
            throw new UnsupportedOperationException("cuda unavailable: " + reason);
        }
        PaCudaNative.CudaBsr device = new PaCudaNative.CudaBsr();
        try (NativeBsr host = new NativeBsr(w)) {
            NativeCalls.check(PaCudaNative.pa_cuda_bsr_upload(host.view(), device), "pa_cuda_bsr_upload");
        }
        return new PreparedCudaBsr(w.rows(), w.cols(), device);
    }

    public void run(FloatPointer x, int ldx, FloatPointer y, int ldy, int n, FloatPointer bias, boolean relu) {
        PaCudaNative.CudaBsr d = open();
        OffHeap.checkGemm(rows, cols, x, ldx, y, ldy, n, bias, 1);
        int act = relu ? PaNative.PA_ACT_RELU : PaNative.PA_ACT_NONE;
        NativeCalls.check(PaCudaNative.pa_cuda_bsrmm_host(d, n, x, ldx, y, ldy, bias, act), "pa_cuda_bsrmm_host");
    }

    /** Kernel-only median milliseconds of one call with X, Y resident on the device (CUDA events). */
    public double medianKernelMs(int n, int reps) {
        PaCudaNative.CudaBsr d = open();
        OffHeap.requirePositive(n, "n");
        OffHeap.requirePositive(reps, "reps");
        try (FloatPointer ms = new FloatPointer(1)) {
            NativeCalls.check(PaCudaNative.pa_cuda_bsrmm_time(d, n, reps, ms), "pa_cuda_bsrmm_time");
            return ms.get();
        }
    }

    public int rows() {
        return rows;
    }

    public int cols() {
        return cols;
    }

    private PaCudaNative.CudaBsr open() {
        if (device == null) {
            throw new IllegalStateException("CUDA weight is closed");
        }
        return device;
    }

    @Override
    public void close() {
        if (device != null) {
            PaCudaNative.pa_cuda_bsr_free(device);
            device = null;
        }
    }
}
