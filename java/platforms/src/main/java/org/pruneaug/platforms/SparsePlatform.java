package org.pruneaug.platforms;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.Hardware;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.nativ.BsrMatrix;

/**
 * A sparse kernel library on a piece of hardware: what the search measures latencies on and what
 * sparse inference runs on. Dense baselines are platforms too (their latency ignores sparsity), so
 * every speedup is computed between two platforms measured the same way.
 */
public interface SparsePlatform {
    /** The descriptor this platform was built from (platforms/&lt;id&gt;/platform.json). */
    PlatformDescriptor descriptor();

    default String id() {
        return descriptor().id();
    }

    /** The hardware it runs on here (CPU, plus the GPU for GPU platforms). */
    Hardware hardware();

    /** Empty when usable here, else a one-line reason (missing CPU feature, library, GPU...). */
    Optional<String> unavailableReason();

    default boolean available() {
        return unavailableReason().isEmpty();
    }

    /** True for dense baselines: they accept any block/density and run the masked weight densely. */
    default boolean isDense() {
        return descriptor().isDense();
    }

    /** Block shapes a sparse platform runs natively; empty for dense baselines (they take any). */
    List<BlockShape> supportedBlocks();

    default boolean supports(BlockShape block) {
        return isDense() || supportedBlocks().contains(block);
    }

    /** InvalidInputException naming the platform and what it supports, unless it supports block. */
    default void requireSupported(BlockShape block) {
        if (!supports(block)) {
            throw new InvalidInputException("platform " + id() + " does not support block " + block + " (supported: "
                    + supportedBlocks().stream().map(BlockShape::toString).reduce((a, b) -> a + ", " + b).orElse("none")
                    + ")");
        }
    }

    /** Thread count used when none is given (resolved: 0 in the descriptor = the cores). */
    default int defaultThreads() {
        int t = descriptor().threads().defaultCount();
        return t > 0 ? t : Runtime.getRuntime().availableProcessors();
    }

    /** Largest meaningful thread count. */
    default int maxThreads() {
        int t = descriptor().threads().max();
        return t > 0 ? t : Runtime.getRuntime().availableProcessors();
    }

    /** Versions of the libraries that produce its latencies; a change invalidates its latency tables. */
    Map<String, String> libraryVersions();

    /** What runs for a block shape here, e.g. "f32_bsrmm_b8x8__avx2" or "mkl_sparse_s_mm(bsr 8x8)". */
    String kernelName(BlockShape block);

    /**
     * Prepares {@code Y = act(W X + bias)} for weight w (its block shape is the layer's), bias m floats
     * or null. The caller closes the result.
     */
    PreparedGemm prepare(BsrMatrix w, float[] bias, boolean relu);

    /** Same, from a dense row-major m x k weight and a keep mask (null = keep non-zero blocks). */
    default PreparedGemm prepare(int m, int k, float[] dense, boolean[] keep, BlockShape block, float[] bias,
            boolean relu) {
        return prepare(BsrMatrix.fromDense(dense, m, k, block, keep), bias, relu);
    }

    /**
     * Pins the thread counts of every pool this platform's library owns (called by the profiler before
     * measuring), and returns them for the record, e.g. {"openblas": 2}.
     */
    Map<String, Integer> pinThreads(int threads);
}
