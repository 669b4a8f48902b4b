package org.pruneaug.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.dl4j.DataSplit;
import org.pruneaug.dl4j.FashionMnist;
import org.pruneaug.dl4j.ModelMetadata;
import org.pruneaug.dl4j.Models;
import org.pruneaug.dl4j.Trainer;
import org.pruneaug.dl4j.TrainingBudget;
import org.pruneaug.dl4j.ZooModel;
import org.pruneaug.platforms.Platforms;

/**
 * The search end to end on a small LeNet trained for a few hundred updates: a real profile, real
 * cheap fidelity and real fine-tuning, with tiny budgets. Checks the constraint, resumption from
 * the output directory and the error paths (not the numbers).
 */
class PruneAugSearchTest {
    @TempDir
    static Path tmp;

    static Path model;
    static Platforms platforms;

    @BeforeAll
    static void trainModelAndCopyPlatforms() throws IOException {
        DataSplit split = FashionMnist.load(FashionMnist.DEFAULT_DIR);
        MultiLayerNetwork net = ZooModel.LENET5.build(3);
        Trainer.fit(net, split.train(), new TrainingBudget(1, 250, 1.0, 64, 0), 3, Trainer.UpdateHook.NONE, "train");
        model = tmp.resolve("lenet.zip");
        Models.save(net, model, ModelMetadata.empty());
        // a private copy of the descriptors: the profile's table must not land in the repository
        Path repo = Path.of("../../platforms").toAbsolutePath().normalize();
        Path copy = tmp.resolve("platforms");
        try (Stream<Path> ids = Files.list(repo)) {
            for (Path id : ids.toList()) {
                if (Files.isRegularFile(id.resolve("platform.json"))) {
                    Files.createDirectories(copy.resolve(id.getFileName()));
                    Files.copy(id.resolve("platform.json"), copy.resolve(id.getFileName()).resolve("platform.json"));
                }
            }
        }
        platforms = Platforms.load(copy);
    }

    static SearchConfig config(Path out, String platform, double budget) {
        return new SearchConfig(model, platform, "dense-openblas", "magnitude", budget, 2, 16, "auto", out,
                FashionMnist.DEFAULT_DIR, List.of(0.5, 0.8, 0.95), List.of(BlockShape.parse("1x1"), BlockShape.parse("4x4")),
                new TrainingBudget(1, 15, 1.0, 64, 0), 200, 4, 2, 2, 1, true, 256);
    }

