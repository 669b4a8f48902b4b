package org.pruneaug.search;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.core.Progress;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.inference.Execution;
import org.pruneaug.inference.OpInfo;
import org.pruneaug.inference.Placement;
import org.pruneaug.inference.SparseNetwork;
import org.pruneaug.inference.Timing;
import org.pruneaug.platforms.LatencyModel;
import org.pruneaug.platforms.MonotoneCurve;
import org.pruneaug.platforms.Profiler;
import org.pruneaug.platforms.SparsePlatform;

/**
 * Predicted latency of any plan for one network on one platform: for each searched layer, either
 * its measured cost on the dense baseline (GEMM plus im2col and relayout, timed in the all-dense
 * network), or, when the plan places it on the platform, the platform's latency table at the GEMM
 * shape the sparse runtime really runs (profiled on demand, block density 1 - sparsity) plus the
 * layer's measured non-GEMM work there; plus the measured cost of everything else (input, pooling,
 * flatten, softmax, the output layer). The networks are compiled and timed by the same runtime that
 * measures the final networks.
 *
 * <p>The table times a layer's GEMM in isolation, and inside the network the same GEMM runs at
 * another speed: an implicit-GEMM convolution reads its X rows from the activation grid, nine times
 * smaller than the im2col matrix the profiler streams, so small blocks that re-read X gain most;
 * a small GEMM pays the thread pool's wake-up after the op before it. So the oracle also times, per
 * block shape and density of the grid, the network with every searched layer on that block at that
 * density (a few hundred short runs, about a minute), and corrects each (layer, block) table lookup
 * by the measured in-network / table ratio, interpolated in density between grid points. The
 * non-GEMM costs are the medians over those runs. Each network runs in two sweeps a minute apart and
 * keeps its faster one; a layer's in-network times are then made non-decreasing in density.
 */
public final class LatencyOracle {
    /** What the oracle knows about one searched layer. */
    public record LayerCosts(String layer, GemmShape platformShape, GemmShape denseShape, double denseMs,
                             double platformOverheadMs) {
    }

    /** One layer's GEMM time inside a calibration network, with the block and density it ran at. */
    public record InNetwork(String layer, String block, double density, double gemmMs) {
    }

    /**
     * The measured part, kept in the search's cache so that a resumed search sees the same numbers.
     * {@code fixedMs}: what a network with searched layers on the platform spends outside them;
     * {@code denseFixedMs}: the same for the all-dense network, in which the other layers run after
     * OpenBLAS's relayouts and no platform kernel (null in a cache written before it was kept: then
     * {@code fixedMs}).
     */
    public record Calibration(Map<String, LayerCosts> layers, double fixedMs, List<InNetwork> inNetwork,
                              Double denseFixedMs) {
        public Calibration {
            inNetwork = inNetwork == null ? List.of() : List.copyOf(inNetwork);
        }

        public Calibration(Map<String, LayerCosts> layers, double fixedMs, List<InNetwork> inNetwork) {
            this(layers, fixedMs, inNetwork, null);
        }
    }

    /** Network placement for a calibration run: every searched layer on the platform with this block
     *  at this sparsity (the layers that are never pruned at density 1). */
    public interface Probe {
        Function<PrunableLayer, Placement> placement(BlockShape block, double sparsity);
    }

    /** The densities {@link #correctionSummary} reports the correction at. */
    static final double LOW_DENSITY = 0.2;
    static final double HIGH_DENSITY = 1.0;
    /** Bounds of a correction factor: beyond them the calibration run was disturbed. */
    static final double MIN_FACTOR = 0.25;
    static final double MAX_FACTOR = 4.0;
    /** Sweeps over the calibration networks; each (layer, block, density) keeps its fastest. */
    static final int CALIBRATION_SWEEPS = 2;
    /** Rounds of the all-dense network in each sweep, spread over it (the calibration keeps the best). */
    static final int DENSE_ROUNDS = 5;

