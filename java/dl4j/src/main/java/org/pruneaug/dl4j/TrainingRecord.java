package org.pruneaug.dl4j;

import org.pruneaug.core.Provenance;

/**
 * How a dense model was trained (metadata section {@value #SECTION}), with its accuracy on the
 * validation split and on the test set at the end of training.
 */
public record TrainingRecord(String model, long seed, int epochs, int batchSize, long updates, double seconds,
                             Evaluator.Accuracy validation, Evaluator.Accuracy test, Nd4jSettings nd4j,
                             Provenance provenance) {
    public static final String SECTION = "training";

    public static java.util.Optional<TrainingRecord> of(ModelMetadata metadata) {
        return metadata.get(SECTION, TrainingRecord.class);
    }
}
