package org.pruneaug.search;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.core.Progress;
import org.pruneaug.core.Provenance;
import org.pruneaug.dl4j.DataSplit;
import org.pruneaug.dl4j.Evaluator;
import org.pruneaug.dl4j.FashionMnist;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.LabeledImages;
import org.pruneaug.dl4j.Models;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.dl4j.Trainer;
import org.pruneaug.inference.Agreement;
import org.pruneaug.inference.Execution;
import org.pruneaug.inference.Placements;
import org.pruneaug.inference.SparseNetwork;
import org.pruneaug.inference.Timing;
import org.pruneaug.platforms.Platforms;
import org.pruneaug.platforms.Profiler;
import org.pruneaug.platforms.SparsePlatform;
import org.pruneaug.pruning.PrunedNetwork;
import org.pruneaug.pruning.Pruner;
import org.pruneaug.pruning.Pruning;
import org.pruneaug.pruning.PruningRecord;
import org.pruneaug.pruning.Reconstruction;

/**
 * PruneAug's search: per prunable layer, a block shape and a sparsity that minimise the latency the
 * target platform really shows, subject to the fine-tuned validation accuracy staying within the
 * budget of the dense model's. Multi-fidelity, cheapest first:
 * <ol>
 * <li>latency: the platform's measured latency table of the layers' own GEMM shapes (free once
 *     profiled) prunes the space: per layer, a block shape is dropped when a finer-or-equal shape is
 *     as fast at every sparsity ({@link DominanceFilter});</li>
 * <li>cheap fidelity: the validation-subset loss of the network pruned at one layer only, not
 *     fine-tuned, for every surviving (layer, block, sparsity): its increase is the layer option's
 *     damage;</li>
 * <li>an exact multiple-choice knapsack ({@link ParetoFrontier}) turns those into the frontier of
 *     minimum predicted latency for every total damage;</li>
 * <li>full fidelity: fine-tuning, spent only on a bisection of the frontier
 *     ({@link FrontierBisection}) for the fastest point that meets the budget.</li>
 * </ol>
 * The baselines of the same run (unstructured, best uniform block) reuse the same fidelities, so
 * they get exactly the fine-tuning budget PruneAug's candidates get. Every measurement is cached in
 * the output directory; an interrupted search resumes from it.
 */
public final class PruneAugSearch {
    private final SearchConfig cfg;
    private final Platforms platforms;
    private final PrintStream log;
    private final Map<String, Double> phases = new LinkedHashMap<>();
    private final List<SearchResult.Candidate> candidates = new ArrayList<>();
    private final Map<String, Double> damageMemo = new TreeMap<>();

    private SearchCache cache;
    private Pruning pruning;
    private DataSplit data;
    private LabeledImages fidelitySubset;
    private double denseSubsetLoss;
    private double floor;
    private double unprunedFineTuned;
    private Evaluator.Accuracy denseVal;
    private LatencyOracle oracle;
    /** The oracle the search decided with (the final table may predict from a fresher calibration). */
    private LatencyOracle searchOracle;
    private List<PrunableLayer> pruned;
    private List<PrunableLayer> searched;
    private Models.Loaded loaded;
    private Execution exec;
    private int cheapEvaluations;
    private int cheapReused;
    private int fineTunes;
    private int fineTunesReused;
    private long phaseStart;
    private LatencyOracle.Probe probe;
    private ShapeCalibration calibration = ShapeCalibration.fit(List.of());
    /** Where the final table's predictions come from (the search's calibration, or a fresh one). */
    private String predictionSource = "the search's calibration";
    /** Baselines whose highest feasible sparsity was not bracketed within {@link #BASELINE_PROBES}. */
    private final java.util.Set<String> unbracketed = new java.util.HashSet<>();

    private PruneAugSearch(SearchConfig cfg, Platforms platforms, PrintStream log) {
        this.cfg = cfg;
        this.platforms = platforms;
        this.log = log;
    }

    /** Runs (or resumes) the search; progress and decisions go to {@code log}. */
    public static SearchResult run(SearchConfig cfg, Platforms platforms, PrintStream log) {
        return new PruneAugSearch(cfg, platforms, log).run();
    }

    private void phase(String name) {
        long now = System.nanoTime();
        if (!phases.isEmpty()) {
            String last = phases.keySet().stream().reduce((a, b) -> b).orElseThrow();
            phases.put(last, (now - phaseStart) / 1e9);
        }
        phases.put(name, 0.0);
        phaseStart = now;
        log.println("== " + name);
    }

