package org.pruneaug.platforms;

import java.nio.FloatBuffer;
import org.bytedeco.javacpp.FloatPointer;

/**
 * Bias and ReLU for libraries whose GEMM cannot fuse them (BLAS, MKL sparse): Y is prefilled with
 * the bias so that the GEMM accumulates onto it (beta = 1), and ReLU is a pass after it. Our own
 * kernels fuse both into their epilogue; this extra pass is part of what the baselines really cost.
 */
final class Epilogue {
    private Epilogue() {
    }

    /** Y[i][j] = bias[i] for the m x n window of Y. */
    static void fillBias(FloatPointer y, int ldy, int m, int n, float[] bias) {
        FloatBuffer b = view(y, ldy, m, n);
        for (int i = 0; i < m; i++) {
            int row = i * ldy;
            float v = bias[i];
            for (int j = 0; j < n; j++) {
                b.put(row + j, v);
            }
        }
    }

    static void relu(FloatPointer y, int ldy, int m, int n) {
        FloatBuffer b = view(y, ldy, m, n);
        for (int i = 0; i < m; i++) {
            int row = i * ldy;
            for (int j = 0; j < n; j++) {
                if (b.get(row + j) < 0f) {
                    b.put(row + j, 0f);
                }
            }
        }
    }

    /** A direct buffer over exactly the window (sizes were checked by the caller). */
    private static FloatBuffer view(FloatPointer y, int ldy, int m, int n) {
        long count = (long) (m - 1) * ldy + n;
        return new FloatPointer(y).limit(y.position() + count).asBuffer();
    }
}
