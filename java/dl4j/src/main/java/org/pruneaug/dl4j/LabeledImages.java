package org.pruneaug.dl4j;

import java.util.Arrays;
import java.util.Random;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Images (784 floats each, [0, 1]) with their class labels, held in plain arrays; immutable.
 * Optionally each image also carries a teacher's class probabilities: training targets are then
 * {@code (1 - w) * one-hot + w * teacher} (knowledge distillation with soft labels).
 */
public final class LabeledImages {
    public static final int PIXELS = FashionMnist.ROWS * FashionMnist.COLS;
    public static final int CLASSES = 10;

    private final float[] pixels;
    private final int[] labels;
    private final float[] teacher;
    private final float teacherWeight;

    public LabeledImages(float[] pixels, int[] labels) {
        this(pixels, labels, null, 0f);
    }

    private LabeledImages(float[] pixels, int[] labels, float[] teacher, float teacherWeight) {
        if (pixels.length != (long) labels.length * PIXELS) {
            throw new IllegalArgumentException(pixels.length + " pixels for " + labels.length + " labels");
        }
        if (teacher != null && teacher.length != (long) labels.length * CLASSES) {
            throw new IllegalArgumentException(teacher.length + " teacher outputs for " + labels.length + " images");
        }
        this.pixels = pixels;
        this.labels = labels;
        this.teacher = teacher;
        this.teacherWeight = teacherWeight;
    }

    /**
     * The same images whose training targets mix the one-hot label with {@code probabilities} (n x
     * 10, row-major: a teacher network's softmax outputs) at {@code weight} in [0, 1].
     */
    public LabeledImages withTeacher(float[] probabilities, double weight) {
        if (!(weight >= 0 && weight <= 1)) {
            throw new IllegalArgumentException("teacher weight " + weight + " outside [0, 1]");
        }
        return new LabeledImages(pixels, labels, probabilities.clone(), (float) weight);
    }

    /** The images without teacher targets. */
    public LabeledImages withoutTeacher() {
        return teacher == null ? this : new LabeledImages(pixels, labels);
    }

    /** Weight of the teacher's probabilities in the training targets (0: plain labels). */
    public double teacherWeight() {
        return teacher == null ? 0 : teacherWeight;
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
                Arrays.copyOfRange(labels, from, to),
                teacher == null ? null : Arrays.copyOfRange(teacher, from * CLASSES, to * CLASSES), teacherWeight);
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
        float[] soft = teacher == null ? null : new float[indices.length * CLASSES];
        for (int i = 0; i < indices.length; i++) {
            System.arraycopy(pixels, indices[i] * PIXELS, px, i * PIXELS, PIXELS);
            lab[i] = labels[indices[i]];
            if (soft != null) {
                System.arraycopy(teacher, indices[i] * CLASSES, soft, i * CLASSES, CLASSES);
            }
        }
        return new LabeledImages(px, lab, soft, teacherWeight);
    }

    /**
     * Features [n, 784] and targets [n, 10] of the images at order[from..to): one-hot labels, mixed
     * with the teacher's probabilities when there is a teacher.
     */
    public DataSet batch(int[] order, int from, int to) {
        int n = to - from;
        float[] px = new float[n * PIXELS];
        float[] oneHot = new float[n * CLASSES];
        for (int i = 0; i < n; i++) {
            int src = order == null ? from + i : order[from + i];
            System.arraycopy(pixels, src * PIXELS, px, i * PIXELS, PIXELS);
            if (teacher != null) {
                for (int c = 0; c < CLASSES; c++) {
                    oneHot[i * CLASSES + c] = teacherWeight * teacher[src * CLASSES + c];
                }
            }
            oneHot[i * CLASSES + labels[src]] += teacher == null ? 1f : 1f - teacherWeight;
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
