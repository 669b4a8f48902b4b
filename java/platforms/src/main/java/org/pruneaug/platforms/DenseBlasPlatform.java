package org.pruneaug.platforms;

import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.FloatPointer;
import org.pruneaug.core.BlockShape;
import org.pruneaug.nativ.BsrMatrix;
import org.pruneaug.nativ.OffHeap;

/**
 * Dense baseline: the masked weight multiplied densely with a BLAS sgemm (OpenBLAS or MKL). Its
 * latency does not depend on block shape or density; every speedup is measured against it.
 */
final class DenseBlasPlatform extends BasePlatform {
    private final Blas blas;

    DenseBlasPlatform(PlatformDescriptor descriptor) {
        super(descriptor);
        this.blas = Blas.named(descriptor.blas());
    }

    @Override
    Optional<String> libraryUnavailableReason() {
        return blas.unavailableReason();
    }

    @Override
    public Map<String, String> libraryVersions() {
        return Map.of(blas.name(), blas.version());
    }

    @Override
    public String kernelName(BlockShape block) {
        return "cblas_sgemm (" + blas.name() + ")";
    }

    @Override
    public Map<String, Integer> pinThreads(int threads) {
        blas.pinThreads(threads);
        return Map.of(blas.name(), threads);
    }

    /** Below this many multiply-adds a GEMM runs on one thread (as pa_f32_bsrmm does below 64k per thread). */
    static final long MIN_MULTIPLY_ADDS_PER_THREAD = 1L << 20;

    @Override
    public PreparedGemm prepare(BsrMatrix w, float[] bias, boolean relu) {
        checkPrepare(w, bias);
        int m = w.rows();
        int k = w.cols();
        FloatPointer weight = OffHeap.alignedCopy(w.toDense());
        return new AbstractPreparedGemm(m, k, kernelName(w.block())) {
            @Override
            void compute(FloatPointer x, int ldx, FloatPointer y, int ldy, int n, int threads) {
                // a tiny GEMM (VGG's 10 x 256 x 64 output layer) runs on the calling thread: waking the
                // library's pool costs more than it computes, and leaves its threads spinning
                blas.pinThreads((long) m * k * n < MIN_MULTIPLY_ADDS_PER_THREAD ? 1 : threads);
                if (bias != null) {
                    Epilogue.fillBias(y, ldy, m, n, bias);
                }
                blas.sgemm(m, n, k, weight, k, x, ldx, bias == null ? 0f : 1f, y, ldy);
                if (relu) {
                    Epilogue.relu(y, ldy, m, n, threads);
                }
            }

            @Override
            void release() {
                weight.close();
            }
        };
    }
}
