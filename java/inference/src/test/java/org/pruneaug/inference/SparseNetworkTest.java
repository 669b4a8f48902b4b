package org.pruneaug.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.BatchNormalization;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.dl4j.FashionMnist;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.LabeledImages;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.dl4j.TrainingBudget;
import org.pruneaug.dl4j.ZooModel;
import org.pruneaug.nativ.Kernels;
import org.pruneaug.platforms.Platforms;
import org.pruneaug.platforms.SparsePlatform;
import org.pruneaug.pruning.PrunedNetwork;
import org.pruneaug.pruning.Pruner;
import org.pruneaug.pruning.Pruning;

/** The sparse runtime reproduces DL4J on real images, for every zoo model and both conv paths. */
class SparseNetworkTest {
    static LabeledImages images;
    static SparsePlatform avx2;
    static SparsePlatform generic;
    static SparsePlatform dense;
    static Platforms platforms;

    @BeforeAll
    static void setUp() {
        images = FashionMnist.load(FashionMnist.DEFAULT_DIR).test().head(200);
        Platforms p = Platforms.load();
        platforms = p;
        generic = p.get("cpu-generic");
        avx2 = p.get("cpu-avx2").available() ? p.get("cpu-avx2") : generic;
        dense = p.get("dense-openblas");
    }

    static Function<PrunableLayer, Placement> placements(PrunedNetwork p, SparsePlatform sparse) {
        return l -> p.plan().stream().anyMatch(a -> a.layer().equals(l.name()))
                ? new Placement(sparse, p.mask(l.name())) : Placement.dense(dense);
    }

    static void assertAgrees(SparseNetwork s, MultiLayerNetwork net) {
        Agreement a = Agreement.check(s, net, images, 2);
        assertEquals(1.0, a.argmaxAgreement(), 1e-9, "argmax agreement " + a);
        assertTrue(a.maxAbsDiff() < 1e-4, "max |p - p_dl4j| " + a.maxAbsDiff());
    }

    @ParameterizedTest
    @EnumSource(ZooModel.class)
    void prunedZooModelsAgreeWithDl4j(ZooModel model) {
        MultiLayerNetwork net = model.build(7);
        Pruning scored = Pruning.score(net, Pruner.byName("magnitude"), images, 7);
        List<PrunableLayer> layers = GemmView.layers(net);
        PrunedNetwork p = scored.apply(Pruning.uniform(layers, BlockShape.parse("4x4"), 0.8));
        // a batch that is not a multiple of the image count: the last batch is padded
        try (SparseNetwork s = SparseNetwork.compile(p.network(), placements(p, avx2), 48)) {
            assertAgrees(s, p.network());
        }
        try (SparseNetwork s = SparseNetwork.compile(p.network(), l -> Placement.dense(dense), 64)) {
            assertAgrees(s, p.network());
        }
    }

    @ParameterizedTest
    @EnumSource(ZooModel.class)
    void microBatchedScheduleAgreesWithDl4jAndKeepsTheOps(ZooModel model) {
        MultiLayerNetwork net = model.build(11);
        // output channels reordered before block pruning: the runtime sees ordinary 4x1 blocks
        Pruning scored = Pruning.score(net, Pruner.byName("magnitude"), images, 11, true);
        PrunedNetwork p = scored.apply(Pruning.uniform(GemmView.layers(net), BlockShape.parse("4x1"), 0.7));
        assertFalse(scored.rowOrders(p.plan()).isEmpty(), "some layer is reordered");
        List<OpInfo> layerByLayer;
        try (SparseNetwork s = SparseNetwork.compile(p.network(), placements(p, avx2), 48)) {
            layerByLayer = s.ops();
        }
        // 12 micro-batches over 3 lanes, run on 1, 2 and 3 threads; the dense baseline's BLAS from two lanes at once
        try (SparseNetwork s = SparseNetwork.compile(p.network(), placements(p, avx2), 48, new Execution(4, 3))) {
            assertEquals(layerByLayer.stream().map(o -> o.name() + " " + o.gemm()).toList(),
                    s.ops().stream().map(o -> o.name() + " " + o.gemm()).toList(),
                    "same ops, GEMM shapes of the whole batch");
            for (int threads = 1; threads <= 3; threads++) {
                Agreement a = Agreement.check(s, p.network(), images, threads);
                assertEquals(1.0, a.argmaxAgreement(), 1e-9, "argmax agreement " + a);
                assertTrue(a.maxAbsDiff() < 1e-4, "max |p - p_dl4j| " + a.maxAbsDiff());
            }
            Timing t = s.time(1, 2, 2);
            assertEquals(s.ops().size(), t.ops().size());
            assertTrue(t.ops().stream().allMatch(o -> o.medianMs() >= 0));
            // the per-pass gap between ops is what a pass spends outside them: finite, less than the pass
            assertTrue(Double.isFinite(t.gapMs()) && t.gapMs() < t.medianMs(), "gap " + t.gapMs() + " of " + t.medianMs());
        }
        try (SparseNetwork s = SparseNetwork.compile(p.network(), l -> Placement.dense(dense), 48, new Execution(6, 2))) {
            assertAgrees(s, p.network());
        }
    }

