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

    /** Below this many multiply-adds per thread a GEMM runs on fewer threads (as pa_f32_bsrmm does below 64k per thread). */
    static final long MIN_MULTIPLY_ADDS_PER_THREAD = 1L << 20;

    /**
     * The library stays on one thread for good; a GEMM of {@code threads} threads is split by output
     * columns over our own threads, one single-threaded sgemm each. Why: changing the library's thread
     * count between calls costs ~0.5-1 ms at the next call on this machine (VGG's 10 x 256 x 64 output
     * layer took 1.0 ms right after a 2-thread layer, 0.017 ms without the change), and a schedule that
     * mixes single-threaded micro-batch lanes with whole-batch layers changed it twice per pass.
     */
    @Override
    public PreparedGemm prepare(BsrMatrix w, float[] bias, boolean relu) {
        checkPrepare(w, bias);
        int m = w.rows();
        int k = w.cols();
        FloatPointer weight = OffHeap.alignedCopy(w.toDense());
        return new AbstractPreparedGemm(m, k, kernelName(w.block())) {
            @Override
            void compute(FloatPointer x, int ldx, FloatPointer y, int ldy, int n, int threads) {
                blas.pinThreads(1);
                if (bias != null) {
                    Epilogue.fillBias(y, ldy, m, n, bias);
                }
                float beta = bias == null ? 0f : 1f;
                int parts = (int) Math.max(1, Math.min(Math.min(threads, n), (long) m * k * n / MIN_MULTIPLY_ADDS_PER_THREAD));
                ColumnSplit.run(parts, n, (from, to) -> blas.sgemm(m, to - from, k, weight, k, offset(x, from), ldx, beta,
                        offset(y, from), ldy));
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

    private static FloatPointer offset(FloatPointer p, int columns) {
        return columns == 0 ? p : new FloatPointer(p).position(p.position() + columns);
    }
}
