package org.pruneaug.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.dl4j.DataSplit;
import org.pruneaug.dl4j.Evaluator;
import org.pruneaug.dl4j.FashionMnist;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.LabeledImages;
import org.pruneaug.dl4j.ModelMetadata;
import org.pruneaug.dl4j.Models;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.dl4j.Trainer;
import org.pruneaug.dl4j.TrainingBudget;
import org.pruneaug.dl4j.ZooModel;

/** Real DL4J networks on real Fashion-MNIST, kept small: a briefly trained MLP and LeNet. */
class PruningTest {
    static DataSplit data;
    static LabeledImages train;
    static MultiLayerNetwork mlp;
    static MultiLayerNetwork lenet;

    @TempDir
    Path tmp;

    @BeforeAll
    static void trainSmallModels() {
        data = FashionMnist.load(FashionMnist.DEFAULT_DIR);
        train = data.train().head(4000);
        mlp = ZooModel.MLP.build(1);
        Trainer.fit(mlp, train, TrainingBudget.epochs(1).withMaxBatches(40), 1, Trainer.UpdateHook.NONE, "mlp");
        lenet = ZooModel.LENET5.build(1);
        Trainer.fit(lenet, train, TrainingBudget.epochs(1).withMaxBatches(20), 1, Trainer.UpdateHook.NONE, "lenet");
    }

    private static final List<LayerAssignment> MLP_PLAN = List.of(
            new LayerAssignment("fc1", new BlockShape(4, 4), 0.9),
            new LayerAssignment("fc2", new BlockShape(32, 1), 0.8),
            new LayerAssignment("out", BlockShape.UNSTRUCTURED, 0.5));

    private static final List<LayerAssignment> LENET_PLAN = List.of(
            new LayerAssignment("conv1", new BlockShape(8, 1), 0.5),
            new LayerAssignment("conv2", new BlockShape(4, 4), 0.9),
            new LayerAssignment("fc1", new BlockShape(16, 16), 0.95));

    @Test
    void masksHoldThroughFineTuningAndTheDenseModelIsUntouched() {
        for (MultiLayerNetwork dense : List.of(mlp, lenet)) {
            List<LayerAssignment> plan = dense == mlp ? MLP_PLAN : LENET_PLAN;
            INDArray denseParams = dense.params().dup();
            PrunedNetwork p = Pruning.score(dense, new MagnitudePruner(), train, 1).apply(plan);
            assertZerosMatchMasks(p);
            float[][] before = weightsOf(p);
            p.fineTune(train, TrainingBudget.epochs(1).withMaxBatches(5), 2);
            assertZerosMatchMasks(p);
            float[][] after = weightsOf(p);
            for (int i = 0; i < before.length; i++) {
                float[] mask = p.masks().get(i).elementMask();
                int kept = 0;
                int changed = 0;
                for (int j = 0; j < mask.length; j++) {
                    if (mask[j] == 1f) {
                        kept++;
                        changed += before[i][j] != after[i][j] ? 1 : 0;
                    }
                }
                // weights on always-black border pixels get no gradient, the others move
                assertTrue(changed > kept / 2, p.masks().get(i).layer() + ": " + changed + " of " + kept + " kept weights trained");
            }
            assertEquals(denseParams, dense.params(), "pruning works on a copy");
        }
    }

