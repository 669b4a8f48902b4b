package org.pruneaug.platforms;

import java.util.Arrays;

/**
 * Latency as a function of density from a few measured points: first made non-decreasing (isotonic
 * regression, pool-adjacent-violators: a denser weight never runs faster, so a dip is noise), then
 * interpolated with the monotone piecewise-cubic Hermite scheme of Fritsch and Carlson (PCHIP), which
 * passes through every point and never overshoots or reverses between them.
 */
public final class MonotoneCurve {
    private final double[] x;
    private final double[] y;
    private final double[] slope;

    /** x strictly increasing, same length as y, at least one point. */
    MonotoneCurve(double[] x, double[] y) {
        if (x.length == 0 || x.length != y.length) {
            throw new IllegalArgumentException("need as many y as x values, at least one");
        }
        for (int i = 1; i < x.length; i++) {
            if (!(x[i] > x[i - 1])) {
                throw new IllegalArgumentException("x must be strictly increasing: " + Arrays.toString(x));
            }
        }
        this.x = x.clone();
        this.y = isotonic(y);
        this.slope = slopes(this.x, this.y);
    }

    double min() {
        return x[0];
    }

    double max() {
        return x[x.length - 1];
    }

    /** Value at t, which must lie in [min, max] (tiny rounding slack allowed). */
    double at(double t) {
        if (x.length == 1 || t <= x[0]) {
            return y[0];
        }
        if (t >= x[x.length - 1]) {
            return y[y.length - 1];
        }
        int i = Arrays.binarySearch(x, t);
        if (i >= 0) {
            return y[i];
        }
        int lo = -i - 2;
        double h = x[lo + 1] - x[lo];
        double s = (t - x[lo]) / h;
        double h00 = (1 + 2 * s) * (1 - s) * (1 - s);
        double h10 = s * (1 - s) * (1 - s);
        double h01 = s * s * (3 - 2 * s);
        double h11 = s * s * (s - 1);
        return h00 * y[lo] + h10 * h * slope[lo] + h01 * y[lo + 1] + h11 * h * slope[lo + 1];
    }

    /** The closest non-decreasing sequence to y in least squares (pool-adjacent-violators); y is not changed. */
    public static double[] isotonic(double[] y) {
        int n = y.length;
        double[] mean = new double[n];
        int[] size = new int[n];
        int blocks = 0;
        for (double v : y) {
            mean[blocks] = v;
            size[blocks] = 1;
            blocks++;
            while (blocks > 1 && mean[blocks - 2] > mean[blocks - 1]) {
                int merged = size[blocks - 2] + size[blocks - 1];
                mean[blocks - 2] = (mean[blocks - 2] * size[blocks - 2] + mean[blocks - 1] * size[blocks - 1]) / merged;
                size[blocks - 2] = merged;
                blocks--;
            }
        }
        double[] out = new double[n];
        int i = 0;
        for (int b = 0; b < blocks; b++) {
            for (int j = 0; j < size[b]; j++) {
                out[i++] = mean[b];
            }
        }
        return out;
    }

    /** Fritsch-Carlson tangents: weighted harmonic mean of neighbouring secants, 0 at a flat or extremum. */
    private static double[] slopes(double[] x, double[] y) {
        int n = x.length;
        double[] m = new double[n];
        if (n < 2) {
            return m;
        }
        double[] h = new double[n - 1];
        double[] d = new double[n - 1];
        for (int i = 0; i < n - 1; i++) {
            h[i] = x[i + 1] - x[i];
            d[i] = (y[i + 1] - y[i]) / h[i];
        }
        m[0] = d[0];
        m[n - 1] = d[n - 2];
        for (int i = 1; i < n - 1; i++) {
            if (d[i - 1] * d[i] <= 0) {
                m[i] = 0;
            } else {
                double w1 = 2 * h[i] + h[i - 1];
                double w2 = h[i] + 2 * h[i - 1];
                m[i] = (w1 + w2) / (w1 / d[i - 1] + w2 / d[i]);
            }
        }
        return m;
    }
}