    @Test
    void firstTimingOfAnOperatorKindWarmsUpLongerThanAskedLaterOnesDoNot() {
        MultiLayerNetwork net = ZooModel.LENET5.build(1);
        try (SparseNetwork s = SparseNetwork.compile(net, l -> Placement.dense(dense), 8)) {
            SparseNetwork.resetWarmUp();
            assertFalse(s.warm());
            s.time(1, 2, 1);
            assertTrue(s.warm(), "its operator kinds are recorded as warm");
            long before = s.passes();
            assertTrue(before >= 3, "at least the warm-up and timed passes asked for: " + before);
            s.time(1, 2, 1);
            assertEquals(3, s.passes() - before, "once warm, exactly the passes asked for");
        }
    }

    @Test
    void autoScheduleMicroBatchesConvolutionalNetworksOnly() {
        Execution vgg = Execution.auto(ZooModel.VGG.build(1), 64, 2);
        // conv1's input + output: (784 + 32 * 784) floats per image, 512 KB per lane
        assertEquals(new Execution(4, 2), vgg);
        assertEquals(Execution.LAYER_BY_LAYER, Execution.auto(ZooModel.MLP.build(1), 64, 2));
        assertEquals(new Execution(3, 2), Execution.auto(ZooModel.VGG.build(1), 63, 2), "a divisor of the batch");
        assertEquals(Execution.LAYER_BY_LAYER, Execution.parse("off", ZooModel.VGG.build(1), 64, 2));
        assertEquals(new Execution(8, 2), Execution.parse("8", ZooModel.VGG.build(1), 64, 2));
        assertThrows(InvalidInputException.class, () -> Execution.parse("5", ZooModel.VGG.build(1), 64, 2));
        assertThrows(InvalidInputException.class, () -> Execution.parse("many", ZooModel.VGG.build(1), 64, 2));
    }

    @Test
    void chunksAreWholeMicroBatchesDividingTheBatchOnePerLaneWherePossible() {
        assertEquals(32, Execution.chunkImages(64, 4, 2), "half the batch each");
        assertEquals(64, Execution.chunkImages(64, 4, 1), "one lane: the whole batch");
        assertEquals(16, Execution.chunkImages(48, 4, 3));
        assertEquals(20, Execution.chunkImages(60, 4, 2), "30 is no multiple of 4: three chunks of 20");
        assertEquals(21, Execution.chunkImages(63, 3, 2));
        assertEquals(4, Execution.chunkImages(8, 4, 3), "fewer micro-batches than lanes: one each");
    }

    @Test
    void implicitGemmRunsSameModeConvolutionsWithoutIm2col() {
        MultiLayerNetwork net = ZooModel.VGG.build(3);
        Pruning scored = Pruning.score(net, Pruner.byName("magnitude"), images, 3);
        PrunedNetwork p = scored.apply(Pruning.uniform(GemmView.layers(net), BlockShape.parse("8x1"), 0.7));
        try (SparseNetwork s = SparseNetwork.compile(p.network(), placements(p, generic), 32)) {
            List<OpInfo> ops = s.ops();
            boolean rowOffsets = generic.prepare(org.pruneaug.nativ.BsrMatrix.random(8, 8, BlockShape.parse("8x1"), 1.0,
                    new java.util.Random(1)), null, false).supportsRowOffsets();
            // conv2 and conv3 are pruned: implicit GEMM where the platform can, im2col otherwise
            long im2colOfPruned = ops.stream().filter(o -> o.kind() == OpInfo.Kind.IM2COL
                    && ("conv2".equals(o.layer()) || "conv3".equals(o.layer()))).count();
            assertEquals(rowOffsets ? 0 : 2, im2colOfPruned);
            assertAgrees(s, p.network());
        }
    }

