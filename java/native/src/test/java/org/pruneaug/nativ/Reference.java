package org.pruneaug.nativ;

/** Double-precision Java reference of Y = act(W X + bias), the oracle of the binding tests. */
final class Reference {
    private Reference() {
    }

    /** W dense m x k, X k x n (leading dimension ldx), result m x n. */
    static double[] gemm(float[] w, int m, int k, float[] x, int ldx, int n, float[] bias, boolean relu) {
        double[] y = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias == null ? 0 : bias[i];
                for (int p = 0; p < k; p++) {
                    s += (double) w[i * k + p] * x[p * ldx + j];
                }
                y[i * n + j] = relu ? Math.max(0, s) : s;
            }
        }
        return y;
    }

    /** Sum of |products| per output: the scale a float32 result's rounding error is relative to. */
    static double[] magnitude(float[] w, int m, int k, float[] x, int ldx, int n, float[] bias) {
        double[] y = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = bias == null ? 0 : Math.abs(bias[i]);
                for (int p = 0; p < k; p++) {
                    s += Math.abs((double) w[i * k + p] * x[p * ldx + j]);
                }
                y[i * n + j] = s;
            }
        }
        return y;
    }

    /** Fails with position, shape and seed when |got - want| > 1e-5 * magnitude + 1e-6 (f32). */
    static void assertClose(String what, double[] want, double[] scale, float[] got, int n, int ldy) {
        for (int i = 0; i < want.length / n; i++) {
            for (int j = 0; j < n; j++) {
                double w = want[i * n + j];
                float g = got[i * ldy + j];
                double tol = 1e-5 * scale[i * n + j] + 1e-6;
                if (!(Math.abs(g - w) <= tol)) {
                    throw new AssertionError(what + ": Y[" + i + "][" + j + "] = " + g + ", expected " + w
                            + " (tolerance " + tol + ")");
                }
            }
        }
    }

    static float[] randomFloats(java.util.Random r, int count) {
        float[] a = new float[count];
        for (int i = 0; i < count; i++) {
            a[i] = r.nextFloat() * 2f - 1f;
        }
        return a;
    }
}
