package org.pruneaug.search;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.pruneaug.core.AtomicFiles;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Json;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.core.plot.LineChart;
import org.pruneaug.core.plot.ScatterChart;
import org.pruneaug.dl4j.Models;
import org.pruneaug.inference.Placements;

/**
 * The files a search leaves in its output directory: result.json, pruned.zip (PruneAug's network,
 * fine-tuned, loadable by DL4J and by {@code pruneaug infer}), report.md and pareto.png (validation
 * accuracy vs predicted latency of every fine-tuned candidate, the baselines and the chosen point).
 */
public final class SearchOutputs {
    public static final String RESULT = "result.json";
    public static final String MODEL = "pruned.zip";
    public static final String REPORT = "report.md";
    public static final String PLOT = "pareto.png";

    private SearchOutputs() {
    }

    /**
     * Writes the outputs; {@code model} (null when nothing was pruned) is the chosen fine-tuned model,
     * saved again as pruned.zip with the chosen placement recorded for {@code pruneaug infer}.
     */
    static void write(Path dir, SearchResult result, Path model, List<LayerAssignment> chosen, PrintStream log) {
        if (model != null) {
            Models.Loaded m = Models.load(model);
            Models.save(m.network(), dir.resolve(MODEL), m.metadata().with(Placements.SECTION, chosen));
        }
        Json.write(dir.resolve(RESULT), result);
        render(dir, result);
        log.println("wrote " + dir.resolve(RESULT) + ", " + dir.resolve(REPORT) + ", " + dir.resolve(PLOT)
                + (model == null ? "" : ", " + dir.resolve(MODEL)));
    }