    @Test
    void unprunedFirstConvolutionAndItsPoolingRunFused() {
        MultiLayerNetwork net = ZooModel.VGG.build(5);
        Pruning scored = Pruning.score(net, Pruner.byName("magnitude"), images, 5);
        BlockShape b = BlockShape.parse("4x1");
        // the search's placements: conv1 on the platform unpruned, the other layers pruned
        PrunedNetwork p = scored.apply(List.of(new org.pruneaug.core.LayerAssignment("conv1", BlockShape.parse("8x1"), 0.0),
                new org.pruneaug.core.LayerAssignment("conv2", b, 0.7), new org.pruneaug.core.LayerAssignment("conv3", b, 0.7),
                new org.pruneaug.core.LayerAssignment("fc1", b, 0.7)));
        // fused on the platform of the fused kernel's ISA (AVX-512) when this CPU has it; a platform of
        // other kernels (AVX2, portable) keeps its own GEMM and the pooling, on any CPU
        SparsePlatform avx512 = platforms.get("cpu-avx512");
        for (SparsePlatform on : List.of(avx512, avx2, generic)) {
            if (!on.available()) {
                continue;
            }
            boolean fused = on == avx512 && GridOps.convPoolFast();
            for (Execution exec : List.of(Execution.LAYER_BY_LAYER, new Execution(4, 2))) {
                try (SparseNetwork s = SparseNetwork.compile(p.network(), placements(p, on), 48, exec)) {
                    List<String> names = s.ops().stream().map(OpInfo::name).toList();
                    assertEquals(fused, names.contains("conv1/conv+pool1"), on.id() + " " + names);
                    assertEquals(!fused, names.contains("pool1"), on.id() + " " + names);
                    assertAgrees(s, p.network());
                }
            }
        }
        SparsePlatform fusing = avx512.available() ? avx512 : avx2;
        // a pruned conv1 keeps its sparse GEMM and its pooling; the dense baseline its library GEMM
        PrunedNetwork q = scored.apply(Pruning.uniform(GemmView.layers(net), b, 0.5));
        try (SparseNetwork s = SparseNetwork.compile(q.network(), placements(q, fusing), 48)) {
            assertTrue(s.ops().stream().anyMatch(o -> o.name().equals("pool1")));
            assertAgrees(s, q.network());
        }
        try (SparseNetwork s = SparseNetwork.compile(p.network(), l -> Placement.dense(dense), 48)) {
            assertTrue(s.ops().stream().anyMatch(o -> o.name().equals("pool1")));
        }
        // and switched off for A/B timing
        System.setProperty("pruneaug.fuse-conv-pool", "false");
        try (SparseNetwork s = SparseNetwork.compile(p.network(), placements(p, fusing), 48)) {
            assertTrue(s.ops().stream().anyMatch(o -> o.name().equals("pool1")));
            assertAgrees(s, p.network());
        } finally {
            System.clearProperty("pruneaug.fuse-conv-pool");
        }
    }

    @Test
    void poolingRunsThePlatformsOwnIsa() {
        MultiLayerNetwork net = ZooModel.VGG.build(5);
        PrunedNetwork p = Pruning.score(net, Pruner.byName("magnitude"), images, 5)
                .apply(Pruning.uniform(GemmView.layers(net), BlockShape.parse("4x1"), 0.7));
        // the pooling after a layer of our kernels runs that kernel's ISA: AVX-512's pooling kernel on
        // cpu-avx512, AVX2's on cpu-avx2, the portable loop on cpu-generic, even on an AVX-512 machine;
        // after a library GEMM (conv1 here, left on the dense baseline) the best code here
        String isa = Kernels.bestIsa();
        String best = "f32_maxpool2x2_plane__" + (isa.equals("avx512") || isa.equals("avx2") ? isa : "generic");
        SparsePlatform avx512 = platforms.get("cpu-avx512");
        for (SparsePlatform on : List.of(avx512, avx2, generic)) {
            if (!on.available()) {
                continue;
            }
            String own = "f32_maxpool2x2_plane__" + (on == avx512 ? "avx512" : on == avx2 ? "avx2" : "generic");
            try (SparseNetwork s = SparseNetwork.compile(p.network(), placements(p, on), 48, new Execution(4, 2))) {
                Map<String, String> pools = s.ops().stream().filter(o -> o.kind() == OpInfo.Kind.POOL)
                        .collect(java.util.stream.Collectors.toMap(OpInfo::name, OpInfo::kernel));
                assertEquals(Map.of("pool1", best, "pool2", own, "pool3", own), pools, on.id());
                assertAgrees(s, p.network());
            }
        }
    }

