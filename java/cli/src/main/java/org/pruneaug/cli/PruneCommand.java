package org.pruneaug.cli;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.Hardware;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Json;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.core.Provenance;
import org.pruneaug.dl4j.DataSplit;
import org.pruneaug.dl4j.Evaluator;
import org.pruneaug.dl4j.Evaluator.Accuracy;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.Models;
import org.pruneaug.dl4j.Nd4jSettings;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.dl4j.Trainer;
import org.pruneaug.dl4j.TrainingBudget;
import org.pruneaug.dl4j.TrainingRecord;
import org.pruneaug.pruning.LayerConfig;
import org.pruneaug.pruning.PrunedNetwork;
import org.pruneaug.pruning.Pruner;
import org.pruneaug.pruning.Pruning;
import org.pruneaug.pruning.PruningRecord;
import org.pruneaug.pruning.Reconstruction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "prune", mixinStandardHelpOptions = true,
        description = {"Prune a model (unstructured or block-augmented), optionally fine-tune it with the masks "
                + "enforced, and save it with its per-layer block shape and sparsity.",
                "--block/--sparsity apply to every prunable layer except the output layer and a first-layer "
                + "convolution; --layer-config FILE sets any layer by name and overrides them."})
public final class PruneCommand implements Callable<Integer> {
    @Mixin
    CommonOptions common;

    @Mixin
    DataOptions data;

    @Option(names = "--model", required = true, paramLabel = "M.zip", description = "Dense (or pruned) DL4J model zip.")
    Path model;

    @Option(names = "--method", required = true, paramLabel = "METHOD", description = "magnitude, gmp, taylor or obs.")
    String method;

    @Option(names = "--block", paramLabel = "RxC", description = "Block shape, r and c in 1,2,4,8,16,32 (default: ${DEFAULT-VALUE}).")
    String block = "1x1";

    @Option(names = "--sparsity", paramLabel = "S", description = "Fraction of each pruned layer's weights to remove, in [0, 1).")
    Double sparsity;

    @Option(names = "--layer-config", paramLabel = "FILE",
            description = "JSON {\"layers\": [{\"layer\": NAME, \"block\": \"RxC\", \"sparsity\": S}, ...]}.")
    Path layerConfig;

    @Option(names = "--finetune-epochs", paramLabel = "E", description = "Fine-tuning epochs (default: ${DEFAULT-VALUE}).")
    int finetuneEpochs;

    @Option(names = "--finetune-fraction", paramLabel = "F",
            description = "Fraction of the training split one fine-tuning epoch visits (default: ${DEFAULT-VALUE}).")
    double finetuneFraction = 1.0;

    @Option(names = "--finetune-batches", paramLabel = "N", description = "Cap on fine-tuning updates (0 = none).")
    int finetuneBatches;

    /** Half the zoo's initial rate: the trained model's own schedule has decayed too far to recover quickly. */
    public static final double FINE_TUNE_LEARNING_RATE = 5e-4;

    @Option(names = "--lr", paramLabel = "RATE",
            description = "Fine-tuning Adam learning rate (default: ${DEFAULT-VALUE}; 0 = continue the model's own schedule).")
    double learningRate = FINE_TUNE_LEARNING_RATE;

    @Mixin
    FineTuneOptions fineTuneOptions;

    @Option(names = "--batch", paramLabel = "B", description = "Fine-tuning minibatch (default: ${DEFAULT-VALUE}).")
    int batch = TrainingBudget.DEFAULT_BATCH;

    @Option(names = "--seed", description = "Seed of Taylor's batches and the fine-tuning order (default: ${DEFAULT-VALUE}).")
    long seed = 1;

    @Option(names = "--out", required = true, paramLabel = "P.zip", description = "Where to write the pruned model.")
    Path out;

    @Option(names = "--json", paramLabel = "R.json", description = "Write the report (per layer and accuracies) as JSON.")
    Path json;

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

    /** Accuracy on the validation split and the test set. */
    public record Accuracies(Accuracy validation, Accuracy test) {
    }

    /** The JSON report of one prune run. */
    public record Report(String model, String out, String method, long seed, double overallSparsity,
                         List<PruningRecord.Layer> layers, Accuracies dense, Accuracies beforeFineTune,
                         Accuracies afterFineTune, TrainingBudget fineTuning, int fineTuneUpdates,
                         double fineTuneSeconds, double scoringSeconds, int reconstructionImages, Nd4jSettings nd4j,
                         Provenance provenance) {
    }

