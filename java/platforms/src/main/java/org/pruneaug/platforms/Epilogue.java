package org.pruneaug.platforms;

import org.bytedeco.javacpp.FloatPointer;
import org.pruneaug.nativ.PaNative;

/**
 * Bias and ReLU for libraries whose GEMM cannot fuse them (BLAS, MKL sparse): Y is prefilled with
 * the bias so that the GEMM accumulates onto it (beta = 1), and ReLU is a pass after it. Our own
 * kernels fuse both into their epilogue; this extra pass is part of what the baselines really cost.
 */
final class Epilogue {
    private Epilogue() {
    }

    /** Y[i][j] = bias[i] for the m x n window of Y (bulk row copies: memcpy speed). */
    static void fillBias(FloatPointer y, int ldy, int m, int n, float[] bias) {
        float[] row = new float[n];
        long start = y.position();
        FloatPointer p = new FloatPointer(y);
        for (int i = 0; i < m; i++) {
            java.util.Arrays.fill(row, bias[i]);
            p.position(start + (long) i * ldy).put(row, 0, n);
        }
    }

    /** ReLU over the m x n window of Y, in native code on the given threads (sizes were checked by the caller). */
    static void relu(FloatPointer y, int ldy, int m, int n, int threads) {
        int status = PaNative.pa_f32_bias_act(m, n, y, ldy, null, PaNative.PA_ACT_RELU, threads);
        if (status != PaNative.PA_OK) {
            throw new IllegalStateException("pa_f32_bias_act: " + PaNative.pa_last_error().getString());
        }
    }
}
