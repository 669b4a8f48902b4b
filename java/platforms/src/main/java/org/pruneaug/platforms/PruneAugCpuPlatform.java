package org.pruneaug.platforms;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.LongPointer;
import org.pruneaug.core.BlockShape;
import org.pruneaug.nativ.BsrMatrix;
import org.pruneaug.nativ.Kernel;
import org.pruneaug.nativ.Kernels;
import org.pruneaug.nativ.PreparedBsr;

/**
 * Our libpruneaug kernels for one ISA (cpu-avx2, cpu-generic, a future cpu-neon). A block shape runs
 * the first available registry kernel among the descriptor's {@code kernel_isas}, so a port that
 * lacks a shape still works through the reference kernel, visibly (see {@link #kernelName}).
 */
final class PruneAugCpuPlatform extends BasePlatform {
    PruneAugCpuPlatform(PlatformDescriptor descriptor) {
        super(descriptor);
        if (descriptor.kernelIsas().isEmpty()) {
            throw new org.pruneaug.core.InvalidInputException("platform " + descriptor.id()
                    + ": implementation pruneaug-cpu needs kernel_isas");
        }
    }

    @Override
    Optional<String> libraryUnavailableReason() {
        String primary = descriptor().kernelIsas().get(0);
        if (Kernels.all().stream().noneMatch(k -> k.isa().equals(primary) && k.available())) {
            return Optional.of("libpruneaug has no runnable " + primary + " kernels (registry ISAs: "
                    + String.join(", ", Kernels.isas()) + ")");
        }
        return Optional.empty();
    }

    @Override
    public List<BlockShape> supportedBlocks() {
        return super.supportedBlocks().stream().filter(b -> kernel(b).isPresent()).toList();
    }

    @Override
    public Map<String, String> libraryVersions() {
        // the kernels' binary, not the dispatch choice: this platform runs its own ISA whatever is best here
        return Map.of("libpruneaug", Kernels.libraryDigest("pruneaug"));
    }

    @Override
    public String kernelName(BlockShape block) {
        return kernel(block).map(Kernel::name).orElse("none");
    }

    private Optional<Kernel> kernel(BlockShape block) {
        return Kernels.firstAvailable(descriptor().kernelIsas(), block);
    }

    @Override
    public Map<String, Integer> pinThreads(int threads) {
        // libpruneaug takes the thread count per call and owns a condition-variable pool (no spinning)
        return Map.of("libpruneaug", threads);
    }

    @Override
    public PreparedGemm prepare(BsrMatrix w, float[] bias, boolean relu) {
        checkPrepare(w, bias);
        Kernel kernel = kernel(w.block()).orElseThrow();
        PreparedBsr prepared = PreparedBsr.prepare(w, kernel);
        FloatPointer b = bias == null ? null : new FloatPointer(bias);
        return new AbstractPreparedGemm(w.rows(), w.cols(), kernel.name()) {
            @Override
            void compute(FloatPointer x, int ldx, FloatPointer y, int ldy, int n, int threads) {
                prepared.run(x, ldx, y, ldy, n, b, relu, threads);
            }

            @Override
            public boolean supportsRowOffsets() {
                return true;
            }

            @Override
            public void runRowOffsets(FloatPointer xOrigin, LongPointer rowOffsets, FloatPointer yOrigin, int ldy, int n,
                    int threads) {
                prepared.runRows(xOrigin, rowOffsets, yOrigin, ldy, n, b, relu, threads);
            }

            @Override
            void release() {
                prepared.close();
                if (b != null) {
                    b.close();
                }
            }
        };
    }
}
