package org.pruneaug.cli;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.dl4j.TrainingBudget;
import org.pruneaug.platforms.Platforms;
import org.pruneaug.pruning.Pruner;
import org.pruneaug.pruning.Reconstruction;
import org.pruneaug.search.PruneAugSearch;
import org.pruneaug.search.SearchConfig;
import org.pruneaug.search.SearchResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "search", mixinStandardHelpOptions = true,
        description = {"Search per-layer block shape and sparsity minimising the latency measured on a sparse "
                + "platform, subject to an accuracy-loss budget; measure the result against dense, unstructured and "
                + "uniform-block baselines in the same run.",
                "Writes DIR/result.json, DIR/pruned.zip, DIR/report.md and DIR/pareto.png. Interrupted searches resume "
                + "from DIR; a DIR holding another search is refused."})
public final class SearchCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    DataOptions data;

    @Option(names = "--model", required = true, paramLabel = "M.zip", description = "Trained dense DL4J model zip.")
    Path model;

    @Option(names = "--platform", paramLabel = "ID", description = "Target sparse platform (see 'pruneaug platforms'). Default: the default platform here.")
    String platform;

    @Option(names = "--dense-platform", paramLabel = "ID", description = "Dense baseline (default: ${DEFAULT-VALUE}).")
    String densePlatform = "dense-openblas";

    @Option(names = "--method", required = true, paramLabel = "METHOD", description = "Pruner: magnitude, gmp, taylor or obs.")
    String method;

    @Option(names = "--max-accuracy-loss", required = true, paramLabel = "PTS",
            description = "Accuracy budget in points: fine-tuned validation accuracy >= dense - PTS.")
    double maxAccuracyLoss;

    @Option(names = "--threads", paramLabel = "T", description = "Threads of every kernel library (default: the cores).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Option(names = "--batch", paramLabel = "B", description = "Inference batch size (default: ${DEFAULT-VALUE}).")
    int batch = 64;

    @Option(names = "--micro-batch", paramLabel = "M|auto|off",
            description = "Inference schedule of every network measured: a chunk of the batch per thread, its"
                    + " convolutional part on micro-batches of M images, its dense layers on the whole chunk (auto: M"
                    + " sized to the cache), or off: layer by layer (default: ${DEFAULT-VALUE}).")
    String microBatch = "auto";

    @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
    Path out;

    @Option(names = "--sparsities", paramLabel = "S,S,...", split = ",",
            description = "Per-layer sparsity grid (default: 0.5,0.6,0.7,0.8,0.85,0.9,0.93,0.95,0.97,0.98).")
    List<Double> sparsities = SearchConfig.DEFAULT_SPARSITIES;

    @Option(names = "--blocks", paramLabel = "RxC,...", description = "Candidate block shapes (default: all the platform supports).")
    String blocks;

    @Option(names = "--finetune-epochs", paramLabel = "E", description = "Fine-tuning epochs per candidate (default: ${DEFAULT-VALUE}).")
    int finetuneEpochs = 1;

    @Option(names = "--finetune-fraction", paramLabel = "F",
            description = "Fraction of the training split one fine-tuning epoch visits (default: ${DEFAULT-VALUE}).")
    double finetuneFraction = 1.0;

    @Option(names = "--finetune-batches", paramLabel = "N", description = "Cap on fine-tuning updates per candidate (0 = none).")
    int finetuneBatches;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Fine-tuning Adam learning rate (default: ${DEFAULT-VALUE}; 0 = continue the model's own schedule).")
    double learningRate = 5e-4;

    @Mixin
    FineTuneOptions fineTuneOptions;

    @Option(names = "--sensitivity-images", paramLabel = "N",
            description = "Validation images of the cheap fidelity (default: ${DEFAULT-VALUE}).")
    int sensitivityImages = 1000;

    @Option(names = "--frontier-size", paramLabel = "N", description = "Frontier points kept for probing (default: ${DEFAULT-VALUE}).")
    int frontierSize = 16;

    @Option(names = "--max-finetunes", paramLabel = "N",
            description = "Cap on PruneAug's fine-tuning probes (default: ${DEFAULT-VALUE}).")
    int maxFineTunes = 5;

    @Option(names = "--polish-finetunes", paramLabel = "N",
            description = "Fine-tuning runs after the baselines, from the fastest feasible plan (theirs included):"
                    + " the knapsack frontier over damage calibrated per block size by the baselines' uniform plans,"
                    + " then single-layer moves (default: ${DEFAULT-VALUE}; 0 = no polish).")
    int polishFineTunes = 4;

    @Option(names = "--seed", description = "Seed (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--permute-rows", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Reorder each layer's output channels (and the next layer's inputs: the same function)"
                    + " before pruning it with blocks taller than one row, so that each block groups rows whose"
                    + " important weights share columns (default: on; --no-permute-rows keeps the stored order).")
    boolean permuteRows = true;

    @Option(names = "--reconstruction-images", paramLabel = "N",
            description = "Refit each pruned layer's kept weights by least squares so that the layer reproduces the"
                    + " dense layer's outputs on N training images, before fine-tuning (every plan alike; default:"
                    + " ${DEFAULT-VALUE}; 0 = keep the kept weights as they were).")
    int reconstructionImages = Reconstruction.DEFAULT_IMAGES;

    @Override
    public Integer call() {
        Pruner.byName(method); // unknown method: error before any work
        if (maxAccuracyLoss < 0) {
            throw new InvalidInputException("--max-accuracy-loss must be >= 0, got " + maxAccuracyLoss);
        }
        List<BlockShape> blockList = blocks == null ? List.of() : BlockShape.parseList(blocks);
        TrainingBudget budget = fineTuneOptions.applyTo(new TrainingBudget(finetuneEpochs, finetuneBatches,
                finetuneFraction, TrainingBudget.DEFAULT_BATCH, learningRate));
        Platforms platforms = Platforms.load();
        String target = PlatformArgs.available(platforms, platform).id();
        SearchConfig cfg = new SearchConfig(model, target, densePlatform, method, maxAccuracyLoss, threads, batch, microBatch, out,
                data.dataDir, sparsities, blockList, budget, sensitivityImages, frontierSize, maxFineTunes,
                polishFineTunes, seed, permuteRows, reconstructionImages);
        SearchResult r = PruneAugSearch.run(cfg, platforms, System.err);
        printTable(r);
        return PruneAugCli.EXIT_OK;
    }

    static void printTable(SearchResult r) {
        System.out.printf(Locale.ROOT, "%-16s %9s %9s %9s %12s %9s %12s %10s %18s%n", "network", "sparsity", "val acc",
                "test acc", "measured ms", "speedup", "predicted ms", "pred err", "search's pred");
        for (SearchResult.Network n : r.networks()) {
            System.out.printf(Locale.ROOT, "%-16s %9.3f %8.2f%% %8.2f%% %12.3f %8.2fx %12.3f %+9.1f%% %18s%n", n.name(),
                    n.overallSparsity(), 100 * n.validationAccuracy(), 100 * n.testAccuracy(), n.measuredMs(),
                    n.speedupVsDense(), n.predictedMs(), 100 * n.predictionError(), n.searchPrediction());
        }
        System.out.println("PruneAug assignment: " + Arrays.toString(r.assignment().stream()
                .map(l -> l.layer() + "=" + l.block() + "@" + l.sparsity()).toArray()));
        if (r.unprunedFineTunedAccuracy() != null) {
            System.out.printf(Locale.ROOT, "accuracy floor %.2f%% (dense %.2f%%); the unpruned network after the same"
                    + " fine-tuning: %.2f%%%n", 100 * r.accuracyFloor(), 100 * r.denseValidationAccuracy(),
                    100 * r.unprunedFineTunedAccuracy());
        }
    }
}
