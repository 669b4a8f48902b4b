package org.pruneaug.platforms;

import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.FloatPointer;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.Hardware;
import org.pruneaug.nativ.BsrMatrix;
import org.pruneaug.nativ.Cuda;
import org.pruneaug.nativ.Kernels;
import org.pruneaug.nativ.PreparedCudaBsr;

/**
 * Our CUDA BSR kernels (libpruneaug_cuda). The weight is uploaded once; X and Y are host buffers
 * copied per call, so measured latencies include the transfers a host-side runtime pays.
 */
final class CudaPlatform extends BasePlatform {
    CudaPlatform(PlatformDescriptor descriptor) {
        super(descriptor);
    }

    @Override
    public Hardware hardware() {
        return Hardware.host().withAccelerator(Cuda.deviceName());
    }

    @Override
    Optional<String> libraryUnavailableReason() {
        return Optional.ofNullable(Cuda.unavailableReason());
    }

    @Override
    public Map<String, String> libraryVersions() {
        return Map.of("libpruneaug_cuda", Kernels.libraryDigest("pruneaug_cuda"));
    }

    @Override
    public String kernelName(BlockShape block) {
        return "pruneaug_cuda bsrmm " + block + " (host copies)";
    }

    @Override
    public Map<String, Integer> pinThreads(int threads) {
        return Map.of();  // the GPU's parallelism is not a host thread count
    }

    @Override
    public PreparedGemm prepare(BsrMatrix w, float[] bias, boolean relu) {
        checkPrepare(w, bias);
        PreparedCudaBsr device = PreparedCudaBsr.upload(w);
        FloatPointer b = bias == null ? null : new FloatPointer(bias);
        return new AbstractPreparedGemm(w.rows(), w.cols(), kernelName(w.block())) {
            @Override
            void compute(FloatPointer x, int ldx, FloatPointer y, int ldy, int n, int threads) {
                device.run(x, ldx, y, ldy, n, b, relu);
            }

            @Override
            void release() {
                device.close();
                if (b != null) {
                    b.close();
                }
            }
        };
    }
}
