package org.pruneaug.platforms;

import java.util.Optional;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.openblas.global.openblas;

/** OpenBLAS through the JavaCPP preset (the same library nd4j loads, so one pool in the JVM). */
final class OpenBlas implements Blas {
    private static volatile boolean created;

    private static final class Holder {
        static final OpenBlas INSTANCE = new OpenBlas();
    }

    private final String loadFailure = Blas.load(openblas.class);
    private int pinned = -1;

    private OpenBlas() {
        created = true;
    }

    /** The library, loaded on first call. */
    static OpenBlas get() {
        return Holder.INSTANCE;
    }

    /** Whether OpenBLAS was loaded through this class in this JVM. */
    static boolean loaded() {
        return created;
    }

    @Override
    public String name() {
        return "openblas";
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(loadFailure);
    }

    @Override
    public String version() {
        // the preset is built with DYNAMIC_ARCH: its compile-time core name says nothing about this CPU
        return loadFailure != null ? "unavailable" : openblas.OPENBLAS_VERSION.trim() + " (javacpp preset "
                + openblas.class.getPackage().getImplementationVersion() + ")";
    }

    @Override
    public synchronized void pinThreads(int threads) {
        if (pinned != threads) {
            openblas.blas_set_num_threads(threads);
            pinned = threads;
        }
    }

    @Override
    public void sgemm(int m, int n, int k, FloatPointer a, int lda, FloatPointer b, int ldb, float beta,
            FloatPointer c, int ldc) {
        openblas.cblas_sgemm(openblas.CblasRowMajor, openblas.CblasNoTrans, openblas.CblasNoTrans, m, n, k, 1f, a,
                lda, b, ldb, beta, c, ldc);
    }
}
