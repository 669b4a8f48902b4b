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
 * flatten, softmax, the output layer). Both networks are compiled and timed by the same runtime that
 * measures the final networks.
 */
public final class LatencyOracle {
    /** What the oracle knows about one searched layer. */
    public record LayerCosts(String layer, GemmShape platformShape, GemmShape denseShape, double denseMs,
                             double platformOverheadMs) {
    }

    /** The measured part, kept in the search's cache so that a resumed search sees the same numbers. */
    public record Calibration(Map<String, LayerCosts> layers, double fixedMs) {
    }

    private final LatencyModel model;
    private final Map<String, LayerCosts> layers;
    private final double fixedMs;
    private final List<BlockShape> blocks;

    private LatencyOracle(LatencyModel model, Calibration calibration, List<BlockShape> blocks) {
        this.model = model;
        this.layers = calibration.layers();
        this.fixedMs = calibration.fixedMs();
        this.blocks = blocks;
    }

    /**
     * Calibrates on {@code net} (or reuses the calibration in {@code cache}): times it all-dense on
     * {@code dense} and with every searched layer on {@code platform} (placed by
     * {@code onPlatform}), then profiles the searched layers' platform GEMM shapes for
     * {@code blocks} x (1 - {@code sparsities}, and 1) into the platform's latency table.
     */
    public static LatencyOracle calibrate(MultiLayerNetwork net, List<PrunableLayer> searched, SparsePlatform platform,
            SparsePlatform dense, Function<PrunableLayer, Placement> onPlatform, List<BlockShape> blocks,
            List<Double> sparsities, int batch, int threads, Path tableFile, SearchCache cache, PrintStream log) {
        Calibration calibration = cache.calibration()
                .orElseGet(() -> cache.putCalibration(measure(net, searched, dense, onPlatform, batch, threads)));
        List<GemmShape> shapes = calibration.layers().values().stream().map(LayerCosts::platformShape).distinct().toList();
        List<Double> densities = new ArrayList<>(List.of(1.0));
        for (double s : sparsities) {
            densities.add(1.0 - s);
        }
        Profiler.Request request = new Profiler.Request(shapes, blocks, densities, threads);
        Profiler.Result r = new Profiler(Profiler.Method.defaults(), false, true, log).profile(platform, request, tableFile);
        return new LatencyOracle(LatencyModel.of(r.table()), calibration, blocks);
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
        return new Calibration(costs, fixed);
    }

    private static GemmShape gemmOf(Timing t, PrunableLayer l) {
        return t.ops().stream().map(Timing.OpTime::op).filter(o -> o.kind() == OpInfo.Kind.GEMM && l.name().equals(o.layer()))
                .map(OpInfo::gemm).findFirst().orElseThrow();
    }

    /** Predicted milliseconds of one layer on the platform with {@code block} at {@code sparsity}. */
    public double platformMs(String layer, BlockShape block, double sparsity) {
        LayerCosts c = costs(layer);
        return model.latencyMs(c.platformShape(), block, 1.0 - sparsity) + c.platformOverheadMs();
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
