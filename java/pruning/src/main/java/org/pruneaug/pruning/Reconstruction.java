package org.pruneaug.pruning;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.convolution.Convolution;
import org.pruneaug.dl4j.LabeledImages;
import org.pruneaug.dl4j.PrunableLayer;

/**
 * Least-squares reconstruction of a pruned layer's kept weights, after its mask is chosen and before
 * fine-tuning. Magnitude pruning drops weights and leaves the kept ones as they were; here every
 * output row's kept weights w_S are refitted so that the row, on the layer's inputs X of a calibration
 * subset of the training images, computes what the dense row computed:
 * minimise ||w_S X_S - w X||^2 + lambda ||w_S||^2, i.e. (H_SS + lambda I) w_S = H_S: w, with H = X X^T
 * the Gram matrix of the dense network's inputs to the layer (K x K, K = the GEMM's columns; computed
 * once per layer, permuted to a plan's channel order) and lambda a small fraction of H's mean diagonal
 * (numerical damping). Rows that keep the same columns (the rows of one r x c block row) share one
 * Cholesky factorisation. It is the closed-form core of layer-wise post-training pruning (OBS /
 * SparseGPT-style reconstruction, without their greedy selection: the block selection stays the
 * pruner's). Applied to every plan the same way, unstructured or block.
 */
public final class Reconstruction {
    /** Calibration images by default: the Gram matrices of VGG's layers in a few seconds. */
    public static final int DEFAULT_IMAGES = 1024;
    /** lambda as a fraction of the mean diagonal of H. */
    static final double DAMPING = 0.01;
    private static final int BATCH = 128;

    private final MultiLayerNetwork dense;
    private final LabeledImages calibration;
    private final Map<String, double[]> grams = new ConcurrentHashMap<>();

    /** {@code dense} in its own (stored) channel order; {@code calibration}: training images. */
    public Reconstruction(MultiLayerNetwork dense, LabeledImages calibration) {
        if (calibration.size() == 0) {
            throw new IllegalArgumentException("reconstruction needs calibration images");
        }
        this.dense = dense;
        this.calibration = calibration;
    }

    /** {@code n} training images drawn with {@code seed} (all of them when there are fewer). */
    public static LabeledImages calibration(LabeledImages train, int n, long seed) {
        int[] order = LabeledImages.permutation(train.size(), seed * 31 + 17);
        return train.select(Arrays.copyOf(order, Math.min(n, train.size())));
    }

    public int images() {
        return calibration.size();
    }

    /** Whether the layer's inputs can be laid out as its GEMM's columns (dense layers, undilated convolutions). */
    static boolean supports(MultiLayerNetwork net, PrunableLayer l) {
        if (l.kind() == PrunableLayer.Kind.DENSE) {
            return true;
        }
        ConvolutionLayer c = (ConvolutionLayer) net.getLayer(l.index()).conf().getLayer();
        return c.getDilation()[0] == 1 && c.getDilation()[1] == 1;
    }

    /**
     * The reconstructed weights (row-major rows x cols) of layer {@code l} under {@code mask}, from the
     * dense weights {@code denseWeights} in the same row and column order; {@code producerOrder} is the
     * order the plan stores the layer's input channels in (null: their own order). Pruned weights are 0.
     */
    public float[] solve(PrunableLayer l, LayerMask mask, float[] denseWeights, int[] producerOrder) {
        int k = l.cols();
        double[] h = gram(l);
        if (producerOrder != null) {
            h = permute(h, k, producerOrder, k / producerOrder.length);
        }
        double lambda = damping(h, k);
        // rows keeping the same columns share a factorisation
        Map<String, List<Integer>> groups = new LinkedHashMap<>();
        for (int r = 0; r < l.rows(); r++) {
            boolean[] kept = new boolean[k];
            for (int j = 0; j < k; j++) {
                kept[j] = mask.kept(r, j);
            }
            groups.computeIfAbsent(Arrays.toString(kept), x -> new ArrayList<>()).add(r);
        }
        float[] out = new float[denseWeights.length];
        double[] hh = h;
        List<List<Integer>> all = new ArrayList<>(groups.values());
        IntStream.range(0, all.size()).parallel().forEach(gi -> solveGroup(all.get(gi), mask, hh, k, lambda,
                denseWeights, out));
        return out;
    }

    /** lambda of the damped Gram matrix H + lambda I: {@link #DAMPING} of H's mean diagonal (K x K). */
    static double damping(double[] h, int k) {
        double mean = 0;
        for (int i = 0; i < k; i++) {
            mean += h[i * k + i];
        }
        return Math.max(DAMPING * mean / k, 1e-12);
    }