    @Override
    public Integer call() {
        Pruner pruner = Pruner.byName(method);
        BlockShape defaultBlock = BlockShape.parse(block);
        if (sparsity != null) {
            LayerAssignment.checkSparsity(sparsity, "--sparsity");
        }
        List<LayerAssignment> config = layerConfig == null ? List.of() : LayerConfig.read(layerConfig);
        if (sparsity == null && layerConfig == null) {
            throw new InvalidInputException("give --sparsity S, or --layer-config FILE, or both");
        }
        TrainingBudget budget = fineTuneOptions.applyTo(new TrainingBudget(finetuneEpochs, finetuneBatches,
                finetuneFraction, batch, learningRate));
        CliFiles.checkWritable(out, "--out");
        if (json != null) {
            CliFiles.checkWritable(json, "--json");
        }
        Models.Loaded loaded = Models.load(model);
        List<PrunableLayer> layers = GemmView.layers(loaded.network());
        List<LayerAssignment> defaults = sparsity == null ? List.of() : Pruning.uniform(layers, defaultBlock, sparsity);
        List<LayerAssignment> plan = LayerConfig.merge(defaults, config);
        Pruning.checkPlan(plan, layers);

        DataSplit split = data.load();
        Accuracies dense = denseAccuracy(loaded, split);
        long t0 = System.nanoTime();
        if (reconstructionImages < 0) {
            throw new InvalidInputException("--reconstruction-images must be >= 0 (0 = no reconstruction), got "
                    + reconstructionImages);
        }
        Pruning scored = Pruning.score(loaded.network(), pruner, split.train(), seed, permuteRows);
        if (reconstructionImages > 0) {
            scored.withReconstruction(Reconstruction.calibration(split.train(), reconstructionImages, seed));
        }
        int refitImages = scored.reconstructs() ? reconstructionImages : 0; // gmp restarts from dense: never refitted
        if (refitImages > 0) {
            System.out.println("kept weights refitted by least squares on " + refitImages + " training images");
        }
        PrunedNetwork pruned = scored.apply(plan);
        java.util.Set<String> reordered = scored.rowOrders(plan).keySet();
        if (!reordered.isEmpty()) {
            System.out.println("output channels reordered before block pruning (the next layer's inputs follow: same"
                    + " function): " + String.join(", ", reordered));
        }
        double scoringSeconds = (System.nanoTime() - t0) / 1e9;
        Accuracies before = evaluate(pruned, split);
        Accuracies after = null;
        Trainer.Log log = null;
        if (budget.totalBatches(split.train().size()) > 0) {
            log = pruned.fineTune(split.train(), budget, seed);
            after = evaluate(pruned, split);
        }
        PruningRecord record = pruned.record();
        if (log != null) {
            record = record.withFineTuning(budget, log.updates());
        }
        printLayers(record);
        print("dense", dense);
        print("pruned, before fine-tuning", before);
        if (after != null) {
            print(String.format(Locale.ROOT, "after fine-tuning (%d updates, %.1f s)", log.updates(), log.seconds()), after);
        }
        Models.save(pruned.network(), out, loaded.metadata().with(PruningRecord.SECTION, record));
        if (json != null) {
            Json.write(json, new Report(model.toString(), out.toString(), pruner.id(), seed, record.overallSparsity(),
                    record.layers(), dense, before, after, log == null ? null : budget, log == null ? 0 : log.updates(),
                    log == null ? 0 : log.seconds(), scoringSeconds, refitImages, Nd4jSettings.here(), Provenance.now(Hardware.host())));
        }
        System.out.println("wrote " + out + (json == null ? "" : " and " + json));
        return PruneAugCli.EXIT_OK;
    }

    /** The dense model's accuracy as recorded at training time (same splits), measured when absent. */
    private static Accuracies denseAccuracy(Models.Loaded loaded, DataSplit split) {
        TrainingRecord t = TrainingRecord.of(loaded.metadata()).orElse(null);
        if (t != null && t.validation() != null && t.test() != null && PruningRecord.of(loaded.metadata()).isEmpty()) {
            return new Accuracies(t.validation(), t.test());
        }
        return new Accuracies(Evaluator.evaluate(loaded.network(), split.validation()),
                Evaluator.evaluate(loaded.network(), split.test()));
    }

    private static Accuracies evaluate(PrunedNetwork p, DataSplit split) {
        return new Accuracies(Evaluator.evaluate(p.network(), split.validation()), Evaluator.evaluate(p.network(), split.test()));
    }

    private static void print(String what, Accuracies a) {
        System.out.printf(Locale.ROOT, "%-44s validation %.4f  test %.4f%n", what, a.validation().accuracy(),
                a.test().accuracy());
    }

    private static void printLayers(PruningRecord r) {
        System.out.printf(Locale.ROOT, "%-8s %-5s %-16s %-6s %7s %7s%n", "layer", "kind", "GEMM m x k (n/img)", "block",
                "target", "actual");
        for (PruningRecord.Layer l : r.layers()) {
            System.out.printf(Locale.ROOT, "%-8s %-5s %-16s %-6s %7.4f %7.4f%n", l.layer(), l.kind(),
                    l.rows() + "x" + l.cols() + " (" + l.outputPixels() + ")", l.block(), l.targetSparsity(),
                    l.actualSparsity());
        }
        System.out.printf(Locale.ROOT, "overall sparsity of the prunable layers %.4f (method %s)%n", r.overallSparsity(),
                r.method());
    }
}
