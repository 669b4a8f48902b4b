package org.pruneaug.platforms;

import java.util.Optional;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.mkl.global.mkl_rt;

/** Intel MKL through the JavaCPP preset: dense cblas_sgemm here, sparse BLAS in {@link MklSparsePlatform}. */
final class Mkl implements Blas {
    private static volatile boolean created;

    private static final class Holder {
        static final Mkl INSTANCE = new Mkl();
    }

    private final String loadFailure = Blas.load(mkl_rt.class);
    private int pinned = -1;

    /** The library, loaded on first call (the MKL preset is large: only load it when used). */
    static Mkl get() {
        return Holder.INSTANCE;
    }

    /** Whether MKL was loaded in this JVM (and so has a pool that may need pinning). */
    static boolean loaded() {
        return created;
    }

    private Mkl() {
        created = true;
        if (loadFailure == null) {
            // exactly the requested threads, never fewer chosen behind our back
            mkl_rt.MKL_Set_Dynamic(0);
        }
    }

    @Override
    public String name() {
        return "mkl";
    }

    @Override
    public Optional<String> unavailableReason() {
        return Optional.ofNullable(loadFailure);
    }

    @Override
    public String version() {
        if (loadFailure != null) {
            return "unavailable";
        }
        // MKL fills exactly len bytes without a guaranteed terminator: zero one more
        try (BytePointer buf = new BytePointer(257).zero()) {
            mkl_rt.MKL_Get_Version_String(buf, 256);
            return buf.getString().trim().replaceAll("\\s+", " ");
        }
    }

    @Override
    public synchronized void pinThreads(int threads) {
        if (pinned != threads) {
            mkl_rt.MKL_Set_Num_Threads(threads);
            pinned = threads;
        }
    }

    @Override
    public void sgemm(int m, int n, int k, FloatPointer a, int lda, FloatPointer b, int ldb, float beta,
            FloatPointer c, int ldc) {
        mkl_rt.cblas_sgemm(mkl_rt.CblasRowMajor, mkl_rt.CblasNoTrans, mkl_rt.CblasNoTrans, m, n, k, 1f, a, lda, b, ldb,
                beta, c, ldc);
    }
}
