package org.pruneaug.platforms;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.bytedeco.javacpp.FloatPointer;

/** A dense BLAS library as the dense baselines (and MKL's sparse platform) use it. */
interface Blas {
    /** "openblas", "mkl". */
    String name();

    /** Empty when the library loaded, else why not. */
    Optional<String> unavailableReason();

    /** Version string recorded with every measurement. */
    String version();

    /** Sets the library's own thread pool to exactly {@code threads}. */
    void pinThreads(int threads);

    /** Row-major {@code C[m x n] = A[m x k] B[k x n] + beta C}. */
    void sgemm(int m, int n, int k, FloatPointer a, int lda, FloatPointer b, int ldb, float beta, FloatPointer c,
            int ldc);

    static Blas named(String name) {
        return switch (name == null ? "" : name) {
            case "openblas" -> OpenBlas.get();
            case "mkl" -> Mkl.get();
            default -> throw new org.pruneaug.core.InvalidInputException("unknown BLAS '" + name
                    + "': expected openblas or mkl");
        };
    }

    /**
     * Pins the pools of the BLAS libraries loaded so far to {@code threads} (libraries not loaded have
     * no pool that could interfere) and returns what was pinned.
     */
    static Map<String, Integer> pinLoaded(int threads) {
        List<Blas> loaded = new ArrayList<>();
        if (OpenBlas.loaded()) {
            loaded.add(OpenBlas.get());
        }
        if (Mkl.loaded()) {
            loaded.add(Mkl.get());
        }
        Map<String, Integer> pinned = new TreeMap<>();
        for (Blas b : loaded) {
            if (b.unavailableReason().isEmpty()) {
                b.pinThreads(threads);
                pinned.put(b.name(), threads);
            }
        }
        return pinned;
    }

    /** Loads a JavaCPP preset class, returning null on success or why it failed. */
    static String load(Class<?> preset) {
        try {
            org.bytedeco.javacpp.Loader.load(preset);
            return null;
        } catch (Throwable e) {  // UnsatisfiedLinkError or a failed class initialiser
            return "cannot load " + preset.getSimpleName() + ": " + e;
        }
    }
}
