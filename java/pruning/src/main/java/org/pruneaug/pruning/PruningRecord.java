package org.pruneaug.pruning;

import java.util.List;
import org.pruneaug.core.BlockShape;
import org.pruneaug.dl4j.ModelMetadata;
import org.pruneaug.dl4j.TrainingBudget;

/**
 * What a pruned model zip records about its pruning (metadata section {@value #SECTION}): the method,
 * and per prunable layer its GEMM view, block shape, target and actual sparsity. Layers left dense
 * appear with block 1x1 and sparsity 0, so the list always covers every prunable layer.
 *
 * @param fineTuning the fine-tuning budget used (null when not fine-tuned)
 * @param fineTuneUpdates parameter updates actually made during fine-tuning
 */
public record PruningRecord(String method, long seed, double overallSparsity, List<Layer> layers,
                            TrainingBudget fineTuning, int fineTuneUpdates) {
    public static final String SECTION = "pruning";

    /** One prunable layer: GEMM rows x cols (n per image = outputPixels), its block and sparsity. */
    public record Layer(String layer, String kind, int rows, int cols, int outputPixels, BlockShape block,
                        double targetSparsity, double actualSparsity, long prunedWeights, long weights) {
    }

    public static java.util.Optional<PruningRecord> of(ModelMetadata metadata) {
        return metadata.get(SECTION, PruningRecord.class);
    }

    public Layer layer(String name) {
        return layers.stream().filter(l -> l.layer().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no layer " + name + " in the pruning record"));
    }

    public PruningRecord withFineTuning(TrainingBudget budget, int updates) {
        return new PruningRecord(method, seed, overallSparsity, layers, budget, updates);
    }
}