    @Test
    void backToBackImplicitConvolutionsReadZeroPadding() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(9).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("c1").nOut(8).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(3, 3).name("c2").nOut(8).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new ConvolutionLayer.Builder(5, 5).name("c3").nOut(4).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // every convolution on the sparse platform at density 1: c2 and c3 read c1's and c2's padding
        Pruning scored = Pruning.score(net, Pruner.byName("magnitude"), images, 9);
        PrunedNetwork p = scored.apply(List.of(new org.pruneaug.core.LayerAssignment("c1", BlockShape.parse("4x1"), 0.0),
                new org.pruneaug.core.LayerAssignment("c2", BlockShape.parse("4x1"), 0.5),
                new org.pruneaug.core.LayerAssignment("c3", BlockShape.parse("2x2"), 0.3)));
        try (SparseNetwork s = SparseNetwork.compile(p.network(), placements(p, avx2), 40)) {
            assertEquals(2, s.ops().stream().filter(o -> o.name().endsWith("zero-padding")).count());
            assertAgrees(s, p.network());
        }
    }

    @Test
    void batchNormIsFoldedAndReluFused() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("c1").nOut(8).convolutionMode(ConvolutionMode.Same)
                        .activation(Activation.IDENTITY).build())
                .layer(new BatchNormalization.Builder().name("bn1").activation(Activation.IDENTITY).build())
                .layer(new ActivationLayer.Builder().activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2).build())
                .layer(new ConvolutionLayer.Builder(3, 3).name("c2").nOut(16).stride(2, 2)
                        .convolutionMode(ConvolutionMode.Truncate).activation(Activation.RELU).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).name("out").nOut(10)
                        .activation(Activation.SOFTMAX).build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        // a few updates give the batch norm non-trivial running statistics
        org.pruneaug.dl4j.Trainer.fit(net, images, new TrainingBudget(1, 3, 1.0, 64, 0), 1,
                org.pruneaug.dl4j.Trainer.UpdateHook.NONE, "bn");
        try (SparseNetwork s = SparseNetwork.compile(net, l -> Placement.dense(dense), 50)) {
            assertTrue(s.ops().stream().noneMatch(o -> o.name().contains("bn1")));
            assertAgrees(s, net);
        }
    }

    @Test
    void timingCoversEveryOp() {
        MultiLayerNetwork net = ZooModel.LENET5.build(1);
        try (SparseNetwork s = SparseNetwork.compile(net, l -> Placement.dense(dense), 16)) {
            Timing t = s.time(1, 3, 1);
            assertEquals(s.ops().size(), t.ops().size());
            assertTrue(t.medianMs() > 0);
            assertTrue(t.ops().stream().filter(o -> o.op().kind() == OpInfo.Kind.GEMM).allMatch(o -> o.op().gemm() != null));
        }
    }

    @Test
    void unsupportedLayersAreInputErrors() {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(5).dataType(DataType.FLOAT).list()
                .layer(new ConvolutionLayer.Builder(3, 3).name("c1").nOut(4).activation(Activation.RELU).build())
                .layer(new SubsamplingLayer.Builder(PoolingType.AVG).name("avg").kernelSize(2, 2).stride(2, 2).build())
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MCXENT).nOut(10).activation(Activation.SOFTMAX)
                        .build())
                .setInputType(InputType.convolutionalFlat(28, 28, 1)).build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> SparseNetwork.compile(net, l -> Placement.dense(dense), 8));
        assertTrue(e.getMessage().contains("avg"), e.getMessage());
        assertThrows(InvalidInputException.class, () -> SparseNetwork.compile(net, l -> Placement.dense(dense), 0));
    }
}