    private final LatencyModel model;
    private final Map<String, LayerCosts> layers;
    /** layer -> block -> density -> in-network / table factor (fastest sweep, made monotone in density) */
    private final Map<String, Map<BlockShape, java.util.TreeMap<Double, Double>>> factors = new LinkedHashMap<>();
    private final double fixedMs;
    private final double denseFixedMs;
    private final List<BlockShape> blocks;

    private LatencyOracle(LatencyModel model, Calibration calibration, List<BlockShape> blocks) {
        this.model = model;
        this.layers = calibration.layers();
        this.fixedMs = calibration.fixedMs();
        this.denseFixedMs = calibration.denseFixedMs() == null ? fixedMs : calibration.denseFixedMs();
        this.blocks = blocks;
        Map<String, Map<BlockShape, java.util.TreeMap<Double, List<Double>>>> runs = new LinkedHashMap<>();
        for (InNetwork m : calibration.inNetwork()) {
            if (layers.get(m.layer()) == null || !(m.gemmMs() > 0)) {
                continue;
            }
            double density = Math.round(m.density() * 1e4) / 1e4;
            runs.computeIfAbsent(m.layer(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(BlockShape.parse(m.block()), k -> new java.util.TreeMap<>())
                    .computeIfAbsent(density, k -> new ArrayList<>()).add(m.gemmMs());
        }
        runs.forEach((layer, byBlock) -> byBlock.forEach((b, byDensity) -> {
            // repeated runs: the lower median (of two sweeps the faster, since a disturbance only adds
            // time; of the many runs of a never-pruned layer about the median); then, since a denser
            // weight never runs faster in the same network, a dip in density is a disturbed run
            double[] ms = MonotoneCurve.isotonic(byDensity.values().stream().mapToDouble(LatencyOracle::lowerMedian)
                    .toArray());
            java.util.TreeMap<Double, Double> f = new java.util.TreeMap<>();
            int i = 0;
            for (double density : byDensity.keySet()) {
                f.put(density, clamp(ms[i++] / model.latencyMs(layers.get(layer).platformShape(), b, density)));
            }
            factors.computeIfAbsent(layer, k -> new LinkedHashMap<>()).put(b, f);
        }));
    }

    /** An oracle over a given model and calibration (what {@link #calibrate} builds after measuring). */
    static LatencyOracle of(LatencyModel model, Calibration calibration, List<BlockShape> blocks) {
        return new LatencyOracle(model, calibration, blocks);
    }

    static double lowerMedian(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        java.util.Collections.sort(v);
        return v.get((v.size() - 1) / 2);
    }

    static double median(List<Double> values) {
        List<Double> v = new ArrayList<>(values);
        java.util.Collections.sort(v);
        int n = v.size();
        return n % 2 == 1 ? v.get(n / 2) : (v.get(n / 2 - 1) + v.get(n / 2)) / 2;
    }

    private static double clamp(double f) {
        return Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, f));
    }

    /**
     * In-network / table latency of a layer's GEMM with {@code block} at {@code density}: measured at
     * the calibration densities, linear in between, the nearest outside them (1 if never measured).
     */
    public double correction(String layer, BlockShape block, double density) {
        java.util.TreeMap<Double, Double> f = factors.getOrDefault(layer, Map.of()).get(block);
        if (f == null || f.isEmpty()) {
            return 1.0;
        }
        Map.Entry<Double, Double> lo = f.floorEntry(density);
        Map.Entry<Double, Double> hi = f.ceilingEntry(density);
        if (lo == null) {
            return hi.getValue();
        }
        if (hi == null || hi.getKey().equals(lo.getKey())) {
            return lo.getValue();
        }
        double t = (density - lo.getKey()) / (hi.getKey() - lo.getKey());
        return lo.getValue() + t * (hi.getValue() - lo.getValue());
    }

    /** Median over blocks of the correction per layer at LOW_DENSITY and HIGH_DENSITY, for the log. */
    public String correctionSummary() {
        StringBuilder out = new StringBuilder();
        for (String layer : layers.keySet()) {
            List<Double> lo = new ArrayList<>();
            List<Double> hi = new ArrayList<>();
            for (BlockShape b : blocks) {
                lo.add(correction(layer, b, LOW_DENSITY));
                hi.add(correction(layer, b, HIGH_DENSITY));
            }
            out.append(String.format(java.util.Locale.ROOT, "%s%s %.2f..%.2f (d=%.1f) %.2f..%.2f (d=1)",
                    out.length() == 0 ? "" : ", ", layer, java.util.Collections.min(lo), java.util.Collections.max(lo),
                    LOW_DENSITY, java.util.Collections.min(hi), java.util.Collections.max(hi)));
        }
        return out.toString();
    }

