package org.pruneaug.dl4j;

import org.pruneaug.core.InvalidInputException;

/**
 * How much training a run gets: {@code epochs} passes over a {@code dataFraction} of the training
 * set in minibatches of {@code batchSize}, stopping early after {@code maxBatches} updates when that
 * is positive (0 = no cap). {@code learningRate} replaces the model's Adam rate when positive;
 * {@code cosine} decays it to 0 along a half cosine over the run's updates. {@code distill} in
 * [0, 1) is the weight of the dense network's own output probabilities in the targets of a
 * fine-tuning run (knowledge distillation from the unpruned model; 0 = plain labels).
 */
public record TrainingBudget(int epochs, int maxBatches, double dataFraction, int batchSize, double learningRate,
                             boolean cosine, double distill) {
    public static final int DEFAULT_BATCH = 64;

    /** A constant learning rate and plain labels. */
    public TrainingBudget(int epochs, int maxBatches, double dataFraction, int batchSize, double learningRate) {
        this(epochs, maxBatches, dataFraction, batchSize, learningRate, false, 0);
    }

    public TrainingBudget {
        if (!(distill >= 0 && distill < 1)) {
            throw new InvalidInputException("distillation weight " + distill + " must be in [0, 1)");
        }
        if (epochs < 0) {
            throw new InvalidInputException("epochs " + epochs + " must be >= 0");
        }
        if (maxBatches < 0) {
            throw new InvalidInputException("max batches " + maxBatches + " must be >= 0 (0 = no cap)");
        }
        if (!(dataFraction > 0 && dataFraction <= 1)) {
            throw new InvalidInputException("data fraction " + dataFraction + " must be in (0, 1]");
        }
        if (batchSize < 1) {
            throw new InvalidInputException("batch size " + batchSize + " must be >= 1");
        }
        if (learningRate < 0 || Double.isNaN(learningRate)) {
            throw new InvalidInputException("learning rate " + learningRate + " must be >= 0 (0 = the model's own)");
        }
    }

    public static TrainingBudget epochs(int epochs) {
        return new TrainingBudget(epochs, 0, 1.0, DEFAULT_BATCH, 0);
    }

    public TrainingBudget withMaxBatches(int max) {
        return new TrainingBudget(epochs, max, dataFraction, batchSize, learningRate, cosine, distill);
    }

    public TrainingBudget withDataFraction(double fraction) {
        return new TrainingBudget(epochs, maxBatches, fraction, batchSize, learningRate, cosine, distill);
    }

    public TrainingBudget withBatchSize(int batch) {
        return new TrainingBudget(epochs, maxBatches, dataFraction, batch, learningRate, cosine, distill);
    }

    public TrainingBudget withLearningRate(double rate) {
        return new TrainingBudget(epochs, maxBatches, dataFraction, batchSize, rate, cosine, distill);
    }

    public TrainingBudget withCosine(boolean decay) {
        return new TrainingBudget(epochs, maxBatches, dataFraction, batchSize, learningRate, decay, distill);
    }

    public TrainingBudget withDistill(double weight) {
        return new TrainingBudget(epochs, maxBatches, dataFraction, batchSize, learningRate, cosine, weight);
    }

    /** Learning rate for update {@code step} (0-based) of {@code total}, starting from {@code base}. */
    public double rateAt(double base, int step, int total) {
        return cosine && total > 0 ? base * 0.5 * (1 + Math.cos(Math.PI * step / total)) : base;
    }

    /** Images seen per epoch out of a training set of n. */
    public int imagesPerEpoch(int n) {
        return Math.max(1, (int) Math.round(dataFraction * n));
    }

    public int batchesPerEpoch(int n) {
        return (imagesPerEpoch(n) + batchSize - 1) / batchSize;
    }

    /** Updates the whole budget makes on a training set of n images. */
    public int totalBatches(int n) {
        long all = (long) epochs * batchesPerEpoch(n);
        return (int) (maxBatches > 0 ? Math.min(all, maxBatches) : all);
    }
}
