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
import org.pruneaug.inference.OpInfo;
import org.pruneaug.inference.Placement;
import org.pruneaug.inference.SparseNetwork;
import org.pruneaug.inference.Timing;
import org.pruneaug.platforms.LatencyModel;
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
 * block shape, the network with every searched layer on that block at two densities, and corrects
 * each (layer, block) table lookup by the measured in-network / table ratio, interpolated in density
 * between the two.
 */
public final class LatencyOracle {
    /** What the oracle knows about one searched layer. */
    public record LayerCosts(String layer, GemmShape platformShape, GemmShape denseShape, double denseMs,
                             double platformOverheadMs) {
    }

    /** One layer's GEMM time inside a calibration network, with the block and density it ran at. */
    public record InNetwork(String layer, String block, double density, double gemmMs) {
    }

    /** The measured part, kept in the search's cache so that a resumed search sees the same numbers. */
    public record Calibration(Map<String, LayerCosts> layers, double fixedMs, List<InNetwork> inNetwork) {
        public Calibration {
            inNetwork = inNetwork == null ? List.of() : List.copyOf(inNetwork);
        }
    }

    /** Network placement for a calibration run: every searched layer on the platform with this block
     *  at this sparsity (the layers that are never pruned at density 1). */
    public interface Probe {
        Function<PrunableLayer, Placement> placement(BlockShape block, double sparsity);
    }

    /** Densities of the calibration networks: a sparse and a dense point, the factor interpolated between. */
    static final double LOW_DENSITY = 0.2;
    static final double HIGH_DENSITY = 1.0;
    /** Bounds of a correction factor: beyond them the calibration run was disturbed. */
    static final double MIN_FACTOR = 0.25;
    static final double MAX_FACTOR = 4.0;

    private final LatencyModel model;
    private final Map<String, LayerCosts> layers;
    /** layer -> block -> {factor at LOW_DENSITY, factor at HIGH_DENSITY} */
    private final Map<String, Map<BlockShape, double[]>> factors = new LinkedHashMap<>();
    private final double fixedMs;
    private final List<BlockShape> blocks;

