package org.pruneaug.search;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.GemmShape;
import org.pruneaug.inference.OpInfo;
import org.pruneaug.inference.Placement;
import org.pruneaug.inference.SparseNetwork;
import org.pruneaug.inference.Timing;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.platforms.LatencyModel;
import org.pruneaug.platforms.Profiler;
import org.pruneaug.platforms.SparsePlatform;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * Predicted latency of any per-layer assignment of one network on one platform: the sum of each
 * pruned layer's GEMM as the platform's latency table says (profiled on demand at the shape the
 * sparse runtime really runs), plus what was measured for everything else: unpruned layers on the
 * dense baseline (GEMM, im2col, relayout), the non-GEMM operators of the pruned layers (e.g.
 * re-zeroing the grid padding), and the operators outside any layer (input, pooling, flatten,
 * softmax). Those measurements come from compiling and timing the network twice, all-dense and
 * all-pruned, in the same runtime that measures the final networks.
 */
public final class LatencyOracle {
    /** What the oracle knows about one prunable layer. */
    public record LayerCosts(String layer, GemmShape sparseShape, GemmShape denseShape, double denseMs,
                             double sparseOverheadMs) {
    }

    private final SparsePlatform platform;
    private final LatencyModel model;
    private final Map<String, LayerCosts> layers;
    private final double fixedMs;

    /** The measured part of the oracle, kept in the search's cache so that a resumed search sees the same numbers. */
    public record Calibration(Map<String, LayerCosts> layers, double fixedMs) {
    }

    private LatencyOracle(SparsePlatform platform, LatencyModel model, Calibration calibration) {
        this.platform = platform;
        this.model = model;
        this.layers = calibration.layers();
        this.fixedMs = calibration.fixedMs();
    }

    /**
     * Calibrates on {@code net}: times it all-dense on {@code dense} and with the {@code pruned}
     * layers on {@code platform} (placements from {@code sparsePlacement}), then profiles the pruned
     * layers' GEMM shapes for {@code blocks} x (1 - {@code sparsities}) into the platform's table.
     * A calibration already in {@code cache} is reused instead of measured again.
     */
    public static LatencyOracle calibrate(MultiLayerNetwork net, List<PrunableLayer> pruned, SparsePlatform platform,
            SparsePlatform dense, Function<PrunableLayer, Placement> sparsePlacement, List<BlockShape> blocks,
            List<Double> sparsities, int batch, int threads, Path tableFile, SearchCache cache, PrintStream log) {
        Calibration calibration = cache.calibration()
                .orElseGet(() -> cache.putCalibration(measure(net, pruned, dense, sparsePlacement, batch, threads)));
        List<GemmShape> shapes = calibration.layers().values().stream().map(LayerCosts::sparseShape).distinct().toList();
        List<Double> densities = new ArrayList<>();
        for (double s : sparsities) {
            densities.add(1.0 - s);
        }
        Profiler.Request request = new Profiler.Request(shapes, blocks, densities, threads);
        Profiler.Result r = new Profiler(Profiler.Method.defaults(), false, true, log).profile(platform, request, tableFile);
        return new LatencyOracle(platform, LatencyModel.of(r.table()), calibration);
    }

    private static Calibration measure(MultiLayerNetwork net, List<PrunableLayer> pruned, SparsePlatform dense,
            Function<PrunableLayer, Placement> sparsePlacement, int batch, int threads) {
        Timing denseTiming;
        try (SparseNetwork d = SparseNetwork.compile(net, l -> Placement.dense(dense), batch)) {
            denseTiming = d.timeBestOf(3, 3, 15, threads);
        }
        java.util.Set<String> prunedNames = new LinkedHashSet<>();
        pruned.forEach(l -> prunedNames.add(l.name()));
        Timing sparseTiming;
        Map<String, GemmShape> sparseShapes = new LinkedHashMap<>();
        try (SparseNetwork s = SparseNetwork.compile(net,
                l -> prunedNames.contains(l.name()) ? sparsePlacement.apply(l) : Placement.dense(dense), batch)) {
            sparseTiming = s.timeBestOf(3, 3, 15, threads);
            for (OpInfo op : s.ops()) {
                if (op.kind() == OpInfo.Kind.GEMM && prunedNames.contains(op.layer())) {
                    sparseShapes.put(op.layer(), op.gemm());
                }
            }
        }
        Map<String, LayerCosts> costs = new LinkedHashMap<>();
        for (PrunableLayer l : pruned) {
            GemmShape denseShape = denseTiming.ops().stream().map(Timing.OpTime::op)
                    .filter(o -> o.kind() == OpInfo.Kind.GEMM && l.name().equals(o.layer())).map(OpInfo::gemm)
                    .findFirst().orElseThrow();
            double overhead = sparseTiming.ops().stream()
                    .filter(o -> l.name().equals(o.op().layer()) && o.op().kind() != OpInfo.Kind.GEMM)
                    .mapToDouble(Timing.OpTime::medianMs).sum();
            costs.put(l.name(), new LayerCosts(l.name(), sparseShapes.get(l.name()), denseShape,
                    denseTiming.layerMs(l.name()), overhead));
        }
        // everything of the pruned-path network that is not a pruned layer: input, pooling, flatten,
        // softmax, and the unpruned layers (on the dense baseline)
        double fixed = sparseTiming.ops().stream()
                .filter(o -> o.op().layer() == null || !prunedNames.contains(o.op().layer()))
                .mapToDouble(Timing.OpTime::medianMs).sum();
        return new Calibration(costs, fixed);
    }

    /** Predicted milliseconds of one layer under one option (sparsity 0: left dense). */
    public double layerMs(String layer, BlockShape block, double sparsity) {
        LayerCosts c = costs(layer);
        if (sparsity == 0.0) {
            return c.denseMs();
        }
        return model.latencyMs(c.sparseShape(), block, 1.0 - sparsity) + c.sparseOverheadMs();
    }

    /** Predicted milliseconds of a whole network under a plan (layers it does not name stay dense). */
    public double networkMs(List<org.pruneaug.core.LayerAssignment> plan) {
        Map<String, org.pruneaug.core.LayerAssignment> byLayer = new LinkedHashMap<>();
        plan.forEach(a -> byLayer.put(a.layer(), a));
        double total = fixedMs;
        for (String l : layers.keySet()) {
            org.pruneaug.core.LayerAssignment a = byLayer.get(l);
            total += a == null ? layerMs(l, BlockShape.UNSTRUCTURED, 0.0) : layerMs(l, a.block(), a.sparsity());
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

    public Map<String, LayerCosts> layers() {
        return layers;
    }

    /** Measured cost of everything outside the pruned layers. */
    public double fixedMs() {
        return fixedMs;
    }

    public SparsePlatform platform() {
        return platform;
    }
}
