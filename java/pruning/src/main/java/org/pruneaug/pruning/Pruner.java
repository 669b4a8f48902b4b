package org.pruneaug.pruning;

import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.dl4j.LabeledImages;
import org.pruneaug.dl4j.PrunableLayer;

/**
 * An unstructured pruning method: an importance score per weight (higher = keep) and a schedule
 * saying when the target sparsity is reached. Block augmentation ({@link BlockSelection}) turns the
 * scores into block masks for any method, so a pruner never deals with blocks itself.
 */
public interface Pruner {
    List<String> METHODS = List.of("magnitude", "gmp", "taylor", "obs");

    /** The CLI name: magnitude, gmp, taylor or obs. */
    String id();

    /**
     * Importance of every weight of the given layers of {@code net}, in GEMM orientation (row-major
     * rows x cols), keyed by layer name. {@code data} and {@code seed} serve data-driven methods.
     */
    Map<String, float[]> scores(MultiLayerNetwork net, List<PrunableLayer> layers, LabeledImages data, long seed);

    /** How the target sparsity is approached during fine-tuning. */
    default SparsitySchedule schedule() {
        return SparsitySchedule.ONE_SHOT;
    }

    static Pruner byName(String name) {
        String n = name == null ? "" : name.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (n) {
            case "magnitude" -> new MagnitudePruner();
            case "gmp" -> new GradualMagnitudePruner();
            case "taylor" -> new TaylorPruner();
            case "obs" -> new ObsPruner();
            default -> throw new InvalidInputException("unknown pruning method '" + name + "': expected one of " + METHODS);
        };
    }
}
