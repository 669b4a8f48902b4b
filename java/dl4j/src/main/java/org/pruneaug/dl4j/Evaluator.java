package org.pruneaug.dl4j;

import java.util.function.IntFunction;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/** Accuracy and mean cross-entropy of a network on labelled images (inference mode). */
public final class Evaluator {
    public static final int DEFAULT_BATCH = 500;

    /** Fraction of images classified correctly and mean -log p(true class), over {@code count} images. */
    public record Accuracy(double accuracy, double loss, int count) {
    }

    private Evaluator() {
    }

    public static Accuracy evaluate(MultiLayerNetwork net, LabeledImages data) {
        return evaluate(net, data, DEFAULT_BATCH);
    }

    public static Accuracy evaluate(MultiLayerNetwork net, LabeledImages data, int batchSize) {
        return score(probabilities(net, data, batchSize), data);
    }

    /** Accuracy and mean cross-entropy of class probabilities {@code p} (n x classes row-major) for {@code data}'s labels. */
    public static Accuracy score(float[] p, LabeledImages data) {
        int correct = 0;
        double lossSum = 0;
        int n = data.size();
        int classes = n == 0 ? 0 : p.length / n;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (p[i * classes + c] > p[i * classes + best]) {
                    best = c;
                }
            }
            int truth = data.label(i);
            correct += best == truth ? 1 : 0;
            lossSum -= Math.log(Math.max(p[i * classes + truth], 1e-12));
        }
        return new Accuracy(n == 0 ? 0 : correct / (double) n, n == 0 ? 0 : lossSum / n, n);
    }

    /** The network's output probabilities for every image, n x classes row-major (a teacher's soft labels). */
    public static float[] probabilities(MultiLayerNetwork net, LabeledImages data) {
        return probabilities(net, data, DEFAULT_BATCH);
    }

    private static float[] probabilities(MultiLayerNetwork net, LabeledImages data, int batchSize) {
        return gather(data.size(), batchSize, from -> net.output(data.batch(null, from,
                Math.min(data.size(), from + batchSize)).getFeatures(), false));
    }

    /**
     * The n x classes row-major probabilities of {@code n} images from a network's outputs batch by
     * batch: {@code outputFrom} gives the output for the images from index {@code from} on (at most
     * {@code batchSize} of them). Each output is freed once copied.
     */
    public static float[] gather(int n, int batchSize, IntFunction<INDArray> outputFrom) {
        float[] out = new float[0];
        for (int from = 0; from < n; from += batchSize) {
            INDArray probs = outputFrom.apply(from);
            int classes = (int) probs.size(1);
            if (from == 0) {
                out = new float[n * classes];
            }
            float[] p = probs.dup('c').data().asFloat();
            System.arraycopy(p, 0, out, from * classes, p.length);
            if (probs.closeable()) {
                probs.close();
            }
        }
        return out;
    }
}
