package org.pruneaug.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.pruneaug.core.AtomicFiles;
import org.pruneaug.core.Json;
import org.pruneaug.dl4j.DataSplit;
import org.pruneaug.dl4j.Evaluator;
import org.pruneaug.dl4j.LabeledImages;
import org.pruneaug.dl4j.Models;
import org.pruneaug.dl4j.Nd4jSettings;
import org.pruneaug.pruning.PruningRecord;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "evaluate", mixinStandardHelpOptions = true,
        description = "Evaluate a model on the Fashion-MNIST test set (or the validation split).")
public final class EvaluateCommand implements Callable<Integer> {
    /** Which images to evaluate on. */
    enum Split { test, validation }

    @Mixin
    CommonOptions common;

    @Mixin
    DataOptions data;

    @Option(names = "--model", required = true, paramLabel = "M.zip", description = "A DL4J MultiLayerNetwork zip.")
    Path model;

    @Option(names = "--split", paramLabel = "SPLIT", description = "test or validation (default: ${DEFAULT-VALUE}).")
    Split split = Split.test;

    @Option(names = "--json", arity = "0..1", fallbackValue = "-", paramLabel = "FILE",
            description = "Print the result as JSON (to FILE when given).")
    String json;

    @Override
    public Integer call() {
        Models.Loaded loaded = Models.load(model);
        DataSplit d = data.load();
        LabeledImages images = split == Split.test ? d.test() : d.validation();
        Evaluator.Accuracy acc = Evaluator.evaluate(loaded.network(), images);
        PruningRecord pruning = PruningRecord.of(loaded.metadata()).orElse(null);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("model", model.toString());
        out.put("split", split.name());
        out.put("accuracy", acc.accuracy());
        out.put("loss", acc.loss());
        out.put("images", acc.count());
        if (pruning != null) {
            out.put("method", pruning.method());
            out.put("overallSparsity", pruning.overallSparsity());
            out.put("layers", pruning.layers());
        }
        out.put("nd4j", Nd4jSettings.here());
        if (json == null) {
            System.out.printf(Locale.ROOT, "%s accuracy %.4f loss %.4f (%d images)%n", split, acc.accuracy(), acc.loss(),
                    acc.count());
            if (pruning != null) {
                System.out.printf(Locale.ROOT, "pruned with %s, overall sparsity %.4f%n", pruning.method(),
                        pruning.overallSparsity());
            }
        } else if (json.equals("-")) {
            System.out.println(Json.toString(out));
        } else {
            AtomicFiles.writeString(Path.of(json), Json.toString(out) + "\n");
        }
        return PruneAugCli.EXIT_OK;
    }
}