    /** Reads DIR/result.json (for {@code pruneaug report}). */
    public static SearchResult read(Path dir) {
        Path file = dir.resolve(RESULT);
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException(dir + " holds no " + RESULT + ": not a finished search output directory");
        }
        SearchResult r = Json.read(file, SearchResult.class, "search result");
        if (!SearchResult.FORMAT.equals(r.format())) {
            throw new InvalidInputException(file + " has format '" + r.format() + "', expected " + SearchResult.FORMAT);
        }
        return r;
    }

    /** Writes report.md and pareto.png from a result. */
    public static void render(Path dir, SearchResult r) {
        plot(dir.resolve(PLOT), r);
        AtomicFiles.writeString(dir.resolve(REPORT), markdown(r));
    }

    static void plot(Path file, SearchResult r) {
        List<ScatterChart.Points> series = new ArrayList<>();
        Map<String, List<SearchResult.Candidate>> byFamily = new LinkedHashMap<>();
        for (SearchResult.Candidate c : r.candidates()) {
            byFamily.computeIfAbsent(c.family().startsWith("uniform") ? "uniform block candidates"
                    : c.family().equals("pruneaug") ? "PruneAug candidates"
                    : c.family().equals("pruneaug-calibrated") ? "PruneAug calibrated-frontier candidates"
                    : c.family().equals("pruneaug-polish") ? "PruneAug polish candidates"
                    : c.family().equals("earlier") ? "fine-tuned by an earlier run" : c.family() + " candidates",
                    k -> new ArrayList<>()).add(c);
        }
        byFamily.forEach((name, cs) -> series.add(new ScatterChart.Points(name,
                cs.stream().mapToDouble(SearchResult.Candidate::predictedMs).toArray(),
                cs.stream().mapToDouble(c -> 100 * c.validationAccuracy()).toArray(), null)));
        List<SearchResult.Network> nets = r.networks();
        series.add(new ScatterChart.Points("final networks (measured)",
                nets.stream().mapToDouble(SearchResult.Network::measuredMs).toArray(),
                nets.stream().mapToDouble(n -> 100 * n.validationAccuracy()).toArray(),
                nets.stream().map(SearchResult.Network::name).toArray(String[]::new)));
        List<LineChart.Line> lines = new ArrayList<>(List.of(new LineChart.Line("accuracy floor (dense - budget)",
                100 * r.accuracyFloor())));
        if (r.unprunedFineTunedAccuracy() != null) {
            lines.add(new LineChart.Line("unpruned, after the same fine-tuning", 100 * r.unprunedFineTunedAccuracy()));
        }
        ScatterChart.writePng(file, "Validation accuracy vs latency (" + r.config().get("platform") + ", batch "
                + r.config().get("batch") + ", " + r.config().get("threads") + " threads)", "latency per batch (ms)",
                "validation accuracy after fine-tuning (%)", series,
                lines, 1000, 650);
    }

    /**
     * What fine-tuning the unpruned network did to its validation accuracy against the budget (points),
     * as the search's log and the report say it, e.g. "91.72% (-0.94 points: the fine-tuning alone
     * spends 94% of the 1.00-point budget, pruning gets the rest)".
     */
    static String fineTuningAlone(double denseAccuracy, double unprunedFineTuned, double budget) {
        double cost = 100 * (denseAccuracy - unprunedFineTuned);
        String share = cost <= 0 ? "the fine-tuning alone costs no accuracy"
                : budget > 0 ? String.format(Locale.ROOT, "the fine-tuning alone spends %.0f%% of the %.2f-point budget,"
                        + " pruning gets the rest", 100 * cost / budget, budget)
                : "the fine-tuning alone already exceeds the 0-point budget";
        return String.format(Locale.ROOT, "%.2f%% (%+.2f points: %s)", 100 * unprunedFineTuned, -cost, share);
    }

    static String markdown(SearchResult r) {
        StringBuilder md = new StringBuilder();
        Map<String, Object> c = r.config();
        md.append("# PruneAug search report\n\n");
        md.append(String.format(Locale.ROOT, "Model `%s`, platform **%s** (dense baseline %s), pruner **%s**, budget "
                + "**%.2f** accuracy points, batch %s, %s threads.%n%n", c.get("model"), c.get("platform"),
                c.get("dense_platform"), c.get("method"), ((Number) c.get("max_accuracy_loss_points")).doubleValue(),
                c.get("batch"), c.get("threads")));
        md.append(String.format(Locale.ROOT, "Hardware: %s. Tool %s (git %s), %s.%n%n", r.provenance().hardware(),
                r.provenance().toolVersion(), r.provenance().gitSha(), r.provenance().created()));
        md.append(String.format(Locale.ROOT, "Dense validation accuracy %.2f%%: candidates must reach %.2f%% after "
                + "fine-tuning (%s).%n%n", 100 * r.denseValidationAccuracy(), 100 * r.accuracyFloor(), c.get("fine_tune")));
        if (c.get("reconstruction_images") instanceof Number n && n.intValue() > 0) {
            md.append(String.format(Locale.ROOT, "Before fine-tuning, every pruned network (baselines included) had its"
                    + " kept weights refitted by least squares to the dense layers' outputs on %d training images.%n%n",
                    n.intValue()));
        }
        if (r.unprunedFineTunedAccuracy() != null) {
            md.append("The unpruned network after the same fine-tuning: ").append(fineTuningAlone(r.denseValidationAccuracy(),
                    r.unprunedFineTunedAccuracy(), ((Number) c.get("max_accuracy_loss_points")).doubleValue())).append(".\n\n");
        }
        md.append("## Networks measured in the same run\n\n");
        md.append("| network | overall sparsity | val. acc. | test acc. | measured ms/batch | speedup vs dense |"
                + " predicted ms | prediction error | search's prediction (error) | meets budget |\n"
                + "|---|---|---|---|---|---|---|---|---|---|\n");
        for (SearchResult.Network n : r.networks()) {
            md.append(String.format(Locale.ROOT, "| %s | %.3f | %.2f%% | %.2f%% | %.3f (%.3f-%.3f) | %.2fx | %.3f | %+.1f%% | %s | %s |%n",
                    n.name(), n.overallSparsity(), 100 * n.validationAccuracy(), 100 * n.testAccuracy(), n.measuredMs(),
                    n.measuredMinMs(), n.measuredMaxMs(), n.speedupVsDense(), n.predictedMs(), 100 * n.predictionError(),
                    n.searchPrediction(), n.meetsBudget() ? "yes" : "no"));
        }
        md.append("\nMeasured: lowest median of " + PruneAugSearch.FINAL_ROUNDS + " rounds of 30 forward passes (after 5 warm-up"
                + " passes; rounds interleaved over the networks, " + PruneAugSearch.ROUND_GAP_MS / 1000 + " s apart), on the sparse runtime "
                + "(pruned layers on the platform's kernels, the others on the dense baseline). Predicted: the latency"
                + " model (profiled tables, in-network corrections) with " + c.getOrDefault("predictions",
                        "the search's calibration") + ".\n\n");
        md.append("## PruneAug's assignment\n\n| layer | block | sparsity | GEMM (MxKxN) | kernel | predicted ms | dense ms |\n"
                + "|---|---|---|---|---|---|---|\n");
        for (SearchResult.LayerChoice l : r.assignment()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.2f | %s | %s | %.3f | %.3f |%n", l.layer(), l.block(),
                    l.sparsity(), l.gemm(), l.kernel(), l.predictedMs(), l.denseMs()));
        }
        md.append(floorLine(r));
        if (r.agreement() != null) {
            md.append(String.format(Locale.ROOT, "%nSparse runtime vs DL4J on the %d test images: same class for %.2f%%,"
                    + " largest probability difference %.2e.%n", r.agreement().images(),
                    100 * r.agreement().argmaxAgreement(), r.agreement().maxAbsDiff()));
        }
        SearchResult.Cost k = r.cost();
        md.append("\n## Search cost\n\n");
        md.append(String.format(Locale.ROOT, "- full space: %.3g assignments (%d block shapes x %d sparsities + dense, per layer)%n",
                k.fullSpaceSize(), k.blocksConsidered(), ((List<?>) c.get("sparsities")).size()));
        md.append(String.format(Locale.ROOT, "- after the platform's dominance pruning: %.3g (%d of %d layer x block options left)%n",
                k.prunedSpaceSize(), k.blockOptionsAfter(), k.blockOptionsBefore()));
        md.append(String.format(Locale.ROOT, "- cheap fidelity (one-layer pruning, no fine-tuning): %d evaluations (+%d reused"
                + " from the cache)%n", k.cheapEvaluations(), k.cheapEvaluationsReused()));
        md.append(String.format(Locale.ROOT, "- frontier (exact knapsack): %d points%n", k.frontierPoints()));
        md.append(String.format(Locale.ROOT, "- fine-tuned: %d networks (+%d reused from the cache): PruneAug's candidates and the "
                + "baselines'%s%n", k.fineTunes(), k.fineTunesReused(), r.unprunedFineTunedAccuracy() == null ? ""
                        : ", and the unpruned network once"));
        md.append("- wall time per phase:");
        k.phaseSeconds().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> md.append(
                String.format(Locale.ROOT, " %s %.0f s;", e.getKey(), e.getValue())));
        md.append("\n\n## Dominance pruning\n\n| layer | surviving blocks | dropped (by) |\n|---|---|---|\n");
        r.survivors().forEach((layer, s) -> md.append("| ").append(layer).append(" | ").append(String.join(", ", s))
                .append(" | ").append(r.droppedBy().getOrDefault(layer, Map.of()).entrySet().stream()
                        .map(e -> e.getKey() + " (" + e.getValue() + ")").reduce((a, b) -> a + ", " + b).orElse("-"))
                .append(" |\n"));
        md.append("\n## Fine-tuned candidates\n\n| family | pruned layers | predicted ms | proxy damage | val. acc. | feasible |"
                + " fine-tune s |\n|---|---|---|---|---|---|---|\n");
        for (SearchResult.Candidate cand : r.candidates()) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %.3f | %.4f | %.2f%% | %s | %.0f |%n", cand.family(),
                    cand.plan().stream().filter(a -> a.sparsity() > 0).map(a -> String.format(Locale.ROOT, "%s %s@%.2f",
                            a.layer(), a.block(), a.sparsity())).collect(java.util.stream.Collectors.joining(", ")),
                    cand.predictedMs(), cand.proxyDamage(), 100 * cand.validationAccuracy(), cand.feasible() ? "yes" : "no",
                    cand.fineTuneSeconds()));
        }
        if (c.get("damage_calibration") instanceof Map<?, ?> cal && !cal.isEmpty()) {
            md.append("\nDamage calibration of the polish (summed one-shot damage at which the uniform plans of a block"
                    + " area stop meeting the budget; other areas interpolated):");
            cal.forEach((area, d) -> md.append(String.format(Locale.ROOT, " area %s: %.3f;", area, ((Number) d).doubleValue())));
            md.append("\n");
        }
        md.append("\n![accuracy vs latency](").append(PLOT).append(")\n");
        return md.toString();
    }

    /**
     * The part of PruneAug's predicted latency outside its assignment table (pooling, flatten, the
     * layers left to the dense baseline, softmax): the same in every network of the run, so it
     * bounds every ratio between them. Empty when the run has no PruneAug network.
     */
    static String floorLine(SearchResult r) {
        double layers = r.assignment().stream().mapToDouble(SearchResult.LayerChoice::predictedMs).sum();
        return r.networks().stream().filter(n -> n.name().equals("pruneaug")).findFirst()
                .filter(n -> n.predictedMs() > layers)
                .map(n -> String.format(Locale.ROOT, "%nThe operators outside this table (pooling, flatten, layers left to the"
                        + " dense baseline, softmax) are predicted at %.3f of the network's %.3f ms (%.0f%%), the same in"
                        + " every network above: no block choice removes them.%n", n.predictedMs() - layers, n.predictedMs(),
                        100 * (n.predictedMs() - layers) / n.predictedMs()))
                .orElse("");
    }
}
