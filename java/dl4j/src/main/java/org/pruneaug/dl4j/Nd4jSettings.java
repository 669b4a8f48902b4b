package org.pruneaug.dl4j;

import org.nd4j.linalg.factory.Nd4j;

/**
 * The DL4J/nd4j side of a result's provenance: the library version and the thread counts in force,
 * which change training and inference speed several-fold on a small machine.
 */
public record Nd4jSettings(String dl4jVersion, int nd4jThreads, String ompNumThreads, String blasVendor) {
    public static final String DL4J_VERSION = "1.0.0-M2.1";

    public static Nd4jSettings here() {
        return new Nd4jSettings(DL4J_VERSION, Nd4j.getEnvironment().maxThreads(),
                String.valueOf(System.getenv("OMP_NUM_THREADS")), String.valueOf(Nd4j.factory().blas().getBlasVendor()));
    }
}