    @Test
    void distilledFineTuningLearnsFromTheDenseModelOnce() {
        Pruning scored = Pruning.score(mlp, new MagnitudePruner(), train, 1);
        float[] teacher = scored.teacherTargets(train);
        assertEquals(train.size() * LabeledImages.CLASSES, teacher.length);
        assertTrue(teacher == scored.teacherTargets(train), "computed once per image set");
        float[] mlpOut = mlp.output(train.batch(null, 0, 1).getFeatures(), false).dup('c').data().asFloat();
        assertArrayEquals(mlpOut, java.util.Arrays.copyOf(teacher, LabeledImages.CLASSES), 1e-6f, "the dense model's probabilities");

        TrainingBudget budget = TrainingBudget.epochs(1).withMaxBatches(10).withDistill(0.5).withCosine(true)
                .withLearningRate(1e-3);
        PrunedNetwork p = scored.apply(MLP_PLAN);
        Evaluator.Accuracy before = Evaluator.evaluate(p.network(), data.validation().head(500));
        p.fineTune(train, budget, 2);
        assertZerosMatchMasks(p);
        Evaluator.Accuracy after = Evaluator.evaluate(p.network(), data.validation().head(500));
        assertTrue(after.loss() < before.loss(), before + " -> " + after);

        Path saved = tmp.resolve("pruned.zip");
        Models.save(p.network(), saved, ModelMetadata.empty().with(PruningRecord.SECTION, p.record()));
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> PrunedNetwork.of(Models.load(saved)).fineTune(train, budget, 2));
        assertTrue(e.getMessage().contains("distillation needs the dense model"), e.getMessage());
    }

    @Test
    void reorderedRowsKeepTheFunctionAndTheBlocks() {
        List<LayerAssignment> plan = List.of(
                new LayerAssignment("conv1", new BlockShape(4, 1), 0.5),
                new LayerAssignment("conv2", new BlockShape(4, 2), 0.8),
                new LayerAssignment("fc1", new BlockShape(8, 1), 0.9));
        Pruning permuting = Pruning.score(lenet, new MagnitudePruner(), train, 1, true);
        java.util.Map<String, int[]> orders = permuting.rowOrders(plan);
        assertTrue(orders.containsKey("conv1") && orders.containsKey("fc1"), "reordered: " + orders.keySet());
        // the reordered dense network computes the same function (its masks aside)
        PrunedNetwork p = permuting.apply(plan.stream().map(a -> new LayerAssignment(a.layer(), a.block(), 0.0)).toList());
        LabeledImages some = data.validation().head(500);
        float[] before = Evaluator.probabilities(lenet, some);
        float[] after = Evaluator.probabilities(p.network(), some);
        for (int i = 0; i < before.length; i++) {
            assertEquals(before[i], after[i], 1e-5, "probability " + i);
        }
        // pruned: each layer's zeros are whole blocks of its shape in the stored order, at its sparsity,
        // and no less importance survives than without reordering
        Pruning plain = Pruning.score(lenet, new MagnitudePruner(), train, 1, false);
        PrunedNetwork reordered = permuting.apply(plan);
        PrunedNetwork stored = plain.apply(plan);
        assertTrue(plain.rowOrders(plan).isEmpty());
        for (LayerAssignment a : plan) {
            PrunableLayer l = GemmView.layer(reordered.layers(), a.layer());
            float[] w = GemmView.weights(reordered.network(), l);
            LayerMask blocks = LayerMask.fromWeights(l.name(), w, l.rows(), l.cols(), a.block(), a.sparsity());
            assertEquals(reordered.mask(a.layer()).prunedWeights(), blocks.prunedWeights(), a + ": zeros are whole blocks");
            long target = Math.round(a.sparsity() * l.weightCount());
            assertTrue(Math.abs(blocks.prunedWeights() - target) <= a.block().size() / 2, a + ": " + blocks.prunedWeights()
                    + " zeros, target " + target);
        }
        assertTrue(keptMagnitude(reordered, "fc1") > keptMagnitude(stored, "fc1"), "fc1 keeps more magnitude reordered");
        // the cheap fidelity evaluates the network apply() makes
        assertEquals(Evaluator.evaluate(reordered.network(), some).accuracy(), permuting.fidelity(plan, some).accuracy(), 1e-9);
    }

    /** A LeNet of its own (the shared one's state may already have been touched by other tests). */
    private static MultiLayerNetwork trainedLenetWithOptimizerState() {
        MultiLayerNetwork net = ZooModel.LENET5.build(1);
        Trainer.fit(net, train, TrainingBudget.epochs(1).withMaxBatches(10), 1, Trainer.UpdateHook.NONE, "lenet");
        return net;
    }

    @Test
    void reorderingMovesTheOptimizerStateWithTheWeights() {
        // give every optimizer-state copy of a parameter (Adam: first and second moments) the
        // parameter's own value: after the reordering each kept weight must still find its own
        MultiLayerNetwork net = trainedLenetWithOptimizerState();
        BaseMultiLayerUpdater<?> u = (BaseMultiLayerUpdater<?>) net.getUpdater(false);
        float[] params = net.params().toFloatVector();
        float[] state = u.getStateViewArray().toFloatVector();
        int copies = 0;
        for (UpdaterBlock b : u.getUpdaterBlocks()) {
            int len = b.getParamOffsetEnd() - b.getParamOffsetStart();
            for (int at = b.getUpdaterViewOffsetStart(); at < b.getUpdaterViewOffsetEnd(); at += len) {
                System.arraycopy(params, b.getParamOffsetStart(), state, at, len);
                copies++;
            }
        }
        assertTrue(copies >= 2, "Adam keeps two moments per weight: " + copies);
        INDArray view = u.getStateViewArray();
        view.assign(org.nd4j.linalg.factory.Nd4j.create(state, view.shape(), view.ordering()));
        List<LayerAssignment> plan = List.of(
                new LayerAssignment("conv1", new BlockShape(4, 1), 0.5),
                new LayerAssignment("conv2", new BlockShape(4, 2), 0.8),
                new LayerAssignment("fc1", new BlockShape(8, 1), 0.9));
        Pruning permuting = Pruning.score(net, new MagnitudePruner(), train, 1, true);
        assertTrue(permuting.rowOrders(plan).containsKey("fc1"));
        MultiLayerNetwork pruned = permuting.apply(plan).network();
        BaseMultiLayerUpdater<?> v = (BaseMultiLayerUpdater<?>) pruned.getUpdater(false);
        float[] p = pruned.params().toFloatVector();
        float[] moved = v.getStateViewArray().toFloatVector();
        int kept = 0;
        int stayed = 0;
        for (UpdaterBlock b : v.getUpdaterBlocks()) {
            int len = b.getParamOffsetEnd() - b.getParamOffsetStart();
            for (int at = b.getUpdaterViewOffsetStart(); at < b.getUpdaterViewOffsetEnd(); at += len) {
                for (int i = 0; i < len; i++) {
                    int k = b.getParamOffsetStart() + i;
                    if (p[k] != 0) { // pruned weights are zero, their state is not
                        assertEquals(p[k], moved[at + i], "state of parameter " + k);
                        kept++;
                        stayed += params[k] == p[k] ? 1 : 0;
                    }
                }
            }
        }
        assertTrue(kept > 1000, "kept weights checked: " + kept);
        assertTrue(stayed < kept, "some weights moved");
    }

    @Test
    void taylorScoresLeaveTheOptimizerStateToTheFineTunes() {
        MultiLayerNetwork net = trainedLenetWithOptimizerState();
        INDArray state = net.getUpdater(false).getStateViewArray().dup();
        INDArray params = net.params().dup();
        Pruning taylor = Pruning.score(net, new TaylorPruner(4, 32), train, 1, false);
        assertEquals(params, net.params());
        assertEquals(state, net.getUpdater(false).getStateViewArray(), "the dense network keeps its optimizer state");
        PrunedNetwork p = taylor.apply(List.of(new LayerAssignment("fc1", BlockShape.UNSTRUCTURED, 0.5)));
        assertEquals(state, p.network().getUpdater(false).getStateViewArray(), "and a pruned copy starts from it");
    }

    private static double keptMagnitude(PrunedNetwork p, String layer) {
        double sum = 0;
        for (float v : GemmView.weights(p.network(), GemmView.layer(p.layers(), layer))) {
            sum += Math.abs(v);
        }
        return sum;
    }

    @Test
    void eachLayerReachesItsOwnSparsity() {
        PrunedNetwork p = Pruning.score(lenet, new MagnitudePruner(), train, 1).apply(LENET_PLAN);
        for (LayerAssignment a : LENET_PLAN) {
            PrunableLayer l = GemmView.layer(p.layers(), a.layer());
            long zeros = countZeros(GemmView.weights(p.network(), l));
            long target = Math.round(a.sparsity() * l.weightCount());
            assertTrue(Math.abs(zeros - target) <= a.block().size() / 2, a + ": " + zeros + " zeros, target " + target);
            assertEquals(zeros, p.mask(a.layer()).prunedWeights());
        }
        PrunedNetwork exact = Pruning.score(mlp, new MagnitudePruner(), train, 1)
                .apply(Pruning.uniform(GemmView.layers(mlp), BlockShape.UNSTRUCTURED, 0.95));
        for (PruningRecord.Layer l : exact.record().layers()) {
            double expected = l.layer().equals("out") ? 0 : Math.round(0.95 * l.weights()) / (double) l.weights();
            assertEquals(expected, l.actualSparsity(), 0.0, l.layer() + " (the output layer stays dense by default)");
        }
    }

    @Test
    void gradualMagnitudeStartsDenseAndEndsAtTheTarget() {
        Pruning scored = Pruning.score(mlp, new GradualMagnitudePruner(), train, 1);
        List<LayerAssignment> plan = List.of(new LayerAssignment("fc1", BlockShape.UNSTRUCTURED, 0.9),
                new LayerAssignment("fc2", new BlockShape(2, 2), 0.8));
        PrunedNetwork p = scored.apply(plan);
        LayerMask oneShot = p.mask("fc1");
        assertEquals(Math.round(0.9 * 1024 * 784), oneShot.prunedWeights(), "fidelity uses the final masks");
        p.fineTune(train, TrainingBudget.epochs(1).withMaxBatches(20), 3);
        assertZerosMatchMasks(p);
        assertEquals(Math.round(0.9 * 1024 * 784), countZeros(GemmView.weights(p.network(), GemmView.layer(p.layers(), "fc1"))));
        assertEquals(0.8, p.mask("fc2").actualSparsity(), 2.0 / (1024 * 1024));
        assertNotEquals(java.util.Arrays.toString(oneShot.keptBlocks()), java.util.Arrays.toString(p.mask("fc1").keptBlocks()),
                "gmp re-scores the weights as they train, so its final mask is not the one-shot mask");
    }

    @Test
    void taylorScoresAreGradientWeightedAndReproducible() {
        TaylorPruner taylor = new TaylorPruner(4, 32);
        Pruning a = Pruning.score(lenet, taylor, train, 5);
        Pruning b = Pruning.score(lenet, taylor, train, 5);
        float[] sa = a.scores("conv2");
        assertArrayEquals(sa, b.scores("conv2"), "same seed, same batches, same scores");
        float[] w = GemmView.weights(lenet, GemmView.layer(a.layers(), "conv2"));
        double sum = 0;
        for (int i = 0; i < sa.length; i++) {
            assertTrue(sa[i] >= 0);
            sum += sa[i];
            if (w[i] == 0) {
                assertEquals(0, sa[i]);
            }
        }
        assertTrue(sum > 0);
        LayerMask byTaylor = a.mask(new LayerAssignment("conv2", BlockShape.UNSTRUCTURED, 0.5));
        LayerMask byMagnitude = Pruning.score(lenet, new MagnitudePruner(), train, 5)
                .mask(new LayerAssignment("conv2", BlockShape.UNSTRUCTURED, 0.5));
        assertNotEquals(java.util.Arrays.toString(byTaylor.keptBlocks()), java.util.Arrays.toString(byMagnitude.keptBlocks()));
    }

    @Test
    void prunedModelRoundTripsWithItsRecordAndMasks() {
        PrunedNetwork p = Pruning.score(lenet, new MagnitudePruner(), train, 1).apply(LENET_PLAN);
        Path file = tmp.resolve("p.zip");
        Models.save(p.network(), file, ModelMetadata.empty().with(PruningRecord.SECTION, p.record()));
        Models.Loaded loaded = Models.load(file);
        PruningRecord record = PruningRecord.of(loaded.metadata()).orElseThrow();
        assertEquals(p.record(), record);
        assertEquals(new BlockShape(4, 4), record.layer("conv2").block());
        assertEquals(0.9, record.layer("conv2").targetSparsity());
        assertEquals(BlockShape.UNSTRUCTURED, record.layer("out").block());
        assertEquals(0.0, record.layer("out").actualSparsity());
        PrunedNetwork back = PrunedNetwork.of(loaded);
        for (LayerMask m : p.masks()) {
            assertArrayEquals(m.keptBlocks(), back.mask(m.layer()).keptBlocks(), m.layer());
        }
        LabeledImages val = data.validation().head(500);
        assertEquals(Evaluator.evaluate(p.network(), val), Evaluator.evaluate(loaded.network(), val));
    }

    @Test
    void cheapFidelityEqualsEvaluatingThePrunedCopy() {
        Pruning scored = Pruning.score(lenet, new MagnitudePruner(), train, 1);
        LabeledImages val = data.validation().head(300);
        Evaluator.Accuracy viaCopy = Evaluator.evaluate(scored.apply(LENET_PLAN).network(), val);
        assertEquals(viaCopy, scored.fidelity(LENET_PLAN, val));
        Evaluator.Accuracy dense = Evaluator.evaluate(lenet, val);
        assertEquals(dense, scored.fidelity(List.of(), val), "the scratch copy is reset between candidates");
        assertTrue(scored.fidelity(List.of(new LayerAssignment("fc1", BlockShape.UNSTRUCTURED, 0.99),
                new LayerAssignment("conv2", BlockShape.UNSTRUCTURED, 0.99)), val).loss() > dense.loss());
    }

    @Test
    void oneLayerFidelityFromKeptActivationsEqualsTheFullPass() {
        Pruning scored = Pruning.score(lenet, new MagnitudePruner(), train, 1, true);
        LabeledImages val = data.validation().head(700); // two evaluator batches, the second partial
        LabeledImages other = data.validation().head(300);
        // conv1 (first layer: full pass), conv2 (rows reordered for 4x1), fc1, conv2 again, another image set
        List<LayerAssignment> order = List.of(new LayerAssignment("conv1", new BlockShape(8, 1), 0.5),
                new LayerAssignment("conv2", new BlockShape(4, 1), 0.8),
                new LayerAssignment("fc1", new BlockShape(2, 2), 0.9),
                new LayerAssignment("fc1", BlockShape.UNSTRUCTURED, 0.0),
                new LayerAssignment("conv2", new BlockShape(1, 4), 0.6));
        for (LabeledImages images : List.of(val, other)) {
            for (LayerAssignment a : order) {
                Evaluator.Accuracy fast = scored.layerFidelity(a, images);
                Evaluator.Accuracy full = scored.fidelity(List.of(a), images);
                assertEquals(full.count(), fast.count(), a.toString());
                assertEquals(full.accuracy(), fast.accuracy(), 1e-9, a.toString());
                assertEquals(full.loss(), fast.loss(), 1e-5, a.toString());
            }
        }
        assertEquals(Evaluator.evaluate(lenet, val).loss(),
                scored.layerFidelity(new LayerAssignment("conv2", new BlockShape(4, 1), 0.0), val).loss(), 1e-5);
    }

    @Test
    void plansMustNameExistingLayersOnce() {
        Pruning scored = Pruning.score(mlp, new MagnitudePruner(), train, 1);
        InvalidInputException unknown = assertThrows(InvalidInputException.class,
                () -> scored.apply(List.of(new LayerAssignment("conv7", BlockShape.UNSTRUCTURED, 0.5))));
        assertTrue(unknown.getMessage().contains("conv7"));
        assertThrows(InvalidInputException.class, () -> scored.apply(List.of(
                new LayerAssignment("fc1", BlockShape.UNSTRUCTURED, 0.5), new LayerAssignment("fc1", BlockShape.UNSTRUCTURED, 0.6))));
        assertThrows(InvalidInputException.class, () -> Pruner.byName("random"));
    }

    private static void assertZerosMatchMasks(PrunedNetwork p) {
        for (LayerMask m : p.masks()) {
            PrunableLayer l = GemmView.layer(p.layers(), m.layer());
            float[] w = GemmView.weights(p.network(), l);
            float[] mask = m.elementMask();
            for (int i = 0; i < w.length; i++) {
                if (mask[i] == 0f) {
                    // masking multiplies by 0, so a negative weight becomes -0.0, which is == 0 for every consumer
                    assertTrue(w[i] == 0f, m.layer() + " weight " + i + " is pruned but holds " + w[i]);
                }
            }
        }
    }

    private static float[][] weightsOf(PrunedNetwork p) {
        return p.masks().stream().map(m -> GemmView.weights(p.network(), GemmView.layer(p.layers(), m.layer())))
                .toArray(float[][]::new);
    }

    private static long countZeros(float[] w) {
        long n = 0;
        for (float v : w) {
            n += v == 0f ? 1 : 0;
        }
        return n;
    }
}