    /**
     * Calibrates on {@code net} (or reuses the calibration in {@code cache}): profiles the platform
     * GEMM shapes of the {@code pruned} layers for {@code blocks} x (1 - {@code sparsities}, and 1),
     * those of the other searched layers (never pruned: the search only places them) at density 1,
     * into the platform's latency table, then times, in each sweep, the network all-dense on
     * {@code dense} and one network per block shape and density on {@code platform}.
     */
    public static LatencyOracle calibrate(MultiLayerNetwork net, List<PrunableLayer> searched, Set<String> pruned,
            SparsePlatform platform, SparsePlatform dense, Probe probe, List<BlockShape> blocks, List<Double> sparsities,
            int batch, int threads, Execution exec, Path tableFile, SearchCache cache, PrintStream log) {
        Calibration calibration = cache.calibration().filter(c -> !c.inNetwork().isEmpty()).orElse(null);
        Calibration layerShapes = calibration != null ? calibration
                : gemmShapes(net, searched, dense, probe.placement(blocks.get(0), 0.0), batch, exec);
        List<GemmShape> shapes = layerShapes.layers().values().stream().filter(c -> pruned.contains(c.layer()))
                .map(LayerCosts::platformShape).distinct().toList();
        List<GemmShape> placedOnly = layerShapes.layers().values().stream().map(LayerCosts::platformShape).distinct()
                .filter(g -> !shapes.contains(g)).toList();
        List<Double> densities = new ArrayList<>(List.of(1.0));
        for (double s : sparsities) {
            densities.add(1.0 - s);
        }
        if (densities.stream().noneMatch(d -> Math.abs(d - LOW_DENSITY) < 1e-9)) {
            densities.add(LOW_DENSITY); // the summary's reference density (1 - 0.8 is 0.19999999999999996)
        }
        Profiler profiler = new Profiler(Profiler.Method.defaults(), false, true, log);
        Profiler.Result r = profiler.profile(platform, new Profiler.Request(shapes, blocks, densities, threads), tableFile);
        if (!placedOnly.isEmpty()) {
            // VGG's conv1 (N = 50176): a quarter of the profile when it was measured at every density.
            // This result's table is the whole file, the cells just measured for the pruned shapes too
            r = profiler.profile(platform, new Profiler.Request(placedOnly, blocks, List.of(1.0), threads), tableFile);
        }
        if (calibration == null) {
            calibration = cache.putCalibration(inNetwork(net, searched, dense, probe, blocks, densities, layerShapes, batch,
                    threads, exec));
        }
        return new LatencyOracle(LatencyModel.of(r.table()), calibration, blocks);
    }

    /**
     * The same latency tables calibrated again on the machine as it is now, for {@code only} blocks at
     * {@code densities} (the networks about to be measured), nothing cached: on a shared VM the machine
     * can run 20-30% faster or slower an hour after the search's calibration, and then every prediction
     * of the final table is off by that much whatever the model's quality. Blocks not given keep no
     * correction (factor 1): use the result only for plans made of the given blocks.
     */
    public LatencyOracle recalibrated(MultiLayerNetwork net, List<PrunableLayer> searched, SparsePlatform dense,
            Probe probe, List<BlockShape> only, List<Double> densities, int batch, int threads, Execution exec) {
        Calibration base = new Calibration(layers, fixedMs, List.of(), denseFixedMs);
        return new LatencyOracle(model, inNetwork(net, searched, dense, probe, only, densities, base, batch, threads,
                exec), blocks);
    }

