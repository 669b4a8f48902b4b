package org.pruneaug.dl4j;

/**
 * Fashion-MNIST as every command uses it: the 60000 training images split once, with a fixed seed,
 * into {@code train} and a held-out {@code validation} set for search and pruning decisions; the
 * 10000 {@code test} images only for final reports. The split is the same in every command and
 * every run (it does not follow the user's --seed), so validation never leaks into training.
 */
public record DataSplit(LabeledImages train, LabeledImages validation, LabeledImages test) {
    public static final int VALIDATION_SIZE = 5000;
    public static final long SPLIT_SEED = 20_240_601L;

    public static DataSplit of(LabeledImages fullTrain, LabeledImages test) {
        LabeledImages shuffled = fullTrain.shuffled(SPLIT_SEED);
        int validation = Math.min(VALIDATION_SIZE, fullTrain.size() / 10);
        int train = fullTrain.size() - validation;
        return new DataSplit(shuffled.range(0, train), shuffled.range(train, fullTrain.size()), test);
    }
}
