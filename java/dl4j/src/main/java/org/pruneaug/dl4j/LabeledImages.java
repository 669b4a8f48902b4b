package org.pruneaug.dl4j;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Images (784 floats each, [0, 1]) with their class labels, held in plain arrays; immutable. */
public final class LabeledImages {
    public static final int PIXELS = FashionMnist.ROWS * FashionMnist.COLS;
    public static final int CLASSES = 10;

    private final float[] pixels;
    private final int[] labels;

    public LabeledImages(float[] pixels, int[] labels) {
        if (pixels.length != (long) labels.length * PIXELS) {
            throw new IllegalArgumentException(pixels.length + " pixels for " + labels.length + " labels");
        }
        this.pixels = pixels;
        this.labels = labels;
    }

    public int size() {
        return labels.length;
    }

    public int label(int i) {
        return labels[i];
    }

    /** Images from (inclusive) to (exclusive). */
    public LabeledImages range(int from, int to) {
        return new LabeledImages(Arrays.copyOfRange(pixels, from * PIXELS, to * PIXELS),
                Arrays.copyOfRange(labels, from, to));
    }

    /** The first n images (all of them when n >= size). */
    public LabeledImages head(int n) {
        return n >= size() ? this : range(0, n);
    }

    /** A seeded permutation of the images. */
    public LabeledImages shuffled(long seed) {
        return select(permutation(size(), seed));
    }

    public LabeledImages select(int[] indices) {
        float[] px = new float[indices.length * PIXELS];
        int[] lab = new int[indices.length];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * PIXELS, px, i * PIXELS, PIXELS);
            lab[i] = labels[indices[i]];
        }
        return new LabeledImages(px, lab);
    }

    /** Features [n, 784] and one-hot labels [n, 10] of the images at order[from..to). */
    public DataSet batch(int[] order, int from, int to) {
        int n = to - from;
        float[] px = new float[n * PIXELS];
        float[] oneHot = new float[n * CLASSES];
        for (int i = 0; i < n; i++) {
            int src = order == null ? from + i : order[from + i];
            System.arraycopy(pixels, src * PIXELS, px, i * PIXELS, PIXELS);
            oneHot[i * CLASSES + labels[src]] = 1f;
        }
        INDArray features = Nd4j.create(px, new long[] {n, PIXELS}, 'c');
        INDArray targets = Nd4j.create(oneHot, new long[] {n, CLASSES}, 'c');
        return new DataSet(features, targets);
    }

    /** Fisher-Yates with java.util.Random: the same permutation on every JVM for a seed. */
    public static int[] permutation(int n, long seed) {
        int[] p = new int[n];
        for (int i = 0; i < n; i++) {
            p[i] = i;
        }
        Random rnd = new Random(seed);
        for (int i = n - 1; i > 0; i--) {
            int j = rnd.nextInt(i + 1);
            int t = p[i];
            p[i] = p[j];
            p[j] = t;
        }
        return p;
    }
}