    private static void solveGroup(List<Integer> rows, LayerMask mask, double[] h, int k, double lambda, float[] w,
            float[] out) {
        int r0 = rows.get(0);
        int[] s = IntStream.range(0, k).filter(j -> mask.kept(r0, j)).toArray();
        int m = s.length;
        if (m == 0) {
            return;
        }
        double[] a = new double[m * m];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < m; j++) {
                a[i * m + j] = h[s[i] * k + s[j]];
            }
            a[i * m + i] += lambda;
        }
        cholesky(a, m);
        double[] b = new double[m];
        for (int r : rows) {
            for (int i = 0; i < m; i++) {
                double acc = 0;
                int hi = s[i] * k;
                int wi = r * k;
                for (int j = 0; j < k; j++) {
                    acc += h[hi + j] * w[wi + j];
                }
                b[i] = acc;
            }
            choleskySolve(a, m, b);
            for (int i = 0; i < m; i++) {
                out[r * k + s[i]] = (float) b[i];
            }
        }
    }

    /** In place: the lower factor L of a (row-major m x m, symmetric positive definite), a = L L^T. */
    static void cholesky(double[] a, int m) {
        for (int j = 0; j < m; j++) {
            int rj = j * m;
            double d = a[rj + j];
            for (int q = 0; q < j; q++) {
                d -= a[rj + q] * a[rj + q];
            }
            d = Math.sqrt(Math.max(d, 1e-300));
            a[rj + j] = d;
            for (int i = j + 1; i < m; i++) {
                int ri = i * m;
                double v = a[ri + j];
                for (int q = 0; q < j; q++) {
                    v -= a[ri + q] * a[rj + q];
                }
                a[ri + j] = v / d;
            }
        }
    }

    /** Solves L L^T x = b in place, L from {@link #cholesky}. */
    static void choleskySolve(double[] l, int m, double[] b) {
        for (int i = 0; i < m; i++) {
            double v = b[i];
            int ri = i * m;
            for (int q = 0; q < i; q++) {
                v -= l[ri + q] * b[q];
            }
            b[i] = v / l[ri + i];
        }
        for (int i = m - 1; i >= 0; i--) {
            double v = b[i];
            for (int q = i + 1; q < m; q++) {
                v -= l[q * m + i] * b[q];
            }
            b[i] = v / l[i * m + i];
        }
    }

    /** H with rows and columns in the order of column groups {@code order} (new group g = old order[g]). */
    static double[] permute(double[] h, int k, int[] order, int group) {
        int[] from = new int[k];
        for (int g = 0; g < order.length; g++) {
            for (int t = 0; t < group; t++) {
                from[g * group + t] = order[g] * group + t;
            }
        }
        double[] out = new double[h.length];
        for (int i = 0; i < k; i++) {
            int fi = from[i] * k;
            for (int j = 0; j < k; j++) {
                out[i * k + j] = h[fi + from[j]];
            }
        }
        return out;
    }

    /** X X^T of the dense network's inputs to {@code l} on the calibration images, row-major K x K. */
    double[] gram(PrunableLayer l) {
        double[] g = grams.get(l.name());
        if (g == null) {
            prepare(List.of(l));
            g = grams.get(l.name());
        }
        return g;
    }

    /**
     * Computes the Gram matrices of {@code layers} not known yet, all in one forward pass over the
     * calibration images: per batch of {@link #BATCH} images each layer's X^T X in float (nd4j's
     * sgemm), the batches summed in double. One pass instead of one per layer, and float products
     * instead of double ones: VGG's three matrices took ~15 s as one double pass per layer.
     */
    synchronized void prepare(List<PrunableLayer> layers) {
        List<PrunableLayer> todo = layers.stream().filter(l -> !grams.containsKey(l.name())).distinct().toList();
        if (todo.isEmpty()) {
            return;
        }
        Map<String, double[]> sums = new LinkedHashMap<>();
        for (int from = 0; from < calibration.size(); from += BATCH) {
            int to = Math.min(calibration.size(), from + BATCH);
            synchronized (dense) {
                List<INDArray> acts = dense.feedForward(calibration.batch(null, from, to).getFeatures(), false);
                for (PrunableLayer l : todo) {
                    INDArray x = inputs(dense, l, acts.get(l.index())).castTo(DataType.FLOAT);
                    float[] part = x.transpose().mmul(x).dup('c').data().asFloat();
                    double[] sum = sums.computeIfAbsent(l.name(), n -> new double[part.length]);
                    for (int i = 0; i < part.length; i++) {
                        sum[i] += part[i];
                    }
                }
            }
        }
        grams.putAll(sums);
    }

    /**
     * The layer's inputs for activations {@code act} of the layer before it (its input preprocessor
     * applied), one row per output
     * position (image x pixel) and one column per GEMM column: a dense layer's flattened inputs
     * (DL4J flattens [n, c, h, w] in that order, the order of its weights' rows), a convolution's
     * patches in its weights' (input channel, kh, kw) order.
     */
    static INDArray inputs(MultiLayerNetwork net, PrunableLayer l, INDArray act) {
        InputPreProcessor pre = net.getLayerWiseConfigurations().getInputPreProcess(l.index());
        if (pre != null) {
            // e.g. the first convolution's images arrive as rows of pixels
            act = pre.preProcess(act, (int) act.size(0), LayerWorkspaceMgr.noWorkspaces());
        }
        if (l.kind() == PrunableLayer.Kind.DENSE) {
            return act.reshape('c', act.size(0), act.length() / act.size(0));
        }
        ConvolutionLayer c = (ConvolutionLayer) net.getLayer(l.index()).conf().getLayer();
        int[] k = c.getKernelSize();
        int[] s = c.getStride();
        int[] p = c.getPadding();
        boolean same = c.getConvolutionMode() == ConvolutionMode.Same;
        if (same && s[0] == 1 && s[1] == 1 && k[0] % 2 == 1 && k[1] % 2 == 1) {
            // stride-1 "same" with an odd kernel: symmetric padding, spelled out
            p = new int[] {(k[0] - 1) / 2, (k[1] - 1) / 2};
            same = false;
        }
        INDArray cols = Convolution.im2col(act, k[0], k[1], s[0], s[1], p[0], p[1], same); // [n, c, kh, kw, oh, ow]
        long n = cols.size(0);
        long ch = cols.size(1);
        long oh = cols.size(4);
        long ow = cols.size(5);
        return cols.permute(0, 4, 5, 1, 2, 3).dup('c').reshape('c', n * oh * ow, ch * k[0] * k[1]);
    }
}