    /**
     * Per block and density of the grid: each searched layer's GEMM time inside the network; the
     * non-GEMM costs (pooling, relayouts, the output layer) become the medians over all these runs,
     * since they too depend on what ran before them.
     */
    private static Calibration inNetwork(MultiLayerNetwork net, List<PrunableLayer> searched, SparsePlatform dense,
            Probe probe, List<BlockShape> blocks, List<Double> densities, Calibration base, int batch, int threads, Execution exec) {
        Set<String> names = searched.stream().map(PrunableLayer::name).collect(Collectors.toSet());
        List<InNetwork> out = new ArrayList<>();
        List<Double> fixed = new ArrayList<>();
        Map<String, List<Double>> overhead = new LinkedHashMap<>();
        // two sweeps a minute apart rather than two rounds back to back: on a shared VM a slow spell lasts
        // seconds, and it would hit both rounds of one network (the oracle keeps each network's faster
        // sweep). The all-dense network (OpenBLAS, im2col: the noisiest) keeps its best round, as the
        // final table keeps the best of its rounds, and its rounds are spread over both sweeps as the
        // table's are (2 s apart): timed once, a slow spell put the dense rows of a final table 20-30%
        // off; 5 rounds back to back fell into one and a demo's dense row was predicted 43% high
        List<Timing> denseRounds = new ArrayList<>();
        Function<PrunableLayer, Placement> allDense = l -> Placement.dense(dense);
        int denseEvery = Math.max(1, blocks.size() / DENSE_ROUNDS);
        try (Progress progress = new Progress("in-network", (long) CALIBRATION_SWEEPS * densities.size() * blocks.size())) {
            for (int sweep = 0; sweep < CALIBRATION_SWEEPS; sweep++) {
                try (SparseNetwork denseNet = SparseNetwork.compile(net, allDense, batch, exec)) {
                    for (int bi = 0; bi < blocks.size(); bi++) {
                        BlockShape b = blocks.get(bi);
                        if (bi % denseEvery == 0) {
                            denseRounds.add(denseNet.time(bi == 0 ? 3 : 1, 15, threads));
                        }
                        for (double d : densities) {
                            Function<PrunableLayer, Placement> placement = probe.placement(b, 1.0 - d);
                            try (SparseNetwork s = SparseNetwork.compile(net, placement, batch, exec)) {
                                Timing t = s.timeBestOf(1, 2, 10, threads);
                                for (PrunableLayer l : searched) {
                                    // the grid density the search will ask about (a never-pruned layer: 1)
                                    Placement p = placement.apply(l);
                                    double density = p.mask() == null || p.mask().targetSparsity() == 0 ? 1.0 : d;
                                    out.add(new InNetwork(l.name(), b.toString(), density, t.gemmMs(l.name())));
                                    overhead.computeIfAbsent(l.name(), k -> new ArrayList<>()).add(t.nonGemmMs(l.name()));
                                }
                                fixed.add(outsidePassMs(t, names));
                            }
                            progress.step("sweep " + (sweep + 1) + " " + b + " d=" + d);
                        }
                    }
                }
            }
        }
        // the all-dense network keeps its fastest round as a whole: each layer's fastest sweep taken on
        // its own summed to a network faster than any pass measured, and the dense rows of six final
        // tables came out 7-27% below their measurement while the pruned rows scattered around 0
        Timing bestDense = denseRounds.stream().min(java.util.Comparator.comparingDouble(Timing::medianMs)).orElseThrow();
        Map<String, LayerCosts> layers = new LinkedHashMap<>();
        base.layers().forEach((name, c) -> layers.put(name, new LayerCosts(c.layer(), c.platformShape(), c.denseShape(),
                bestDense.layerMs(name), median(overhead.get(name)))));
        return new Calibration(layers, median(fixed), out, outsidePassMs(bestDense, names));
    }

    /**
     * What a timed pass spends outside the {@code searched} layers' ops: the other ops' medians plus
     * the pass's median gap between ops (timer reads, a lane waiting for the other; 2-3% of a pruned
     * VGG's pass). Before commit 6f150b8 the gap was the pass's median less the searched ops'
     * medians: in a calibration's short runs on a noisy VM that difference took in the slow passes'
     * excess, and a demo predicted 0.42 ms outside the searched layers where its final table measured
     * 0.21 (every pruned row 10-12% high).
     */
    static double outsidePassMs(Timing t, Set<String> searched) {
        return t.outsideMs(searched) + Math.max(0.0, t.gapMs());
    }

