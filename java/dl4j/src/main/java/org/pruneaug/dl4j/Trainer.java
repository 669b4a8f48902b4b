package org.pruneaug.dl4j;

import java.util.Locale;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.pruneaug.core.Progress;

/**
 * Minibatch training with our own loop (not DL4J's iterators) so that a hook runs after every single
 * update (mask enforcement, gradual pruning) and the order of examples depends only on the seed.
 */
public final class Trainer {
    /** Called after each parameter update; {@code step} counts from 1 to {@code total}. */
    @FunctionalInterface
    public interface UpdateHook {
        void afterUpdate(MultiLayerNetwork net, int step, int total);

        UpdateHook NONE = (net, step, total) -> { };
    }

    /** What a training run did. */
    public record Log(int updates, int epochs, int images, double lastLoss, double seconds) {
    }

    private Trainer() {
    }

    /**
     * Trains {@code net} in place within {@code budget}. Epoch e visits the training images in the
     * permutation seeded by (seed, e), truncated to the budget's data fraction.
     */
    public static Log fit(MultiLayerNetwork net, LabeledImages train, TrainingBudget budget, long seed,
                          UpdateHook hook, String label) {
        int total = budget.totalBatches(train.size());
        int perEpoch = budget.batchesPerEpoch(train.size());
        int images = budget.imagesPerEpoch(train.size());
        if (budget.learningRate() > 0) {
            net.setLearningRate(budget.learningRate());
        }
        double baseRate = budget.cosine() ? baseRate(net) : Double.NaN;
        Nd4j.getRandom().setSeed(seed);
        long start = System.nanoTime();
        int step = 0;
        int seen = 0;
        int epoch = 0;
        double loss = Double.NaN;
        try (Progress progress = new Progress(label, total)) {
            for (; epoch < budget.epochs() && step < total; epoch++) {
                int[] order = LabeledImages.permutation(train.size(), seed * 1_000_003L + epoch);
                for (int b = 0; b < perEpoch && step < total; b++) {
                    int from = b * budget.batchSize();
                    int to = Math.min(images, from + budget.batchSize());
                    if (budget.cosine()) {
                        net.setLearningRate(budget.rateAt(baseRate, step, total));
                    }
                    net.fit(train.batch(order, from, to));
                    step++;
                    seen += to - from;
                    hook.afterUpdate(net, step, total);
                    loss = net.score();
                    progress.step(String.format(Locale.ROOT, "epoch %d loss %.4f", epoch + 1, loss));
                }
            }
        }
        if (budget.cosine()) {
            net.setLearningRate(baseRate);
        }
        return new Log(step, epoch, seen, loss, (System.nanoTime() - start) / 1e9);
    }

    /** The learning rate of the network's first layer that has one (what a cosine decay starts from). */
    private static double baseRate(MultiLayerNetwork net) {
        for (int i = 0; i < net.getnLayers(); i++) {
            Double r = net.getLearningRate(i);
            if (r != null && r > 0) {
                return r;
            }
        }
        throw new IllegalStateException("the network has no layer with a learning rate to decay");
    }
}
