package org.pruneaug.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.ZooModel;
import org.pruneaug.platforms.Platforms;
import org.pruneaug.pruning.PrunedNetwork;
import org.pruneaug.pruning.Pruner;
import org.pruneaug.pruning.Pruning;

/** Placing the unpruned layers of a model from `prune`: only those move, and the network stays DL4J's. */
class UnprunedPlacementTest {
    @Test
    void unprunedLayersAreAddedKeptWholeAndThePrunedOnesStayAsPlanned() {
        SparseNetworkTest.setUp();
        MultiLayerNetwork net = ZooModel.VGG.build(5);
        PrunedNetwork p = Pruning.score(net, Pruner.byName("magnitude"), SparseNetworkTest.images, 5)
                .apply(Pruning.uniform(GemmView.layers(net), BlockShape.parse("4x1"), 0.8));
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        List<LayerAssignment> plan = UnprunedPlacement.choose(p.network(), p.layers(), p.plan(), p::mask,
                SparseNetworkTest.avx2, SparseNetworkTest.dense, 16, Execution.LAYER_BY_LAYER, 2,
                new PrintStream(log, true, StandardCharsets.UTF_8));

        assertEquals(p.plan(), plan.subList(0, p.plan().size()), "the pruned layers' assignments come first, unchanged");
        BlockShape whole = UnprunedPlacement.denseBlock(SparseNetworkTest.avx2);
        for (LayerAssignment a : plan.subList(p.plan().size(), plan.size())) {
            assertTrue(p.plan().stream().noneMatch(x -> x.layer().equals(a.layer())), a + " was not pruned");
            assertEquals(0.0, a.sparsity(), a + " keeps every block");
            assertEquals(whole, a.block());
        }
        String printed = log.toString(StandardCharsets.UTF_8);
        for (String unpruned : List.of("conv1", "out")) {
            assertTrue(printed.contains("unpruned " + unpruned + ":"), "decision on " + unpruned + " printed: " + printed);
        }
        try (SparseNetwork s = SparseNetwork.compile(p.network(), Placements.of(plan, p::mask, SparseNetworkTest.avx2,
                SparseNetworkTest.dense), 32)) {
            SparseNetworkTest.assertAgrees(s, p.network());
        }
    }

    @Test
    void anUnprunedLayerRunsWithTheLargestRegisterTileThePlatformHas() {
        Platforms platforms = Platforms.load();
        assertEquals(BlockShape.parse("8x4"), UnprunedPlacement.denseBlock(platforms.get("cpu-generic")));
    }
}
