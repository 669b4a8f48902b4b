package org.pruneaug.search;

import java.nio.file.Path;
import java.util.List;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.dl4j.TrainingBudget;

/**
 * Everything a search depends on. Two searches with equal {@link #identity()} produce the same
 * result, which is what lets a search resume from its output directory.
 *
 * @param model             the trained dense DL4J model zip
 * @param platform          target sparse platform id
 * @param densePlatform     dense baseline platform id (unpruned layers and the dense network)
 * @param method            pruner: magnitude, gmp, taylor or obs
 * @param maxAccuracyLoss   budget in accuracy points (validation accuracy after fine-tuning may be at
 *                          most this much below the dense model's)
 * @param threads           threads of every kernel library during measurement
 * @param batch             images per inference batch (the GEMMs' n follows from it)
 * @param microBatch        inference schedule: "auto", "off" (layer by layer) or images per micro-batch
 *                          ({@code org.pruneaug.inference.Execution})
 * @param out               output directory
 * @param dataDir           Fashion-MNIST directory
 * @param sparsities        per-layer sparsity grid (0 = dense is always an option)
 * @param blocks            candidate block shapes, empty = every block the platform supports
 * @param fineTune          fine-tuning budget of every candidate and every baseline
 * @param sensitivityImages validation images of the cheap fidelity
 * @param frontierSize      frontier points kept for fine-tuning probes
 * @param maxFineTunes      cap on fine-tuning runs of PruneAug's bisection
 * @param polishFineTunes   fine-tuning runs of the local polish after the baselines (0 = none)
 * @param seed              seed of scoring, fine-tuning and profiling
 * @param permuteRows       reorder each layer's output channels before pruning it with blocks taller
 *                          than one row ({@code org.pruneaug.pruning.RowPermutation})
 */
public record SearchConfig(Path model, String platform, String densePlatform, String method, double maxAccuracyLoss,
                           int threads, int batch, String microBatch, Path out, Path dataDir, List<Double> sparsities,
                           List<BlockShape> blocks, TrainingBudget fineTune, int sensitivityImages, int frontierSize,
                           int maxFineTunes, int polishFineTunes, long seed, boolean permuteRows,
                           int reconstructionImages) {
    public static final List<Double> DEFAULT_SPARSITIES =
            List.of(0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.93, 0.95, 0.97, 0.98);

    public SearchConfig {
        if (!(maxAccuracyLoss >= 0) || maxAccuracyLoss > 100) {
            throw new InvalidInputException("--max-accuracy-loss must be in [0, 100] accuracy points, got " + maxAccuracyLoss);
        }
        if (threads < 1) {
            throw new InvalidInputException("--threads must be >= 1, got " + threads);
        }
        if (batch < 1) {
            throw new InvalidInputException("--batch must be >= 1, got " + batch);
        }
        microBatch = org.pruneaug.inference.Execution.checkSpec(microBatch, batch);
        sparsities = sparsities.stream().sorted().distinct().toList();
        if (sparsities.isEmpty()) {
            throw new InvalidInputException("the sparsity grid is empty");
        }
        for (double s : sparsities) {
            if (!(s > 0 && s < 1)) {
                throw new InvalidInputException("grid sparsity " + s + " is outside (0, 1)");
            }
        }
        blocks = List.copyOf(blocks);
        if (sensitivityImages < 100) {
            throw new InvalidInputException("--sensitivity-images must be >= 100, got " + sensitivityImages);
        }
        if (frontierSize < 2 || maxFineTunes < 1) {
            throw new InvalidInputException("--frontier-size must be >= 2 and --max-finetunes >= 1");
        }
        if (reconstructionImages < 0) {
            throw new InvalidInputException("--reconstruction-images must be >= 0 (0 = no reconstruction), got "
                    + reconstructionImages);
        }
        if (polishFineTunes < 0) {
            throw new InvalidInputException("--polish-finetunes must be >= 0, got " + polishFineTunes);
        }
    }

    /** What makes two searches the same search (paths and the output directory excluded). */
    public record Identity(String modelSha256, String platform, String densePlatform, String method,
                           double maxAccuracyLoss, int threads, int batch, String microBatch, List<Double> sparsities,
                           List<BlockShape> blocks, TrainingBudget fineTune, int sensitivityImages, int frontierSize,
                           int maxFineTunes, int polishFineTunes, long seed, boolean permuteRows,
                           int reconstructionImages) {
    }

    public Identity identity(String modelSha256) {
        return new Identity(modelSha256, platform, densePlatform, method, maxAccuracyLoss, threads, batch, microBatch, sparsities,
                blocks, fineTune, sensitivityImages, frontierSize, maxFineTunes, polishFineTunes, seed, permuteRows,
                reconstructionImages);
    }
}
