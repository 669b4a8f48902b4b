package org.pruneaug.inference;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.platforms.SparsePlatform;
import org.pruneaug.pruning.LayerMask;

/**
 * Where the layers a plan leaves unpruned run, for a pruned model that does not say (one from
 * {@code prune}; the search records its own choice, made from its latency table). An unpruned layer
 * can run on the dense baseline or on the platform's kernels with every block kept, and the second
 * may win by far: on our CPU platforms an unpruned 3x3 convolution followed by 2x2 pooling runs as
 * one direct, fused operator instead of im2col + sgemm + a relayout. Each unpruned layer, in network
 * order, goes to the platform when the whole network measured faster that way, in alternating
 * rounds against the placement so far.
 */
public final class UnprunedPlacement {
    /** Alternating rounds per comparison, and timed passes per network and round. */
    static final int ROUNDS = 3;
    static final int REPS = 15;

    private UnprunedPlacement() {
    }

    /**
     * The plan with the unpruned layers that measured faster on {@code platform} added to it at
     * sparsity 0 (block {@link #denseBlock}); the pruned layers' assignments unchanged. Each decision
     * is printed to {@code log}.
     */
    public static List<LayerAssignment> choose(MultiLayerNetwork net, List<PrunableLayer> layers,
            List<LayerAssignment> plan, Function<String, LayerMask> masks, SparsePlatform platform,
            SparsePlatform dense, int batch, Execution exec, int threads, PrintStream log) {
        BlockShape block = denseBlock(platform);
        List<LayerAssignment> current = new ArrayList<>(plan);
        for (PrunableLayer l : layers) {
            if (current.stream().anyMatch(a -> a.layer().equals(l.name()))) {
                continue;
            }
            List<LayerAssignment> trial = new ArrayList<>(current);
            trial.add(new LayerAssignment(l.name(), block, 0.0));
            double[] ms = compare(net, current, trial, masks, platform, dense, batch, exec, threads);
            boolean faster = ms[1] < ms[0];
            log.printf(Locale.ROOT, "unpruned %s: %.3f ms per batch with it on %s (%s, every block kept), %.3f ms on %s:"
                    + " %s%n", l.name(), ms[1], platform.id(), block, ms[0], dense.id(),
                    faster ? "runs on " + platform.id() : "stays on " + dense.id());
            if (faster) {
                current = trial;
            }
        }
        return current;
    }

    /**
     * The block shape an unpruned layer runs with on the platform: the largest register tile of at
     * most 8 rows by 4 columns it supports (the tiles our CPU kernels run densest GEMMs fastest with),
     * else its largest block.
     */
    static BlockShape denseBlock(SparsePlatform platform) {
        Comparator<BlockShape> bySize = Comparator.comparingInt((BlockShape b) -> b.rows() * b.cols())
                .thenComparingInt(BlockShape::rows);
        List<BlockShape> blocks = platform.supportedBlocks();
        return blocks.stream().filter(b -> b.rows() <= 8 && b.cols() <= 4).max(bySize)
                .orElseGet(() -> blocks.stream().max(bySize).orElseThrow());
    }

    /** Medians over alternating rounds ({@link SparseNetwork#timeRounds}) of the two placements' median pass times: {a, b}. */
    private static double[] compare(MultiLayerNetwork net, List<LayerAssignment> a, List<LayerAssignment> b,
            Function<String, LayerMask> masks, SparsePlatform platform, SparsePlatform dense, int batch,
            Execution exec, int threads) {
        try (SparseNetwork na = SparseNetwork.compile(net, Placements.of(a, masks, platform, dense), batch, exec);
                SparseNetwork nb = SparseNetwork.compile(net, Placements.of(b, masks, platform, dense), batch, exec)) {
            List<List<Timing>> rounds = SparseNetwork.timeRounds(List.of(na, nb), ROUNDS, 3, REPS, threads, 0);
            return new double[] {
                SparseNetwork.median(rounds.stream().mapToDouble(r -> r.get(0).medianMs()).toArray()),
                SparseNetwork.median(rounds.stream().mapToDouble(r -> r.get(1).medianMs()).toArray())};
        }
    }
}