    private SearchResult run() {
        phase("setup");
        SparsePlatform platform = available(platforms.get(cfg.platform()));
        if (platform.isDense()) {
            throw new InvalidInputException("platform " + platform.id() + " is a dense baseline: give a sparse platform"
                    + " to search for (see 'pruneaug platforms')");
        }
        SparsePlatform dense = available(platforms.get(cfg.densePlatform()));
        if (!dense.isDense()) {
            throw new InvalidInputException("--dense-platform " + dense.id() + " is not a dense baseline");
        }
        Pruner pruner = Pruner.byName(cfg.method());
        List<BlockShape> blocks = cfg.blocks().isEmpty() ? platform.supportedBlocks() : cfg.blocks();
        blocks.forEach(platform::requireSupported);
        loaded = Models.load(cfg.model());
        MultiLayerNetwork net = loaded.network();
        exec = Execution.parse(cfg.microBatch(), net, cfg.batch(), cfg.threads());
        List<PrunableLayer> layers = GemmView.layers(net);
        pruned = layers.stream().filter(l -> Pruning.prunedByDefault(l, layers)).toList();
        // every layer but the output one is placed by the search (dense baseline, or the platform's
        // kernels at density 1); the prunable ones may also be pruned
        searched = layers.stream().filter(l -> !l.output()).toList();
        if (pruned.isEmpty()) {
            throw new InvalidInputException("model " + cfg.model() + " has no prunable layer (its layers: "
                    + layers.stream().map(PrunableLayer::name).toList() + "; the first convolution and the output"
                    + " layer are never pruned by the search)");
        }
        cache = SearchCache.open(cfg.out(), cfg.identity(sha256(cfg.model())));
        data = FashionMnist.load(cfg.dataDir());
        fidelitySubset = data.validation().head(Math.min(cfg.sensitivityImages(), data.validation().size()));
        denseVal = Evaluator.evaluate(net, data.validation());
        denseSubsetLoss = Evaluator.evaluate(net, fidelitySubset).loss();
        floor = denseVal.accuracy() - cfg.maxAccuracyLoss() / 100.0;
        log.printf(Locale.ROOT, "dense validation accuracy %.2f%%; budget %.2f points: fine-tuned candidates need >= %.2f%%%n",
                100 * denseVal.accuracy(), cfg.maxAccuracyLoss(), 100 * floor);
        log.println("inference schedule of every network: " + exec.describe() + " (batch " + cfg.batch() + ", "
                + cfg.threads() + " threads)");
        log.printf(Locale.ROOT, "%d prunable layers %s, %d candidate blocks, %d sparsities%n", pruned.size(),
                pruned.stream().map(PrunableLayer::name).toList(), blocks.size(), cfg.sparsities().size());

        phase("scoring");
        pruning = Pruning.score(net, pruner, data.train(), cfg.seed(), cfg.permuteRows());
        if (cfg.reconstructionImages() > 0
                && pruning.withReconstruction(Reconstruction.calibration(data.train(), cfg.reconstructionImages(),
                        cfg.seed())).reconstructs()) {
            log.printf(Locale.ROOT, "every fine-tuned candidate's kept weights are first refitted by least squares on %d"
                    + " training images (--reconstruction-images 0: off)%n", cfg.reconstructionImages());
        }

        phase("latency");
        Path tableFile = Profiler.defaultTableFile(platforms, platform, cfg.threads());
        probe = (block, sparsity) -> {
            List<LayerAssignment> plan = searched.stream()
                    .map(l -> new LayerAssignment(l.name(), block, pruned.contains(l) ? sparsity : 0.0)).toList();
            return Placements.of(plan, name -> pruning.mask(plan.stream().filter(a -> a.layer().equals(name))
                    .findFirst().orElseThrow()), platform, dense);
        };
        Set<String> prunedNames = pruned.stream().map(PrunableLayer::name).collect(Collectors.toSet());
        oracle = LatencyOracle.calibrate(net, searched, prunedNames, platform, dense, probe, blocks, cfg.sparsities(),
                cfg.batch(), cfg.threads(), exec, tableFile, cache, log);
        log.println("in-network / table latency (range over blocks): " + oracle.correctionSummary());

        phase("dominance");
        Map<String, List<BlockShape>> survivors = new LinkedHashMap<>();
        Map<String, Map<String, String>> droppedBy = new LinkedHashMap<>();
        int before = 0;
        int after = 0;
        for (PrunableLayer l : pruned) {
            Map<BlockShape, double[]> lat = new LinkedHashMap<>();
            for (BlockShape b : blocks) {
                lat.put(b, cfg.sparsities().stream().mapToDouble(s -> oracle.platformMs(l.name(), b, s)).toArray());
            }
            DominanceFilter.Result r = DominanceFilter.filter(lat, 0.02);
            survivors.put(l.name(), r.survivors());
            Map<String, String> d = new TreeMap<>();
            r.droppedBy().forEach((k, v) -> d.put(k.toString(), v.toString()));
            droppedBy.put(l.name(), d);
            before += blocks.size();
            after += r.survivors().size();
            log.printf(Locale.ROOT, "  %-8s %2d of %d block shapes survive: %s%n", l.name(), r.survivors().size(),
                    blocks.size(), r.survivors());
        }

        phase("cheap fidelity");
        int total = survivors.values().stream().mapToInt(List::size).sum() * cfg.sparsities().size();
        try (Progress progress = new Progress("sensitivity", total)) {
            for (PrunableLayer l : pruned) {
                for (BlockShape b : survivors.get(l.name())) {
                    for (double s : cfg.sparsities()) {
                        damage(l.name(), b, s);
                        progress.step(l.name() + " " + b + " " + s);
                    }
                }
            }
        }

        phase("frontier");
        List<List<LayerOption>> options = new ArrayList<>();
        for (PrunableLayer l : searched) {
            List<LayerOption> opts = new ArrayList<>();
            opts.add(new LayerOption(BlockShape.UNSTRUCTURED, 0.0, oracle.denseMs(l.name()), 0.0, false));
            BlockShape denseBlock = oracle.fastestDenseBlock(l.name());
            opts.add(new LayerOption(denseBlock, 0.0, oracle.platformMs(l.name(), denseBlock, 0.0), 0.0, true));
            for (BlockShape b : survivors.getOrDefault(l.name(), List.of())) {
                for (double s : cfg.sparsities()) {
                    opts.add(new LayerOption(b, s, oracle.platformMs(l.name(), b, s), damage(l.name(), b, s), true));
                }
            }
            options.add(opts);
        }
        List<ParetoFrontier.Point> full = frontierOf(options);
        List<ParetoFrontier.Point> frontier = ParetoFrontier.thin(full, cfg.frontierSize());
        log.printf(Locale.ROOT, "frontier: %d points (%d kept for fine-tuning probes), %.3f -> %.3f ms predicted%n",
                full.size(), frontier.size(), frontier.get(0).latencyMs(), frontier.get(frontier.size() - 1).latencyMs());

        phase("fine-tuning search");
        unprunedFineTuned = fineTuningAlone();
        List<List<LayerAssignment>> plans = frontier.stream().map(p -> planOf(options, p)).toList();
        FrontierBisection.Outcome outcome = FrontierBisection.search(plans.size(),
                i -> feasible("pruneaug", plans.get(i), frontier.get(i).damage()), cfg.maxFineTunes());
        // no feasible point: the fastest placement of the unpruned network
        List<LayerAssignment> chosen = outcome.best() >= 0 ? plans.get(outcome.best()) : denseOnBestKernels();
        double calibratedDamage = outcome.best() >= 0 ? frontier.get(outcome.best()).damage() : 0.0;
        log.printf(Locale.ROOT, "chosen frontier point %d of %d after %d probes%n", outcome.best(), plans.size(),
                outcome.probes().size());
        // probes left: bisect the full frontier between the chosen point and the next (infeasible) one,
        // which the thinning skipped (16 of 130 points: a gap of half a millisecond on VGG)
        int left = cfg.maxFineTunes() - outcome.probes().size();
        if (outcome.best() >= 0 && outcome.best() + 1 < frontier.size() && left > 0) {
            int from = full.indexOf(frontier.get(outcome.best()));
            int to = full.indexOf(frontier.get(outcome.best() + 1));
            List<ParetoFrontier.Point> gap = full.subList(from + 1, to);
            FrontierBisection.Outcome refined = FrontierBisection.search(gap.size(),
                    i -> feasible("pruneaug", planOf(options, gap.get(i)), gap.get(i).damage()), left);
            if (refined.best() >= 0) {
                chosen = planOf(options, gap.get(refined.best()));
                calibratedDamage = gap.get(refined.best()).damage();
            }
            log.printf(Locale.ROOT, "refined between frontier points %d and %d: %d more probes, %s%n", outcome.best(),
                    outcome.best() + 1, refined.probes().size(), refined.best() >= 0
                            ? String.format(Locale.ROOT, "%.3f ms predicted", oracle.networkMs(chosen)) : "none faster");
        }

        phase("baselines");
        List<Double> grid = cfg.sparsities();
        Map<BlockShape, Integer> boundaries = new LinkedHashMap<>();
        Optional<List<LayerAssignment>> unstructured = uniformBaseline("unstructured", BlockShape.UNSTRUCTURED, grid,
                calibratedDamage, boundaries);
        List<BlockShape> uniformOrder = uniformOrder(blocks, survivors, grid, calibratedDamage);
        BlockShape bestUniformBlock = null;
        List<LayerAssignment> bestUniform = null;
        double bestUniformMs = Double.POSITIVE_INFINITY;
        int uniformTried = 0;
        for (BlockShape b : uniformOrder) {
            if (uniformTried >= UNIFORM_SHAPES && (bestUniform != null || uniformTried >= MAX_UNIFORM_SHAPES)) {
                break;
            }
            uniformTried++;
            Optional<List<LayerAssignment>> plan = uniformBaseline("uniform-" + b, b, grid, calibratedDamage, boundaries);
            if (plan.isPresent() && oracle.networkMs(plan.get()) < bestUniformMs) {
                bestUniformMs = oracle.networkMs(plan.get());
                bestUniform = plan.get();
                bestUniformBlock = b;
            }
        }

        phase("polish");
        polish(options);
        // after the polish, so that a resumed search with the same calibration polishes as the first did
        // (its polish plans come back from the cache as the polish's own, not as "earlier")
        earlierFineTunes();

        // a uniform plan the search itself fine-tuned and found feasible (PruneAug's walk, the polish)
        // is a uniform baseline too: a demo's answer was the uniform 4x1 plan while the baselines'
        // walk had tried 2x1 and 4x2 only, and its table compared PruneAug with the weaker of the two
        String uniformFrom = "";
        for (SearchResult.Candidate c : candidates) {
            Optional<LayerAssignment> u = uniformShape(c.plan());
            if (c.feasible() && u.isPresent() && !u.get().block().equals(BlockShape.UNSTRUCTURED)
                    && c.predictedMs() < bestUniformMs - 1e-9) {
                bestUniformMs = c.predictedMs();
                bestUniform = c.plan();
                bestUniformBlock = u.get().block();
                uniformFrom = "; found by the search's " + c.family() + " candidates, not by the baselines' walk";
            }
        }

        String chosenFrom = "";
        // every fine-tuned candidate of the search, the baselines' included, is a layerwise assignment
        // fine-tuned with the same budget: PruneAug answers with the fastest feasible one, by prediction
        // first, then, among those predicted within the prediction's error of the fastest, by measuring
        // them on the platform (a few seconds each)
        Optional<SearchResult.Candidate> fastest = fastestFeasible();
        if (fastest.isPresent() && fastest.get().predictedMs() < oracle.networkMs(chosen) - 1e-9) {
            log.printf(Locale.ROOT, "a feasible %s candidate is predicted faster (%.3f ms vs %.3f ms): PruneAug takes it%n",
                    fastest.get().family(), fastest.get().predictedMs(), oracle.networkMs(chosen));
            chosen = fastest.get().plan();
            chosenFrom = " (the " + fastest.get().family() + " candidate: the fastest feasible plan the search fine-tuned)";
        }
        Optional<SearchResult.Candidate> measuredFastest = fastestMeasuredFinalist(chosen, platform, dense);
        if (measuredFastest.isPresent()) {
            chosen = measuredFastest.get().plan();
            chosenFrom = " (the " + measuredFastest.get().family() + " candidate: the fastest measured of the feasible plans"
                    + " predicted within " + Math.round(100 * FINALIST_MARGIN) + "% of the fastest)";
        }

        phase("measurement");
        List<Measured> todo = new ArrayList<>();
        todo.add(new Measured("dense", "dense network on " + dense.id() + " (" + exec.describe() + ")", List.of()));
        todo.add(new Measured("dense-" + platform.id(), "reference: the dense network with each layer on the faster of "
                + dense.id() + " and " + platform.id() + "'s kernels at density 1 (how much comes from kernels, not pruning)",
                denseOnBestKernels()));
        unstructured.ifPresent(p -> todo.add(new Measured("unstructured",
                "1x1 at the highest uniform sparsity meeting the budget" + bracketNote("unstructured"), p)));
        if (bestUniform != null) {
            todo.add(new Measured("uniform-" + bestUniformBlock, "best uniform block shape (" + bestUniformBlock
                    + ") at the highest uniform sparsity meeting the budget" + bracketNote("uniform-" + bestUniformBlock)
                    + uniformFrom, bestUniform));
        }
        todo.add(new Measured("pruneaug", !prunes(chosen) ? "no pruned candidate met the budget: the dense network"
                : "PruneAug's per-layer block shapes and sparsities" + chosenFrom, chosen));
        double denseNow = awaitCalmMachine(platform, dense); // quick when the finalists just waited for it
        searchOracle = oracle;
        recalibrateIfMoved(denseNow, todo.stream().map(Measured::plan).toList(), dense);
        List<Timing> timings = timeInterleaved(todo.stream().map(Measured::plan).toList(), platform, dense,
                FINAL_ROUNDS, 30, ROUND_GAP_MS);
        List<SearchResult.Network> networks = new ArrayList<>();
        for (int i = 0; i < todo.size(); i++) {
            networks.add(measured(todo.get(i), timings.get(i)));
        }
        double denseMs = networks.get(0).measuredMs();
        List<SearchResult.Network> withSpeedup = networks.stream().map(n -> withSpeedup(n, denseMs)).toList();
        Agreement agreement = agreement(chosen, platform, dense);

        phase("report");
        List<SearchResult.LayerChoice> assignment = new ArrayList<>();
        for (PrunableLayer l : searched) {
            LayerAssignment a = chosen.stream().filter(x -> x.layer().equals(l.name())).findFirst().orElse(null);
            LatencyOracle.LayerCosts c = oracle.costs(l.name());
            assignment.add(a == null
                    ? new SearchResult.LayerChoice(l.name(), "dense", 0.0, c.denseShape().toString(), dense.id(),
                            c.denseMs(), c.denseMs())
                    : new SearchResult.LayerChoice(l.name(), a.block().toString(), a.sparsity(),
                            c.platformShape().toString(), platform.kernelName(a.block()),
                            oracle.platformMs(l.name(), a.block(), a.sparsity()), c.denseMs()));
        }
        List<SearchResult.FrontierPoint> points = new ArrayList<>();
        for (int i = 0; i < frontier.size(); i++) {
            points.add(new SearchResult.FrontierPoint(i, frontier.get(i).latencyMs(), frontier.get(i).damage(), plans.get(i)));
        }
        double fullSpace = 1;
        double prunedSpace = 1;
        for (PrunableLayer l : pruned) {
            fullSpace *= 1 + (double) blocks.size() * cfg.sparsities().size();
            prunedSpace *= 1 + (double) survivors.get(l.name()).size() * cfg.sparsities().size();
        }
        phase("done");
        phases.remove("done");
        SearchResult.Cost cost = new SearchResult.Cost(fullSpace, prunedSpace, blocks.size(), before, after,
                cheapEvaluations, cheapReused, full.size(), fineTunes, fineTunesReused, Map.copyOf(phases));
        Map<String, List<String>> survivorNames = new LinkedHashMap<>();
        survivors.forEach((k, v) -> survivorNames.put(k, v.stream().map(BlockShape::toString).toList()));
        SearchResult result = new SearchResult(SearchResult.FORMAT, configMap(platform, dense), Provenance.now(platform.hardware()),
                denseVal.accuracy(), floor, assignment, withSpeedup, List.copyOf(candidates), points, survivorNames,
                droppedBy, agreement, cost, unprunedFineTuned);
        SearchOutputs.write(cfg.out(), result, prunes(chosen) ? cache.fineTunedModel(SearchCache.key(prunedPart(chosen)))
                : null, chosen, log);
        return result;
    }