    private LatencyOracle(LatencyModel model, Calibration calibration, List<BlockShape> blocks) {
        this.model = model;
        this.layers = calibration.layers();
        this.fixedMs = calibration.fixedMs();
        this.blocks = blocks;
        for (InNetwork m : calibration.inNetwork()) {
            LayerCosts c = layers.get(m.layer());
            if (c == null || !(m.gemmMs() > 0)) {
                continue;
            }
            BlockShape b = BlockShape.parse(m.block());
            double f = clamp(m.gemmMs() / model.latencyMs(c.platformShape(), b, m.density()));
            double[] pair = factors.computeIfAbsent(m.layer(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(b, k -> new double[] {Double.NaN, Double.NaN});
            int i = m.density() < HIGH_DENSITY ? 0 : 1;
            pair[i] = Double.isNaN(pair[i]) ? f : Math.min(pair[i], f); // a never-pruned layer is timed twice
        }
    }

    private static double clamp(double f) {
        return Math.max(MIN_FACTOR, Math.min(MAX_FACTOR, f));
    }

    /** In-network / table latency of a layer's GEMM with {@code block} at {@code density} (1 if never measured). */
    public double correction(String layer, BlockShape block, double density) {
        double[] pair = factors.getOrDefault(layer, Map.of()).get(block);
        if (pair == null) {
            return 1.0;
        }
        double lo = pair[0];
        double hi = pair[1];
        if (Double.isNaN(lo)) {
            return Double.isNaN(hi) ? 1.0 : hi;
        }
        if (Double.isNaN(hi) || density <= LOW_DENSITY) {
            return lo;
        }
        double t = Math.min(1.0, (density - LOW_DENSITY) / (HIGH_DENSITY - LOW_DENSITY));
        return lo + t * (hi - lo);
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
     * Calibrates on {@code net} (or reuses the calibration in {@code cache}): times it all-dense on
     * {@code dense} and with every searched layer on {@code platform}, profiles the searched layers'
     * platform GEMM shapes for {@code blocks} x (1 - {@code sparsities}, and 1) into the platform's
     * latency table, then times one network per block shape and calibration density.
     */
    public static LatencyOracle calibrate(MultiLayerNetwork net, List<PrunableLayer> searched, SparsePlatform platform,
            SparsePlatform dense, Probe probe, List<BlockShape> blocks, List<Double> sparsities, int batch, int threads,
            Path tableFile, SearchCache cache, PrintStream log) {
        BlockShape base = blocks.contains(new BlockShape(4, 4)) ? new BlockShape(4, 4) : blocks.get(0);
        Calibration calibration = cache.calibration().filter(c -> !c.inNetwork().isEmpty()).orElse(null);
        Calibration costs = calibration != null ? calibration
                : measure(net, searched, dense, probe.placement(base, 1.0 - LOW_DENSITY), batch, threads);
        List<GemmShape> shapes = costs.layers().values().stream().map(LayerCosts::platformShape).distinct().toList();
        List<Double> densities = new ArrayList<>(List.of(1.0));
        for (double s : sparsities) {
            densities.add(1.0 - s);
        }
        if (!densities.contains(LOW_DENSITY)) {
            densities.add(LOW_DENSITY);
        }
        Profiler.Request request = new Profiler.Request(shapes, blocks, densities, threads);
        Profiler.Result r = new Profiler(Profiler.Method.defaults(), false, true, log).profile(platform, request, tableFile);
        if (calibration == null) {
            calibration = cache.putCalibration(new Calibration(costs.layers(), costs.fixedMs(),
                    inNetwork(net, searched, probe, blocks, batch, threads)));
        }
        return new LatencyOracle(LatencyModel.of(r.table()), calibration, blocks);
    }

    /** Per block and calibration density: each searched layer's GEMM time inside the network. */
    private static List<InNetwork> inNetwork(MultiLayerNetwork net, List<PrunableLayer> searched, Probe probe,
            List<BlockShape> blocks, int batch, int threads) {
        List<InNetwork> out = new ArrayList<>();
        try (Progress progress = new Progress("in-network", 2L * blocks.size())) {
            for (BlockShape b : blocks) {
                for (double d : List.of(LOW_DENSITY, HIGH_DENSITY)) {
                    Function<PrunableLayer, Placement> placement = probe.placement(b, 1.0 - d);
                    try (SparseNetwork s = SparseNetwork.compile(net, placement, batch)) {
                        Timing t = s.timeBestOf(2, 2, 10, threads);
                        for (PrunableLayer l : searched) {
                            Placement p = placement.apply(l);
                            double density = p.mask() == null ? 1.0
                                    : (double) p.mask().keptBlockCount() / ((long) p.mask().gridRows() * p.mask().gridCols());
                            double ms = t.ops().stream()
                                    .filter(o -> l.name().equals(o.op().layer()) && o.op().kind() == OpInfo.Kind.GEMM)
                                    .mapToDouble(Timing.OpTime::medianMs).sum();
                            // a never-pruned layer runs at density 1 in both networks: keep its faster time
                            out.add(new InNetwork(l.name(), b.toString(), density >= HIGH_DENSITY - 1e-9 ? HIGH_DENSITY
                                    : density, ms));
                        }
                    }
                    progress.step(b + " d=" + d);
                }
            }
        }
        return out;
    }

    private static Calibration measure(MultiLayerNetwork net, List<PrunableLayer> searched, SparsePlatform dense,
            Function<PrunableLayer, Placement> onPlatform, int batch, int threads) {
        Set<String> names = searched.stream().map(PrunableLayer::name).collect(Collectors.toSet());
        Timing denseTiming;
        try (SparseNetwork d = SparseNetwork.compile(net, l -> Placement.dense(dense), batch)) {
            denseTiming = d.timeBestOf(3, 3, 15, threads);
        }
        Timing platformTiming;
        try (SparseNetwork s = SparseNetwork.compile(net,
                l -> names.contains(l.name()) ? onPlatform.apply(l) : Placement.dense(dense), batch)) {
            platformTiming = s.timeBestOf(3, 3, 15, threads);
        }
        Map<String, LayerCosts> costs = new LinkedHashMap<>();
        for (PrunableLayer l : searched) {
            double overhead = platformTiming.ops().stream()
                    .filter(o -> l.name().equals(o.op().layer()) && o.op().kind() != OpInfo.Kind.GEMM)
                    .mapToDouble(Timing.OpTime::medianMs).sum();
            costs.put(l.name(), new LayerCosts(l.name(), gemmOf(platformTiming, l), gemmOf(denseTiming, l),
                    denseTiming.layerMs(l.name()), overhead));
        }
        double fixed = platformTiming.ops().stream()
                .filter(o -> o.op().layer() == null || !names.contains(o.op().layer()))
                .mapToDouble(Timing.OpTime::medianMs).sum();
        return new Calibration(costs, fixed, List.of());
    }

    private static GemmShape gemmOf(Timing t, PrunableLayer l) {
        return t.ops().stream().map(Timing.OpTime::op).filter(o -> o.kind() == OpInfo.Kind.GEMM && l.name().equals(o.layer()))
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

    /** Predicted milliseconds of a whole network: plan layers on the platform, other searched layers dense. */
    public double networkMs(List<LayerAssignment> plan) {
        Map<String, LayerAssignment> byLayer = new LinkedHashMap<>();
        plan.forEach(a -> byLayer.put(a.layer(), a));
        double total = fixedMs;
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
