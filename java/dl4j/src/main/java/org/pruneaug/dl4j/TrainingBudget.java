package org.pruneaug.dl4j;

import org.pruneaug.core.InvalidInputException;

/**
 * How much training a run gets: {@code epochs} passes over a {@code dataFraction} of the training
 * set in minibatches of {@code batchSize}, stopping early after {@code maxBatches} updates when that
 * is positive (0 = no cap). {@code learningRate} replaces the model's Adam rate when positive.
 */
public record TrainingBudget(int epochs, int maxBatches, double dataFraction, int batchSize, double learningRate) {
    public static final int DEFAULT_BATCH = 64;

    public TrainingBudget {
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
        return new TrainingBudget(epochs, max, dataFraction, batchSize, learningRate);
    }

    public TrainingBudget withDataFraction(double fraction) {
        return new TrainingBudget(epochs, maxBatches, fraction, batchSize, learningRate);
    }

    public TrainingBudget withBatchSize(int batch) {
        return new TrainingBudget(epochs, maxBatches, dataFraction, batch, learningRate);
    }

    public TrainingBudget withLearningRate(double rate) {
        return new TrainingBudget(epochs, maxBatches, dataFraction, batchSize, rate);
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