    static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream());
    }

    @Test
    void respectsTheBudgetAndResumesFromItsDirectory() throws IOException {
        Path out = tmp.resolve("search");
        SearchResult first = PruneAugSearch.run(config(out, "cpu-generic", 2.0), platforms, quiet());
        for (SearchResult.Candidate c : first.candidates()) {
            assertEquals(c.validationAccuracy() >= first.accuracyFloor(), c.feasible(), c.toString());
        }
        SearchResult.Network chosen = first.networks().get(first.networks().size() - 1);
        assertEquals("pruneaug", chosen.name());
        assertTrue(chosen.validationAccuracy() >= first.accuracyFloor(),
                "PruneAug's network misses the budget: " + chosen.validationAccuracy() + " < " + first.accuracyFloor());
        // the answer is a feasible plan the search fine-tuned (baselines' plans included) and the fastest
        // by prediction, or measured faster than it while predicted within the finalists' margin
        double fastestPredicted = first.candidates().stream().filter(SearchResult.Candidate::feasible)
                .mapToDouble(SearchResult.Candidate::predictedMs).min().orElse(chosen.predictedMs());
        if (chosen.plan().stream().anyMatch(a -> a.sparsity() > 0)) {
            assertTrue(first.candidates().stream().anyMatch(c -> c.feasible() && c.plan().equals(chosen.plan())),
                    "PruneAug's plan is one of the feasible candidates");
            // compared in the search's calibration (the final table's prediction may come from a recalibration)
            double chosenPredicted = first.candidates().stream().filter(c -> c.plan().equals(chosen.plan()))
                    .mapToDouble(SearchResult.Candidate::predictedMs).min().orElseThrow();
            assertTrue(chosenPredicted <= fastestPredicted * (1 + PruneAugSearch.FINALIST_MARGIN) + 1e-9,
                    chosenPredicted + " ms predicted, the fastest feasible candidate " + fastestPredicted);
        }
        // the polish only tries plans predicted faster than the fastest feasible plan it started from: the
        // calibrated frontier than the one before the polish, the hill climb than the one after that frontier
        double polishStart = first.candidates().stream().filter(c -> c.feasible() && !c.family().startsWith("pruneaug-"))
                .mapToDouble(SearchResult.Candidate::predictedMs).min().orElse(Double.NaN);
        double climbStart = first.candidates().stream().filter(c -> c.feasible() && !c.family().equals("pruneaug-polish"))
                .mapToDouble(SearchResult.Candidate::predictedMs).min().orElse(Double.NaN);
        for (SearchResult.Candidate c : first.candidates()) {
            double start = c.family().equals("pruneaug-calibrated") ? polishStart
                    : c.family().equals("pruneaug-polish") ? climbStart : Double.NaN;
            if (!Double.isNaN(start)) {
                assertTrue(c.predictedMs() <= start * (1 - PruneAugSearch.POLISH_MIN_GAIN) + 1e-9,
                        c.family() + " plan " + c + " is not predicted faster than its start " + start);
            }
        }
        assertTrue(first.candidates().stream().filter(c -> c.family().startsWith("pruneaug-")).count()
                <= config(out, "cpu-generic", 2.0).polishFineTunes());
        // the damage calibration the polish used is reported (empty when no uniform plan met the budget)
        assertTrue(first.config().get("damage_calibration") instanceof java.util.Map<?, ?>, first.config().toString());
        boolean pruned = chosen.plan().stream().anyMatch(a -> a.sparsity() > 0);
        assertEquals("dense", first.networks().get(0).name());
        assertTrue(first.cost().fineTunes() > 0);
        assertTrue(first.cost().cheapEvaluations() > 0);
        assertEquals(1.0, first.agreement().argmaxAgreement(), 0.002);
        // what the fine-tuning costs by itself: the unpruned network fine-tuned once, not a candidate
        assertTrue(first.unprunedFineTunedAccuracy() != null && first.unprunedFineTunedAccuracy() > 0.5,
                String.valueOf(first.unprunedFineTunedAccuracy()));
        assertTrue(Files.readString(out.resolve(SearchOutputs.REPORT)).contains("The unpruned network after the same fine-tuning"));
        for (String f : List.of(SearchOutputs.RESULT, SearchOutputs.REPORT, SearchOutputs.PLOT)) {
            assertTrue(Files.isRegularFile(out.resolve(f)), f);
        }
        assertEquals(pruned, Files.isRegularFile(out.resolve(SearchOutputs.MODEL)));
        // the report says how much of PruneAug's latency lies outside its per-layer table
        double layerMs = first.assignment().stream().mapToDouble(SearchResult.LayerChoice::predictedMs).sum();
        double networkMs = chosen.predictedMs();
        String report = Files.readString(out.resolve(SearchOutputs.REPORT));
        assertEquals(networkMs > layerMs, report.contains(String.format(java.util.Locale.ROOT,
                "predicted at %.3f of the network's %.3f ms", networkMs - layerMs, networkMs)), report);

        // the same search again: everything expensive comes from the directory; its final table is
        // predicted from a calibration made just before it (forced here: any drift of the machine counts),
        // and keeps the search's own predictions
        SearchResult again;
        System.setProperty("pruneaug.recalibrate-drift", "0");
        try {
            again = PruneAugSearch.run(config(out, "cpu-generic", 2.0), platforms, quiet());
        } finally {
            System.clearProperty("pruneaug.recalibrate-drift");
        }
        assertTrue(String.valueOf(again.config().get("predictions")).startsWith("calibrated again just before the final table"),
                String.valueOf(again.config().get("predictions")));
        assertTrue(Files.readString(out.resolve(SearchOutputs.REPORT)).contains("calibrated again just before the final table"));
        for (SearchResult.Network n : again.networks()) {
            assertTrue(n.predictedMs() > 0 && Double.isFinite(n.predictedMs()), n.name() + " predicted " + n.predictedMs());
            assertTrue(n.searchPredictedMs() != null && n.searchPredictedMs() > 0, n.name() + " " + n.searchPredictedMs());
            assertEquals(n.searchPredictedMs() / n.measuredMs() - 1, n.searchPredictionError(), 1e-9);
        }
        assertEquals(0, again.cost().fineTunes());
        assertEquals(first.unprunedFineTunedAccuracy(), again.unprunedFineTunedAccuracy());
        assertEquals(0, again.cost().cheapEvaluations());
        assertEquals(first.cost().fineTunes() + first.cost().fineTunesReused(), again.cost().fineTunesReused());
        assertEquals(chosen.plan(), again.networks().get(again.networks().size() - 1).plan());
        // same calibration, same frontier: every cached fine-tune is probed again, none is "earlier"
        assertTrue(again.candidates().stream().noneMatch(c -> c.family().equals("earlier")));

        // another search in the same directory is refused, and nothing there is touched
        long before = out.resolve(SearchOutputs.RESULT).toFile().lastModified();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PruneAugSearch.run(config(out, "cpu-generic", 0.5), platforms, quiet()));
        assertTrue(e.getMessage().contains("holds another search"), e.getMessage());
        assertEquals(before, out.resolve(SearchOutputs.RESULT).toFile().lastModified());
        assertEquals(first.networks().size(), SearchOutputs.read(out).networks().size());
    }

    @Test
    void badInputIsRefusedBeforeAnyWork() throws IOException {
        Path out = tmp.resolve("bad");
        assertThrows(InvalidInputException.class, () -> PruneAugSearch.run(config(out, "no-such-platform", 1), platforms,
                quiet()));
        InvalidInputException dense = assertThrows(InvalidInputException.class,
                () -> PruneAugSearch.run(config(out, "dense-openblas", 1), platforms, quiet()));
        assertTrue(dense.getMessage().contains("dense baseline"), dense.getMessage());
        if (!platforms.get("cuda").available()) {
            InvalidInputException cuda = assertThrows(InvalidInputException.class,
                    () -> PruneAugSearch.run(config(out, "cuda", 1), platforms, quiet()));
            assertTrue(cuda.getMessage().contains("not available"), cuda.getMessage());
        }
        assertThrows(InvalidInputException.class, () -> config(out, "cpu-generic", -1));
        assertFalse(Files.exists(out), "nothing is written for refused input");

        Path foreign = Files.createDirectories(tmp.resolve("foreign"));
        Files.writeString(foreign.resolve("notes.txt"), "mine");
        InvalidInputException notEmpty = assertThrows(InvalidInputException.class,
                () -> PruneAugSearch.run(config(foreign, "cpu-generic", 1), platforms, quiet()));
        assertTrue(notEmpty.getMessage().contains("not empty"), notEmpty.getMessage());

        MultiLayerNetwork outputOnly = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().dataType(DataType.FLOAT)
                .list().layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nIn(784).nOut(10)
                        .activation(Activation.SOFTMAX).build()).build());
        outputOnly.init();
        Path logistic = tmp.resolve("logistic.zip");
        Models.save(outputOnly, logistic, ModelMetadata.empty());
        SearchConfig c = config(tmp.resolve("logistic"), "cpu-generic", 1);
        SearchConfig noPrunable = new SearchConfig(logistic, c.platform(), c.densePlatform(), c.method(),
                c.maxAccuracyLoss(), c.threads(), c.batch(), c.microBatch(), c.out(), c.dataDir(), c.sparsities(), c.blocks(), c.fineTune(),
                c.sensitivityImages(), c.frontierSize(), c.maxFineTunes(), c.polishFineTunes(), c.seed(), c.permuteRows(),
                c.reconstructionImages());
        InvalidInputException none = assertThrows(InvalidInputException.class,
                () -> PruneAugSearch.run(noPrunable, platforms, quiet()));
        assertTrue(none.getMessage().contains("no prunable layer"), none.getMessage());
    }
}