    private Map<String, Object> configMap(SparsePlatform platform, SparsePlatform dense) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("model", cfg.model().toString());
        m.put("platform", platform.id());
        m.put("dense_platform", dense.id());
        m.put("method", cfg.method());
        m.put("max_accuracy_loss_points", cfg.maxAccuracyLoss());
        m.put("threads", cfg.threads());
        m.put("batch", cfg.batch());
        m.put("schedule", exec.describe());
        m.put("sparsities", cfg.sparsities());
        m.put("fine_tune", cfg.fineTune());
        m.put("sensitivity_images", cfg.sensitivityImages());
        m.put("frontier_size", cfg.frontierSize());
        m.put("max_finetunes", cfg.maxFineTunes());
        m.put("seed", cfg.seed());
        m.put("permute_rows", cfg.permuteRows());
        // what ran: a gradual pruner restarts from the dense weights and is never refitted
        m.put("reconstruction_images", pruning != null && pruning.reconstructs() ? cfg.reconstructionImages() : 0);
        m.put("platform_versions", platform.libraryVersions());
        m.put("predictions", predictionSource);
        m.put("damage_calibration", calibration.boundaries());
        return m;
    }

    private static SparsePlatform available(SparsePlatform p) {
        p.unavailableReason().ifPresent(why -> {
            throw new InvalidInputException("platform " + p.id() + " is not available here: " + why);
        });
        return p;
    }

    // ---- cheap fidelity ----------------------------------------------------------------------

    /** Validation-subset loss increase of pruning one layer alone (not fine-tuned), cached. */
    private double damage(String layer, BlockShape block, double sparsity) {
        String key = String.format(Locale.ROOT, "%s|%s|%.4f", layer, block, sparsity);
        Double memo = damageMemo.get(key);
        if (memo != null) {
            return memo;
        }
        SearchCache.Fidelity f = cache.sensitivity(key).orElse(null);
        if (f == null) {
            Evaluator.Accuracy a = pruning.layerFidelity(new LayerAssignment(layer, block, sparsity), fidelitySubset);
            f = new SearchCache.Fidelity(a.loss(), a.accuracy());
            cache.putSensitivity(key, f);
            cheapEvaluations++;
        } else {
            cheapReused++;
        }
        double d = Math.max(0.0, f.loss() - denseSubsetLoss);
        damageMemo.put(key, d);
        return d;
    }

    private double planDamage(List<LayerAssignment> plan) {
        return plan.stream().mapToDouble(a -> a.sparsity() == 0 ? 0 : damage(a.layer(), a.block(), a.sparsity())).sum();
    }

    private List<LayerAssignment> planOf(List<List<LayerOption>> options, ParetoFrontier.Point p) {
        List<LayerAssignment> plan = new ArrayList<>();
        for (int l = 0; l < searched.size(); l++) {
            LayerOption o = options.get(l).get(p.choice()[l]);
            if (o.onPlatform()) {
                plan.add(new LayerAssignment(searched.get(l).name(), o.block(), o.sparsity()));
            }
        }
        return plan;
    }

    /** The unpruned network, each layer on the faster of the dense baseline and the platform's kernels. */
    private List<LayerAssignment> denseOnBestKernels() {
        return searched.stream().map(l -> oracle.fastestUnpruned(l.name())).filter(java.util.Objects::nonNull).toList();
    }

    /**
     * One block shape and sparsity for every prunable layer; the other layers placed as in
     * {@link #denseOnBestKernels}, so that baselines and PruneAug run unpruned layers alike.
     */
    private List<LayerAssignment> uniform(BlockShape block, double sparsity) {
        return completed(l -> pruned.contains(l) ? new LayerAssignment(l.name(), block, sparsity) : null);
    }

    /**
     * The block shape and sparsity of a plan that prunes every layer the search prunes with the same
     * block shape at the same sparsity (a uniform plan); empty for any other plan.
     */
    private Optional<LayerAssignment> uniformShape(List<LayerAssignment> plan) {
        List<LayerAssignment> p = prunedPart(plan);
        if (p.isEmpty()) {
            return Optional.empty();
        }
        LayerAssignment first = p.get(0);
        boolean uniform = SearchCache.key(p).equals(SearchCache.key(prunedPart(uniform(first.block(), first.sparsity()))));
        return uniform ? Optional.of(first) : Optional.empty();
    }

    /**
     * A whole plan in search order: each searched layer's {@code choice}, or, where it has none
     * (null), the layer unpruned where it runs fastest (on the platform at density 1, or on the
     * dense baseline, which a plan leaves implicit).
     */
    private List<LayerAssignment> completed(Function<PrunableLayer, LayerAssignment> choice) {
        List<LayerAssignment> plan = new ArrayList<>();
        for (PrunableLayer l : searched) {
            LayerAssignment a = choice.apply(l);
            if (a == null) {
                a = oracle.fastestUnpruned(l.name());
            }
            if (a != null) {
                plan.add(a);
            }
        }
        return plan;
    }

    /** The pruned layers of a plan, e.g. "conv2 4x1@0.70, fc1 2x1@0.90". */
    private static String describe(List<LayerAssignment> plan) {
        return prunedPart(plan).stream().map(a -> String.format(Locale.ROOT, "%s %s@%.2f", a.layer(), a.block(), a.sparsity()))
                .collect(java.util.stream.Collectors.joining(", "));
    }

    private static boolean prunes(List<LayerAssignment> plan) {
        return plan.stream().anyMatch(a -> a.sparsity() > 0);
    }

    /** What fine-tuning sees of a plan: the layers it prunes (placement does not change the weights). */
    private static List<LayerAssignment> prunedPart(List<LayerAssignment> plan) {
        return plan.stream().filter(a -> a.sparsity() > 0).toList();
    }

    /** Highest grid index whose uniform plan's summed damage stays within the calibrated damage; -1 if none. */
    private int proxyIndex(BlockShape block, List<Double> grid, double calibratedDamage) {
        int lo = -1;
        int hi = grid.size();
        while (hi - lo > 1) { // damage grows with sparsity
            int mid = (lo + hi) >>> 1;
            if (planDamage(uniform(block, grid.get(mid))) <= calibratedDamage + 1e-12) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    // ---- full fidelity -----------------------------------------------------------------------

    /** Fine-tunes the plan (or reuses its cached outcome) and tells whether it meets the budget. */
    private boolean feasible(String family, List<LayerAssignment> plan, double proxyDamage) {
        SearchCache.FineTuned f = fineTune(plan);
        boolean ok = f.validationAccuracy() >= floor;
        candidates.add(new SearchResult.Candidate(family, f.key(), plan, oracle.networkMs(plan), proxyDamage,
                f.validationAccuracy(), ok, f.seconds()));
        log.printf(Locale.ROOT, "  %-16s predicted %7.3f ms, validation %.2f%% %s: %s%n", family, oracle.networkMs(plan),
                100 * f.validationAccuracy(), ok ? "meets the budget" : "misses the budget", describe(plan));
        return ok;
    }

    /**
     * The unpruned network fine-tuned with the candidates' budget: what the fine-tuning recipe costs
     * (or gains) by itself, before any weight is pruned. Said in the log, the result and the report;
     * a recipe that spends most of the budget leaves block plans little to lose (the demo's half epoch
     * at 3e-3 took 0.86 of its 1.0 point: README, "What the fine-tuning itself costs").
     */
    private double fineTuningAlone() {
        SearchCache.FineTuned f = fineTune(List.of());
        double cost = 100 * (denseVal.accuracy() - f.validationAccuracy());
        log.println("fine-tuning alone: the unpruned network fine-tuned with this budget reaches "
                + SearchOutputs.fineTuningAlone(denseVal.accuracy(), f.validationAccuracy(), cfg.maxAccuracyLoss())
                + (cost > cfg.maxAccuracyLoss() / 2 ? "; a lower --lr or more --finetune-epochs / --finetune-fraction"
                        + " leave pruning more" : ""));
        return f.validationAccuracy();
    }

    private SearchCache.FineTuned fineTune(List<LayerAssignment> fullPlan) {
        List<LayerAssignment> plan = prunedPart(fullPlan);
        String key = SearchCache.key(plan);
        Optional<SearchCache.FineTuned> cached = cache.fineTuned(key);
        if (cached.isPresent()) {
            fineTunesReused++;
            return cached.get();
        }
        PrunedNetwork p = pruning.apply(plan);
        Trainer.Log t = p.fineTune(data.train(), cfg.fineTune(), cfg.seed());
        Evaluator.Accuracy a = Evaluator.evaluate(p.network(), data.validation());
        PruningRecord record = p.record().withFineTuning(cfg.fineTune(), t.updates());
        Models.save(p.network(), cache.fineTunedModel(key), loaded.metadata().with(PruningRecord.SECTION, record));
        SearchCache.FineTuned f = new SearchCache.FineTuned(key, plan, a.accuracy(), a.loss(), t.updates(), t.seconds());
        cache.putFineTuned(f);
        fineTunes++;
        return f;
    }

    /**
     * Uniform block shapes fine-tuned as baselines; up to {@link #MAX_UNIFORM_SHAPES} while none met the
     * budget. Three, not two: with two, a demo's walk tried 2x1 and 4x2 and missed uniform 4x1 @ 0.8,
     * the best uniform plan of the run (found by the search's own candidates); a third shape costs
     * 2-3 fine-tunes, as it starts next to the boundary of a finer one ({@link #baselineStart}).
     */
    static final int UNIFORM_SHAPES = 3;
    static final int MAX_UNIFORM_SHAPES = 4;

    /**
     * The uniform block shapes in the order the baselines try them: those the calibrated damage
     * admits at some grid sparsity, by their predicted latency there; then the others by their
     * one-shot damage at the grid's lowest sparsity, least first. When no layerwise plan met the
     * budget the calibration admits none, and every shape was predicted as the unpruned network: the
     * tie put 16x32 and 4x1 first in a demo, and neither met the budget even at 0.5, leaving the run
     * without a uniform baseline.
     */
    private List<BlockShape> uniformOrder(List<BlockShape> blocks, Map<String, List<BlockShape>> survivors,
            List<Double> grid, double calibratedDamage) {
        Map<BlockShape, double[]> rank = new LinkedHashMap<>();
        for (BlockShape b : blocks) {
            if (b.isUnstructured() || survivors.values().stream().noneMatch(s -> s.contains(b))) {
                continue;
            }
            int j = proxyIndex(b, grid, calibratedDamage);
            rank.put(b, j >= 0 ? new double[] {0, oracle.networkMs(uniform(b, grid.get(j)))}
                    : new double[] {1, planDamage(uniform(b, grid.get(0)))});
        }
        return rank.entrySet().stream()
                .sorted(java.util.Comparator.comparingDouble((Map.Entry<BlockShape, double[]> e) -> e.getValue()[0])
                        .thenComparingDouble(e -> e.getValue()[1]))
                .map(Map.Entry::getKey).toList();
    }

    /** Fine-tunings one uniform baseline may spend on finding its highest feasible sparsity. */
    static final int BASELINE_PROBES = 5;

    /**
     * The highest index of a grid of {@code n} whose probe is feasible, feasibility assumed to fall
     * with the index, and whether the boundary was bracketed (the next index probed infeasible, or
     * the grid's end): probes {@code start} and its neighbour in the direction the first answer
     * points to, then bisects what is left (the grid's ends count as bounds), at most {@code maxProbes}
     * probes. From a good start (the proxy's) that is 2-4 probes; from a bad one (no layerwise plan met
     * the budget, so the proxy says the bottom of the grid) 5 on a 10-point grid up to its eighth
     * point, where a walk of single steps capped at 3 probes stopped at 0.7 with 0.5, 0.6 and 0.7 all
     * feasible.
     */
    static Boundary highestFeasible(int n, int start, int maxProbes, java.util.function.IntPredicate feasible) {
        int lo = -1; // highest index probed feasible
        int hi = n; // lowest index probed infeasible (n: none)
        if (feasible.test(start)) {
            lo = start;
        } else {
            hi = start;
        }
        int probes = 1;
        int moves = 0;
        while (hi - lo > 1 && probes < maxProbes) {
            int next = moves == 0 && hi == n ? lo + 1 // the proxy's start feasible: its neighbour up
                    : moves == 0 && lo == -1 ? hi - 1 // infeasible: its neighbour down
                    : Math.floorDiv(lo + hi, 2); // then bisect (the grid's ends as virtual bounds)
            moves++;
            probes++;
            if (feasible.test(next)) {
                lo = next;
            } else {
                hi = next;
            }
        }
        return new Boundary(lo, hi - lo == 1, probes);
    }

    /** {@link #highestFeasible}'s answer: -1 when no probe was feasible. */
    record Boundary(int index, boolean bracketed, int probes) {
    }

    /**
     * The highest sparsity of the grid at which one block shape for every layer meets the budget
     * after fine-tuning ({@link #highestFeasible}); a baseline whose boundary the probes did not
     * bracket is reported as such. It starts at {@link #baselineStart}; {@code boundaries} holds the
     * highest feasible grid index of each block shape searched so far in this run and gets this one's.
     */
    private Optional<List<LayerAssignment>> uniformBaseline(String family, BlockShape block, List<Double> grid,
            double calibratedDamage, Map<BlockShape, Integer> boundaries) {
        int start = baselineStart(block, proxyIndex(block, grid, calibratedDamage), boundaries);
        Boundary b = highestFeasible(grid.size(), start, BASELINE_PROBES, i -> feasibleUniform(family, block, grid.get(i)));
        if (b.index() >= 0 && !b.bracketed()) {
            log.printf(Locale.ROOT, "%s: feasible at %.2f, the next sparsity not probed within %d fine-tunings%n", family,
                    grid.get(b.index()), BASELINE_PROBES);
            unbracketed.add(family);
        }
        boundaries.put(block, b.index());
        return b.index() < 0 ? Optional.empty() : Optional.of(uniform(block, grid.get(b.index())));
    }

    /**
     * Where a uniform baseline's walk starts: one grid point below the highest feasible index of the
     * shapes already searched that tile {@code block} (unstructured tiles every shape; the lowest of
     * them if several; 0 if one was feasible nowhere), else at the proxy's index (calibrated on
     * PruneAug's chosen point). Why: a coarser block's masks are a subset of a finer one's, so after
     * the same fine-tuning it rarely keeps more accuracy at the same sparsity, and its boundary lies at
     * or a point or two below the finer one's. The proxy, calibrated on a layerwise plan of other
     * shapes, started the three baselines of a demo 1-3 grid points low (unstructured at 0.7 for 0.85,
     * 4x2 and 4x1 at 0.5 for 0.7 and 0.8: 15 fine-tunes; from unstructured's 0.85 one point down, 4x1
     * and 4x2 take 2 each) and one of another demo right (8x2 at 0.6: 2 fine-tunes, 4 from here). It
     * is only a start: the walk probes above it whenever the start is feasible, so no baseline is
     * capped by another.
     */
    static int baselineStart(BlockShape block, int proxyIndex, Map<BlockShape, Integer> boundaries) {
        return boundaries.entrySet().stream().filter(e -> e.getKey().isFinerOrEqual(block))
                .mapToInt(e -> Math.max(0, e.getValue() - 1)).min().orElse(Math.max(0, proxyIndex));
    }

    private String bracketNote(String family) {
        return unbracketed.contains(family) ? " found (the next sparsity was not probed within " + BASELINE_PROBES
                + " fine-tunings: a lower bound)" : "";
    }

    private boolean feasibleUniform(String family, BlockShape block, double sparsity) {
        List<LayerAssignment> plan = uniform(block, sparsity);
        return feasible(family, plan, planDamage(plan));
    }

    /**
     * Plans an earlier run of this search fine-tuned in its directory but this run did not probe: a
     * resumed search that calibrated again (its calibration deleted, or measured in another state of
     * the machine) walks another frontier and would otherwise forget them. Their accuracy is known,
     * so they become candidates ("earlier"), predicted with this run's calibration. None in a fresh
     * directory or in a resumed search with the same calibration (it probes the same plans again).
     */
    private void earlierFineTunes() {
        java.util.Set<String> known = new java.util.HashSet<>();
        candidates.forEach(c -> known.add(c.key()));
        for (SearchCache.FineTuned f : cache.allFineTuned()) {
            if (!known.contains(f.key()) && !f.plan().isEmpty()) { // the empty plan: fineTuningAlone()
                // the cached fine-tune answers feasible(): no fine-tuning here
                List<LayerAssignment> plan = completed(l -> f.plan().stream().filter(a -> a.layer().equals(l.name()))
                        .findFirst().orElse(null));
                feasible("earlier", plan, planDamage(plan));
            }
        }
    }

    // ---- polish: calibrated frontier, then local moves -----------------------------------

    /** A polish move must save at least this fraction of the current plan's predicted latency. */
    static final double POLISH_MIN_GAIN = 0.02;

    /**
     * Fine-tunes spent after the baselines ({@code --polish-finetunes}), from the fastest feasible
     * plan fine-tuned so far (PruneAug's bisection or a baseline's): first on the calibrated frontier
     * ({@link #calibratedPass}), then, with what is left, on single-layer moves ({@link #hillClimb}).
     * Both measure damage in the units of the {@link ShapeCalibration} the baselines' uniform plans
     * give, so that block shapes compete by what they keep after fine-tuning, and both use only the
     * options whose blocks that calibration {@link ShapeCalibration#covers covers}.
     */
    private void polish(List<List<LayerOption>> options) {
        if (cfg.polishFineTunes() == 0) {
            return;
        }
        calibration = ShapeCalibration.fit(uniformOutcomes());
        log.println("damage calibration from the uniform plans fine-tuned: " + calibration.describe());
        List<List<LayerOption>> covered = options.stream().map(this::covered).toList();
        int spent = calibratedPass(covered, Math.max(1, cfg.polishFineTunes() - 1));
        hillClimb(covered, cfg.polishFineTunes() - spent);
    }

    /** The fine-tuned plans that prune every prunable layer with one block shape and one sparsity. */
    private List<ShapeCalibration.Outcome> uniformOutcomes() {
        List<ShapeCalibration.Outcome> out = new ArrayList<>();
        for (SearchResult.Candidate c : candidates) {
            List<LayerAssignment> p = prunedPart(c.plan());
            if (p.size() == pruned.size() && p.stream().allMatch(a -> a.block().equals(p.get(0).block())
                    && a.sparsity() == p.get(0).sparsity())) {
                out.add(new ShapeCalibration.Outcome(p.get(0).block(), planDamage(c.plan()), c.feasible()));
            }
        }
        return out;
    }

    /** A layer's options whose blocks the calibration covers (all of them when it covers none). */
    private List<LayerOption> covered(List<LayerOption> options) {
        List<LayerOption> in = options.stream().filter(o -> o.sparsity() == 0 || calibration.covers(o.block())).toList();
        return in.stream().anyMatch(o -> o.sparsity() > 0) ? in : options;
    }

    /** The plan's summed damage in calibrated units (1 = at the budget, for a uniform plan of any block). */
    private double calibratedDamage(List<LayerAssignment> plan) {
        return plan.stream().mapToDouble(a -> a.sparsity() == 0 ? 0
                : calibration.calibrated(a.block(), damage(a.layer(), a.block(), a.sparsity()))).sum();
    }

    /** The latency/damage Pareto frontier of the per-layer options (knapsack over damage in 4000 units). */
    private static List<ParetoFrontier.Point> frontierOf(List<List<LayerOption>> options) {
        double maxDamage = Math.max(1e-6, options.stream()
                .mapToDouble(o -> o.stream().mapToDouble(LayerOption::damage).max().orElse(0)).sum());
        return ParetoFrontier.compute(options, maxDamage, 4000);
    }

    /**
     * The knapsack frontier again, over calibrated damages: its points predicted at least
     * {@link #POLISH_MIN_GAIN} faster than the fastest feasible plan, up to the least calibrated
     * damage of the plans found infeasible above that plan's (1.5x its damage when none), are
     * probed like the bisection does: first the fastest point with no more calibrated damage than
     * the feasible plan (the knapsack's better use of the same damage), then bisection above it
     * (when feasible) or below it (when not). Plans fine-tuned before answer from the cache.
     * Returns the fine-tunes spent.
     */
    private int calibratedPass(List<List<LayerOption>> options, int budget) {
        Optional<SearchResult.Candidate> start = fastestFeasible();
        if (start.isEmpty() || calibration.isEmpty()) {
            log.println(start.isEmpty() ? "no feasible plan to polish" : "no calibration: calibrated frontier skipped");
            return 0;
        }
        List<List<LayerOption>> scaled = options.stream().map(os -> os.stream().map(o -> new LayerOption(o.block(),
                o.sparsity(), o.latencyMs(), calibration.calibrated(o.block(), o.damage()), o.onPlatform())).toList()).toList();
        List<ParetoFrontier.Point> frontier = frontierOf(scaled);
        double ms0 = oracle.networkMs(start.get().plan());
        double d0 = calibratedDamage(start.get().plan());
        double cap = damageCap(d0);
        // a point's latency covers the searched layers only: compare whole networks, as the other phases do
        List<ParetoFrontier.Point> faster = frontier.stream().filter(p -> p.damage() <= cap + 1e-12
                && oracle.networkMs(planOf(scaled, p)) < (1 - POLISH_MIN_GAIN) * ms0).toList();
        log.printf(Locale.ROOT, "calibrated frontier: %d points, %d predicted %d%%+ faster than the %s plan (%.3f ms,"
                + " calibrated damage %.3f) below damage %.3f%n", frontier.size(), faster.size(),
                Math.round(100 * POLISH_MIN_GAIN), start.get().family(), ms0, d0, cap);
        if (faster.isEmpty()) {
            return 0;
        }
        Map<String, Boolean> known = new java.util.HashMap<>();
        candidates.forEach(c -> known.putIfAbsent(c.key(), c.feasible()));
        int[] spent = {0};
        java.util.function.IntPredicate probe = i -> {
            List<LayerAssignment> plan = planOf(scaled, faster.get(i));
            String key = SearchCache.key(prunedPart(plan));
            Boolean k = known.get(key);
            if (k != null) {
                return k;
            }
            spent[0]++;
            boolean ok = feasible("pruneaug-calibrated", plan, planDamage(plan));
            known.put(key, ok);
            return ok;
        };
        int k = 0;
        while (k + 1 < faster.size() && faster.get(k + 1).damage() <= d0 + 1e-12) {
            k++;
        }
        final int first = k;
        if (probe.test(first)) {
            List<ParetoFrontier.Point> above = faster.subList(first + 1, faster.size());
            if (!above.isEmpty() && budget - spent[0] > 0) {
                FrontierBisection.search(above.size(), i -> probe.test(first + 1 + i), budget - spent[0]);
            }
        } else if (first > 0 && budget - spent[0] > 0) {
            FrontierBisection.search(first, probe, budget - spent[0]);
        }
        return spent[0];
    }

    /**
     * Hill climbing at full fidelity from the fastest feasible plan fine-tuned so far: a move
     * changes one pruned layer to another of its options (block shape and sparsity) that the latency
     * model predicts at least {@link #POLISH_MIN_GAIN} faster, keeping the plan's calibrated damage
     * below that of the plans fine-tuning found infeasible above the current plan ({@link #damageCap}:
     * the proxy is monotone enough to say where the budget surely breaks, not where it holds); the move saving the most
     * milliseconds is tried first, and a feasible one becomes the new start.
     */
    private void hillClimb(List<List<LayerOption>> options, int budget) {
        Optional<SearchResult.Candidate> start = fastestFeasible();
        if (start.isEmpty() || budget <= 0) {
            return;
        }
        List<LayerAssignment> current = start.get().plan();
        log.printf(Locale.ROOT, "polishing the %s plan predicted %.3f ms%n", start.get().family(), oracle.networkMs(current));
        java.util.Set<String> tried = new java.util.HashSet<>();
        candidates.forEach(c -> tried.add(c.key()));
        for (int spent = 0; spent < budget; spent++) {
            double ceiling = damageCap(calibratedDamage(current));
            List<LayerAssignment> move = bestMove(current, options, tried, ceiling);
            if (move == null) {
                log.printf(Locale.ROOT, "  no untried move saves %d%% or more below calibrated damage %.4f (the least"
                        + " of the infeasible plans above the current one)%n", Math.round(100 * POLISH_MIN_GAIN), ceiling);
                return;
            }
            tried.add(SearchCache.key(prunedPart(move)));
            if (feasible("pruneaug-polish", move, planDamage(move))) {
                current = move;
            }
        }
    }

    /**
     * The calibrated damage a polish move may not reach from a feasible plan of calibrated damage
     * {@code d0}: the least damage of the plans found infeasible above {@code d0}, else 1.5 {@code d0}.
     * Infeasible plans below {@code d0} are the proxy's scatter around the budget (the plan at
     * {@code d0} met it), not a bound: counting them left the climb no move at all.
     */
    private double damageCap(double d0) {
        return damageCap(d0, candidates.stream().filter(c -> !c.feasible()).mapToDouble(c -> calibratedDamage(c.plan())));
    }

    /** {@link #damageCap(double)} over the infeasible plans' calibrated damages. */
    static double damageCap(double d0, java.util.stream.DoubleStream infeasible) {
        return infeasible.filter(d -> d > d0 + 1e-12).min().orElse(1.5 * d0);
    }

    /** The untried single-layer move that saves the most predicted latency below the damage ceiling; null if none. */
    private List<LayerAssignment> bestMove(List<LayerAssignment> current, List<List<LayerOption>> options,
            java.util.Set<String> tried, double damageCeiling) {
        double ms = oracle.networkMs(current);
        List<LayerAssignment> best = null;
        double bestSaved = 0;
        double bestDamage = 0;
        for (int l = 0; l < searched.size(); l++) {
            PrunableLayer layer = searched.get(l);
            if (!pruned.contains(layer)) {
                continue;
            }
            for (LayerOption o : options.get(l)) {
                if (!o.onPlatform() || o.sparsity() == 0) {
                    continue;
                }
                List<LayerAssignment> plan = new ArrayList<>();
                for (LayerAssignment a : current) {
                    if (!a.layer().equals(layer.name())) {
                        plan.add(a);
                    }
                }
                plan.add(new LayerAssignment(layer.name(), o.block(), o.sparsity()));
                plan = inSearchOrder(plan);
                double saved = ms - oracle.networkMs(plan);
                double damage = calibratedDamage(plan);
                if (saved < POLISH_MIN_GAIN * ms || damage >= damageCeiling
                        || tried.contains(SearchCache.key(prunedPart(plan)))) {
                    continue;
                }
                if (saved > bestSaved + 1e-9 || (Math.abs(saved - bestSaved) <= 1e-9 && damage < bestDamage)) {
                    bestSaved = saved;
                    bestDamage = damage;
                    best = plan;
                }
            }
        }
        return best;
    }

    /** The feasible candidate fine-tuned so far with the lowest predicted latency. */
    private Optional<SearchResult.Candidate> fastestFeasible() {
        return candidates.stream().filter(SearchResult.Candidate::feasible)
                .min(java.util.Comparator.comparingDouble(SearchResult.Candidate::predictedMs));
    }

    private List<LayerAssignment> inSearchOrder(List<LayerAssignment> plan) {
        List<LayerAssignment> ordered = new ArrayList<>();
        for (PrunableLayer l : searched) {
            plan.stream().filter(a -> a.layer().equals(l.name())).findFirst().ifPresent(ordered::add);
        }
        return ordered;
    }

    // ---- measurement -------------------------------------------------------------------------

    /** Feasible plans predicted within this fraction of the fastest are measured before PruneAug answers. */
    static final double FINALIST_MARGIN = 0.15;
    static final int MAX_FINALISTS = 5;
    static final int FINALIST_ROUNDS = 9;
    /**
     * A finalist replaces the plan predicted fastest only when its time is at most 1 - this of that
     * plan's, in the median over rounds of the two measured in the same round.
     */
    static final double FINALIST_MIN_GAIN = 0.05;

    /**
     * The feasible candidates predicted within {@link #FINALIST_MARGIN} of the fastest (the prediction's
     * error on a shared machine is about that), measured in the search's schedule in paired rounds
     * ({@link #pairedTimes}): the one measured fastest relative to {@code chosen}, when it is not
     * {@code chosen} and at least {@link #FINALIST_MIN_GAIN} faster; empty when there is nothing to decide.
     */
    private Optional<SearchResult.Candidate> fastestMeasuredFinalist(List<LayerAssignment> chosen,
            SparsePlatform platform, SparsePlatform dense) {
        double best = oracle.networkMs(chosen);
        Map<String, SearchResult.Candidate> byKey = new LinkedHashMap<>();
        candidates.stream().filter(SearchResult.Candidate::feasible)
                .filter(c -> c.predictedMs() <= best * (1 + FINALIST_MARGIN))
                .sorted(java.util.Comparator.comparingDouble(SearchResult.Candidate::predictedMs))
                .forEach(c -> byKey.putIfAbsent(c.key(), c));
        List<SearchResult.Candidate> finalists = byKey.values().stream().limit(MAX_FINALISTS).toList();
        if (finalists.size() < 2) {
            return Optional.empty();
        }
        String chosenKey = SearchCache.key(prunedPart(chosen));
        int ref = IntStream.range(0, finalists.size()).filter(i -> finalists.get(i).key().equals(chosenKey)).findFirst()
                .orElse(-1);
        if (ref < 0) {
            return Optional.empty();
        }
        // the ratios are to the plan predicted fastest: it is part of the measurement's key
        List<String> keys = new ArrayList<>(List.of("vs " + chosenKey));
        finalists.forEach(c -> keys.add(c.key()));
        Optional<SearchCache.FinalistTimes> cached = cache.finalistTimes(keys);
        if (cached.isPresent()) {
            log.println("  finalists measured before (cache/finalists-paired.json): the answer stays the interrupted search's");
        } else {
            awaitCalmMachine(platform, dense);
        }
        SearchCache.FinalistTimes times = cached.orElseGet(() -> {
            SearchCache.FinalistTimes t = pairedTimes(timeRounds(finalists.stream().map(SearchResult.Candidate::plan).toList(),
                    platform, dense, FINALIST_ROUNDS, 20, 1_000), ref);
            cache.putFinalistTimes(keys, t);
            return t;
        });
        int winner = ref;
        for (int i = 0; i < finalists.size(); i++) {
            SearchResult.Candidate c = finalists.get(i);
            log.printf(Locale.ROOT, "  finalist %-14s predicted %7.3f ms, measured %7.3f ms, %5.3fx the time of the plan"
                    + " predicted fastest (median over rounds)%n", c.family(), c.predictedMs(), times.bestMs().get(i),
                    times.ratioToChosen().get(i));
            if (times.ratioToChosen().get(i) < times.ratioToChosen().get(winner)) {
                winner = i;
            }
        }
        if (winner == ref) {
            return Optional.empty();
        }
        SearchResult.Candidate w = finalists.get(winner);
        double ratio = times.ratioToChosen().get(winner);
        if (!(ratio < 1 - FINALIST_MIN_GAIN)) {
            log.printf(Locale.ROOT, "the %s candidate measured fastest (%.3fx the time of the plan predicted fastest), by less"
                    + " than %d%%: within the measurement's noise, PruneAug keeps the plan predicted fastest%n", w.family(),
                    ratio, Math.round(100 * FINALIST_MIN_GAIN));
            return Optional.empty();
        }
        log.printf(Locale.ROOT, "the %s candidate measured fastest (%.3fx the time of the plan predicted fastest): PruneAug"
                + " takes it%n", w.family(), ratio);
        return Optional.of(w);
    }

    /**
     * Per plan: its best round's median, and the median over rounds of its median divided by plan
     * {@code ref}'s in the same round. Paired within a round (a second apart at most), a slow spell
     * slows both sides of a ratio; best rounds taken on their own compare moments: on a VM whose dense
     * network swung between 14 and 28 ms, a search's two finalists (one plan 10% slower by
     * prediction) measured 1.922 and 1.786 ms by their best rounds, and the final table's seven
     * rounds then measured the first at 1.582 ms and the one PruneAug had taken at 1.680.
     */
    static SearchCache.FinalistTimes pairedTimes(List<List<Timing>> rounds, int ref) {
        int n = rounds.get(0).size();
        List<Double> best = new ArrayList<>();
        List<Double> ratio = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int plan = i;
            best.add(rounds.stream().mapToDouble(r -> r.get(plan).medianMs()).min().orElseThrow());
            ratio.add(LatencyOracle.median(rounds.stream().map(r -> r.get(plan).medianMs() / r.get(ref).medianMs()).toList()));
        }
        return new SearchCache.FinalistTimes(best, ratio);
    }

    /** Rounds of the final table, {@link #ROUND_GAP_MS} apart: each network keeps its best round. */
    static final int FINAL_ROUNDS = 7;
    static final long ROUND_GAP_MS = 2_000;

    /** The final table waits while the dense network runs this much slower than calibrated... */
    static final double CALM_FACTOR = 1.15;
    /**
     * ...checking this many times (system property pruneaug.calm-checks; the tests check once): 4, at
     * most 45 s of waiting per table. With 8 a busy afternoon's demo waited 13 times (3.5 minutes)
     * before its two tables, which the recalibration before the final table makes mostly unnecessary.
     */
    static final int CALM_CHECKS = Math.max(1, Integer.getInteger("pruneaug.calm-checks", 4));
    /** ...this far apart. */
    static final long CALM_WAIT_MS = 15_000;

    /**
     * Waits (at most about a minute) until the dense network runs within {@link #CALM_FACTOR} of
     * its calibrated latency. Why: on a shared VM slow spells last seconds to minutes and slow every
     * network, but not by the same factor, so a table measured in one compares the networks on a
     * different machine from the one the latency model was calibrated on (the calibration keeps the
     * calmer of two sweeps for the same reason). The wait changes no number; the log says how long.
     */
    private double awaitCalmMachine(SparsePlatform platform, SparsePlatform dense) {
        double predicted = oracle.networkMs(List.of());
        double ms = predicted;
        try (SparseNetwork net = compile(List.of(), networkOf(List.of()), platform, dense, exec)) {
            for (int check = 1; check <= CALM_CHECKS; check++) {
                ms = net.time(check == 1 ? 5 : 2, 20, cfg.threads()).medianMs();
                if (ms <= predicted * CALM_FACTOR) {
                    log.printf(Locale.ROOT, "machine check %d: dense %.3f ms (calibrated %.3f ms): measuring%n", check, ms,
                            predicted);
                    return ms;
                }
                log.printf(Locale.ROOT, "machine check %d: dense %.3f ms, %.0f%% above its calibrated %.3f ms:%s%n", check,
                        ms, 100 * (ms / predicted - 1), predicted, check < CALM_CHECKS
                                ? " waiting " + CALM_WAIT_MS / 1000 + " s for a calmer spell"
                                : " measuring anyway (the prediction errors will show it)");
                if (check < CALM_CHECKS) {
                    pause(CALM_WAIT_MS);
                    if (Thread.currentThread().isInterrupted()) {
                        return ms;
                    }
                }
            }
        }
        return ms;
    }

    /**
     * The final table calibrates again when the dense network's check is more than this far from its
     * calibration (system property pruneaug.recalibrate-drift, read per search: a test sets 0 to force it,
     * on a calm machine or not).
     */
    static double recalibrateDrift() {
        return Double.parseDouble(System.getProperty("pruneaug.recalibrate-drift", "0.10"));
    }

    /**
     * When the machine check before the final table ({@code denseNowMs}) finds the machine calm but
     * more than {@link #recalibrateDrift()} off its calibrated state (a resumed search, or an hour of
     * fine-tuning on a shared VM), the final table's predictions come from a calibration of the same
     * latency tables made now, over the block shapes and densities of the networks about to be
     * measured (a minute; nothing cached). Not when the checks ran out on a slow spell: a calibration
     * then times the spell (a demo calibrated again with the dense network 75% slow predicted the
     * pruned rows of the table that followed in a calmer minute 11-23% high, the dense row 19%). The search's choices stay as
     * made, and each network keeps the prediction the search made ({@code search_predicted_ms}).
     */
    private void recalibrateIfMoved(double denseNowMs, List<List<LayerAssignment>> plans, SparsePlatform dense) {
        double calibrated = oracle.networkMs(List.of());
        double drift = denseNowMs / calibrated - 1;
        if (!(Math.abs(drift) > recalibrateDrift())) {
            return;
        }
        if (denseNowMs > calibrated * CALM_FACTOR && recalibrateDrift() > 0) {
            log.printf(Locale.ROOT, "the machine never calmed (dense %.3f ms, %.0f%% above its calibration): the final"
                    + " table keeps the search's predictions%n", denseNowMs, 100 * drift);
            return;
        }
        java.util.Set<BlockShape> blocks = new java.util.LinkedHashSet<>();
        java.util.Set<Double> densities = new java.util.TreeSet<>(List.of(1.0));
        for (List<LayerAssignment> plan : plans) {
            for (LayerAssignment a : plan) {
                blocks.add(a.block());
                densities.add(1.0 - a.sparsity());
            }
        }
        String moved = String.format(Locale.ROOT, "%.0f%% %s than at the search's calibration (dense %.3f vs %.3f ms)",
                100 * Math.abs(drift), drift > 0 ? "slower" : "faster", denseNowMs, calibrated);
        log.printf(Locale.ROOT, "the machine runs %s: calibrating again for the final table (%d block shapes x %d"
                + " densities)%n", moved, blocks.size(), densities.size());
        long start = System.nanoTime();
        oracle = oracle.recalibrated(loaded.network(), searched, dense, probe, List.copyOf(blocks),
                List.copyOf(densities), cfg.batch(), cfg.threads(), exec);
        predictionSource = "calibrated again just before the final table (the machine ran " + moved
                + "); search_predicted_ms: the search's own calibration";
        log.printf(Locale.ROOT, "  calibrated again in %.0f s: dense network predicted %.3f ms (was %.3f)%n",
                (System.nanoTime() - start) / 1e9, oracle.networkMs(List.of()), calibrated);
    }

    /** The network a plan runs: the dense model, or the fine-tuned model of its pruned part. */
    private PrunedNetwork networkOf(List<LayerAssignment> plan) {
        return PrunedNetwork.of(prunes(plan) ? Models.load(cache.fineTunedModel(SearchCache.key(prunedPart(plan))))
                : loaded);
    }

    private SparseNetwork compile(List<LayerAssignment> plan, PrunedNetwork p, SparsePlatform platform,
            SparsePlatform dense, Execution schedule) {
        return SparseNetwork.compile(p.network(), Placements.of(plan, p::mask, platform, dense), cfg.batch(), schedule);
    }

    /** A network of the final table, before it is timed. */
    private record Measured(String name, String description, List<LayerAssignment> plan) {
    }

    /**
     * Times the plans' networks in {@code rounds} rounds interleaved over them, each keeping its best
     * (lowest-median) round of {@code reps} passes, rounds {@code gapMs} apart: a slow spell of a shared
     * machine (seconds to tens of seconds) then costs some rounds of every network rather than every
     * round of one, and never skews their ratios.
     */
    private List<Timing> timeInterleaved(List<List<LayerAssignment>> plans, SparsePlatform platform,
            SparsePlatform dense, int rounds, int reps, long gapMs) {
        List<List<Timing>> all = timeRounds(plans, platform, dense, rounds, reps, gapMs);
        List<Timing> best = new ArrayList<>(all.get(0));
        for (List<Timing> round : all) {
            for (int i = 0; i < best.size(); i++) {
                if (round.get(i).medianMs() < best.get(i).medianMs()) {
                    best.set(i, round.get(i));
                }
            }
        }
        return best;
    }

    /**
     * Every round's timing of every plan, [round][plan]: the plans one after the other in each round
     * (in reverse order every other round, so that none is always the first after a pause), rounds
     * {@code gapMs} apart.
     */
    private List<List<Timing>> timeRounds(List<List<LayerAssignment>> plans, SparsePlatform platform,
            SparsePlatform dense, int rounds, int reps, long gapMs) {
        List<SparseNetwork> nets = new ArrayList<>();
        try {
            for (List<LayerAssignment> plan : plans) {
                nets.add(compile(plan, networkOf(plan), platform, dense, exec));
            }
            // rounds spread over tens of seconds: a slow spell then spoils few of them
            return SparseNetwork.timeRounds(nets, rounds, 5, reps, cfg.threads(), gapMs);
        } finally {
            nets.forEach(SparseNetwork::close);
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private SearchResult.Network measured(Measured m, Timing t) {
        List<LayerAssignment> plan = m.plan();
        log.println("  measured " + m.name());
        PrunedNetwork p = networkOf(plan);
        double val = prunes(plan) ? cache.fineTuned(SearchCache.key(prunedPart(plan))).orElseThrow().validationAccuracy()
                : denseVal.accuracy();
        double test = Evaluator.evaluate(p.network(), data.test()).accuracy();
        String model = prunes(plan) ? cache.fineTunedModel(SearchCache.key(prunedPart(plan))).toString()
                : cfg.model().toString();
        double predicted = oracle.networkMs(plan);
        double searchPredicted = searchOracle.networkMs(plan);
        List<SearchResult.OpTime> ops = t.ops().stream().map(o -> new SearchResult.OpTime(o.op().name(),
                o.op().kind().toString(), o.op().gemm() == null ? null : o.op().gemm().toString(), o.op().kernel(),
                o.op().density(), o.medianMs())).toList();
        return new SearchResult.Network(m.name(), m.description(), plan, prunes(plan) ? p.overallSparsity() : 0.0, val,
                test, t.medianMs(), t.minMs(), t.maxMs(), predicted, relativeError(predicted, t.medianMs()), 1.0,
                val >= floor, model, ops, searchPredicted, relativeError(searchPredicted, t.medianMs()));
    }

    private static double relativeError(double predictedMs, double measuredMs) {
        return (predictedMs - measuredMs) / measuredMs;
    }

    private static SearchResult.Network withSpeedup(SearchResult.Network n, double denseMs) {
        return new SearchResult.Network(n.name(), n.description(), n.plan(), n.overallSparsity(), n.validationAccuracy(),
                n.testAccuracy(), n.measuredMs(), n.measuredMinMs(), n.measuredMaxMs(), n.predictedMs(),
                n.predictionError(), denseMs / n.measuredMs(), n.meetsBudget(), n.model(), n.ops(), n.searchPredictedMs(),
                n.searchPredictionError());
    }

    /** PruneAug's network on the sparse runtime against DL4J on the whole test set. */
    private Agreement agreement(List<LayerAssignment> plan, SparsePlatform platform, SparsePlatform dense) {
        PrunedNetwork p = networkOf(plan);
        try (SparseNetwork s = compile(plan, p, platform, dense, exec)) {
            return Agreement.check(s, p.network(), data.test(), cfg.threads());
        }
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