    /**
     * The GEMM shape of each searched layer on the dense baseline and on the platform, from compiling
     * (not timing) the network placed on each. Costs are left 0: {@link #inNetwork} measures them, the
     * dense ones included.
     */
    private static Calibration gemmShapes(MultiLayerNetwork net, List<PrunableLayer> searched, SparsePlatform dense,
            Function<PrunableLayer, Placement> onPlatform, int batch, Execution exec) {
        Set<String> names = searched.stream().map(PrunableLayer::name).collect(Collectors.toSet());
        List<OpInfo> denseOps;
        try (SparseNetwork d = SparseNetwork.compile(net, l -> Placement.dense(dense), batch, exec)) {
            denseOps = d.ops();
        }
        List<OpInfo> platformOps;
        try (SparseNetwork s = SparseNetwork.compile(net,
                l -> names.contains(l.name()) ? onPlatform.apply(l) : Placement.dense(dense), batch, exec)) {
            platformOps = s.ops();
        }
        Map<String, LayerCosts> costs = new LinkedHashMap<>();
        for (PrunableLayer l : searched) {
            costs.put(l.name(), new LayerCosts(l.name(), gemmOf(platformOps, l), gemmOf(denseOps, l), 0.0, 0.0));
        }
        return new Calibration(costs, 0.0, List.of());
    }

    private static GemmShape gemmOf(List<OpInfo> ops, PrunableLayer l) {
        return ops.stream().filter(o -> o.kind() == OpInfo.Kind.GEMM && l.name().equals(o.layer()))
                .map(OpInfo::gemm).findFirst().orElseThrow();
    }

    /** Predicted milliseconds of one layer on the platform with {@code block} at {@code sparsity}. */
    public double platformMs(String layer, BlockShape block, double sparsity) {
        LayerCosts c = costs(layer);
        double density = 1.0 - sparsity;
        return correction(layer, block, density) * model.latencyMs(c.platformShape(), block, density)
                + c.platformOverheadMs();
    }

    /** Measured milliseconds of one layer left dense on the dense baseline. */
    public double denseMs(String layer) {
        return costs(layer).denseMs();
    }

    /** The block whose kernel runs the layer fastest with every block kept (density 1). */
    public BlockShape fastestDenseBlock(String layer) {
        BlockShape best = blocks.get(0);
        for (BlockShape b : blocks) {
            if (platformMs(layer, b, 0.0) < platformMs(layer, best, 0.0)) {
                best = b;
            }
        }
        return best;
    }

    /**
     * The faster placement of an unpruned layer: on the platform at density 1 (returned), or on the
     * dense baseline (null).
     */
    public LayerAssignment fastestUnpruned(String layer) {
        BlockShape b = fastestDenseBlock(layer);
        return platformMs(layer, b, 0.0) < denseMs(layer) ? new LayerAssignment(layer, b, 0.0) : null;
    }

    /**
     * Predicted milliseconds of a whole network: plan layers on the platform, other searched layers
     * dense; the empty plan is the all-dense network, with its own outside cost.
     */
    public double networkMs(List<LayerAssignment> plan) {
        Map<String, LayerAssignment> byLayer = new LinkedHashMap<>();
        plan.forEach(a -> byLayer.put(a.layer(), a));
        double total = plan.isEmpty() ? denseFixedMs : fixedMs;
        for (String l : layers.keySet()) {
            LayerAssignment a = byLayer.get(l);
            total += a == null ? denseMs(l) : platformMs(l, a.block(), a.sparsity());
        }
        return total;
    }

    public LayerCosts costs(String layer) {
        LayerCosts c = layers.get(layer);
        if (c == null) {
            throw new IllegalArgumentException("no costs for layer " + layer);
        }
        return c;
    }

    /** Measured cost of everything outside the searched layers. */
    public double fixedMs() {
        return fixedMs;
    }
}
