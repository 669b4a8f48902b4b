package org.pruneaug.pruning;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.activations.impl.ActivationReLU;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.dl4j.DataSplit;
import org.pruneaug.dl4j.Evaluator;
import org.pruneaug.dl4j.FashionMnist;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.LabeledImages;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.dl4j.Trainer;
import org.pruneaug.dl4j.TrainingBudget;
import org.pruneaug.dl4j.ZooModel;

/** Least-squares reconstruction of kept weights, on real networks briefly trained on Fashion-MNIST. */
class ReconstructionTest {
    static LabeledImages train;
    static LabeledImages calibration;
    static DataSplit data;
    static MultiLayerNetwork vgg;
    static MultiLayerNetwork lenet;

    @BeforeAll
    static void trainSmallModels() {
        data = FashionMnist.load(FashionMnist.DEFAULT_DIR);
        train = data.train().head(4000);
        calibration = data.train().range(4000, 4256);
        vgg = ZooModel.VGG.build(3);
        Trainer.fit(vgg, train, TrainingBudget.epochs(1).withMaxBatches(30), 3, Trainer.UpdateHook.NONE, "vgg");
        lenet = ZooModel.LENET5.build(3);
        Trainer.fit(lenet, train, TrainingBudget.epochs(1).withMaxBatches(20), 3, Trainer.UpdateHook.NONE, "lenet");
    }

    /** The inputs of every hidden layer, times its GEMM weights, plus bias, through ReLU: the layer's own output. */
    @Test
    void inputsAreLaidOutAsTheGemmColumns() {
        INDArray x = calibration.batch(null, 0, 8).getFeatures();
        for (MultiLayerNetwork net : List.of(vgg, lenet)) {
            List<INDArray> acts = net.feedForward(x, false);
            for (PrunableLayer l : GemmView.layers(net)) {
                if (l.output()) {
                    continue;
                }
                INDArray in = Reconstruction.inputs(net, l, acts.get(l.index())); // positions x K
                INDArray w = Nd4j.create(GemmView.weights(net, l), new long[] {l.rows(), l.cols()}, 'c');
                INDArray z = w.mmul(in.transpose()).addiColumnVector(Nd4j.create(GemmView.bias(net, l)));
                assertTrue(((BaseLayer) net.getLayer(l.index()).conf().getLayer()).getActivationFn() instanceof ActivationReLU);
                z = Transforms.relu(z, false); // rows x (image, pixel)
                INDArray y = acts.get(l.index() + 1);
                INDArray want = l.kind() == PrunableLayer.Kind.DENSE ? y.transpose()
                        : y.reshape('c', y.size(0), y.size(1), y.size(2) * y.size(3)).permute(1, 0, 2)
                                .dup('c').reshape('c', y.size(1), y.size(0) * y.size(2) * y.size(3));
                assertEquals(0, want.sub(z).amaxNumber().doubleValue(), 1e-3, l.name());
            }
        }
    }

    /**
     * The Gram matrices of one pass over every layer are those of a pass per layer, and X^T X of the
     * layer's inputs computed directly (in double) to float accuracy.
     */
    @Test
    void oneForwardPassGivesEveryLayersGramMatrix() {
        List<PrunableLayer> layers = GemmView.layers(vgg);
        Reconstruction all = new Reconstruction(vgg, calibration);
        all.prepare(layers);
        Reconstruction each = new Reconstruction(vgg, calibration);
        List<INDArray> acts = vgg.feedForward(calibration.batch(null, 0, calibration.size()).getFeatures(), false);
        for (PrunableLayer l : layers) {
            double[] g = all.gram(l);
            org.junit.jupiter.api.Assertions.assertArrayEquals(each.gram(l), g, l.name());
            INDArray x = Reconstruction.inputs(vgg, l, acts.get(l.index())).castTo(DataType.DOUBLE);
            double[] want = x.transpose().mmul(x).dup('c').data().asDouble();
            double scale = 0;
            double err = 0;
            for (int i = 0; i < want.length; i++) {
                scale = Math.max(scale, Math.abs(want[i]));
                err = Math.max(err, Math.abs(want[i] - g[i]));
            }
            assertTrue(err <= 1e-4 * scale, l.name() + ": max error " + err + " of " + scale);
        }
    }

    /** Per pruned layer, on the dense network's inputs: the refitted row errs less than the masked one. */
    @Test
    void refittedKeptWeightsReproduceTheDenseLayerBetterThanMasking() {
        Pruning pruning = Pruning.score(vgg, new MagnitudePruner(), train, 1);
        Reconstruction r = new Reconstruction(vgg, calibration);
        INDArray x = calibration.batch(null, 0, 64).getFeatures();
        List<INDArray> acts = vgg.feedForward(x, false);
        for (LayerAssignment a : List.of(new LayerAssignment("conv2", new BlockShape(4, 1), 0.8),
                new LayerAssignment("conv3", BlockShape.UNSTRUCTURED, 0.9), new LayerAssignment("fc1", new BlockShape(2, 4), 0.7))) {
            PrunableLayer l = GemmView.layer(pruning.layers(), a.layer());
            LayerMask mask = pruning.mask(a);
            float[] dense = GemmView.weights(vgg, l);
            float[] masked = dense.clone();
            float[] m = mask.elementMask();
            for (int i = 0; i < m.length; i++) {
                masked[i] *= m[i];
            }
            float[] refit = r.solve(l, mask, dense, null);
            for (int i = 0; i < m.length; i++) {
                if (m[i] == 0) {
                    assertEquals(0f, refit[i], a.toString());
                }
            }
            INDArray in = Reconstruction.inputs(vgg, l, acts.get(l.index())).castTo(DataType.DOUBLE);
            double maskedError = error(masked, dense, l, in);
            double refitError = error(refit, dense, l, in);
            assertTrue(refitError < 0.8 * maskedError, a + ": refit " + refitError + " masked " + maskedError);
        }
    }

    private static double error(float[] w, float[] dense, PrunableLayer l, INDArray in) {
        float[] d = new float[w.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = w[i] - dense[i];
        }
        INDArray diff = Nd4j.create(d, new long[] {l.rows(), l.cols()}, 'c').castTo(DataType.DOUBLE);
        return diff.mmul(in.transpose()).norm2Number().doubleValue();
    }

    /**
     * Through {@link Pruning#apply}, with rows reordered for multi-row blocks: the masks hold, and the
     * pruned network before any fine-tuning is closer to the dense one than the plainly masked network.
     */
    @Test
    void applyRefitsEveryPrunedLayerInThePlansChannelOrder() {
        List<LayerAssignment> plan = List.of(new LayerAssignment("conv2", new BlockShape(4, 1), 0.8),
                new LayerAssignment("conv3", new BlockShape(8, 1), 0.8), new LayerAssignment("fc1", new BlockShape(4, 1), 0.8));
        PrunedNetwork plain = Pruning.score(vgg, new MagnitudePruner(), train, 1, true).apply(plan);
        Pruning reconstructing = Pruning.score(vgg, new MagnitudePruner(), train, 1, true).withReconstruction(calibration);
        assertTrue(reconstructing.reconstructs());
        PrunedNetwork refit = reconstructing.apply(plan);
        assertTrue(!reconstructing.rowOrders(plan).isEmpty(), "the plan reorders rows");
        for (LayerAssignment a : plan) {
            PrunableLayer l = GemmView.layer(refit.layers(), a.layer());
            float[] w = GemmView.weights(refit.network(), l);
            float[] m = refit.mask(a.layer()).elementMask();
            float[] before = GemmView.weights(plain.network(), l);
            boolean changed = false;
            for (int i = 0; i < m.length; i++) {
                if (m[i] == 0) {
                    assertEquals(0f, w[i], a.toString());
                }
                changed |= w[i] != before[i];
            }
            assertTrue(changed, a + " refitted");
            assertEquals(plain.mask(a.layer()).keptBlockCount(), refit.mask(a.layer()).keptBlockCount());
        }
        LabeledImages val = data.validation().head(1000);
        float[] dense = Evaluator.probabilities(vgg, val);
        double plainGap = gap(Evaluator.probabilities(plain.network(), val), dense);
        double refitGap = gap(Evaluator.probabilities(refit.network(), val), dense);
        assertTrue(refitGap < plainGap, "refit " + refitGap + " plain " + plainGap);
        // the dense network is untouched: a dense plan gives it back
        assertEquals(Evaluator.evaluate(vgg, val).accuracy(),
                Evaluator.evaluate(reconstructing.apply(List.of()).network(), val).accuracy(), 1e-12);
    }

    private static double gap(float[] p, float[] q) {
        double s = 0;
        for (int i = 0; i < p.length; i++) {
            s += Math.abs(p[i] - q[i]);
        }
        return s / p.length;
    }

    /**
     * OBS masks are chosen for the refit that follows: per layer, on the calibration images, the
     * refitted layer under OBS's mask reproduces the dense layer better than under magnitude's mask.
     */
    @Test
    void obsMasksLeaveTheRefitLessToRepairThanMagnitudeMasks() {
        Pruning magnitude = Pruning.score(vgg, new MagnitudePruner(), train, 1);
        Pruning obs = Pruning.score(vgg, new ObsPruner(calibration.size()), calibration, 1);
        Reconstruction r = new Reconstruction(vgg, calibration);
        List<INDArray> acts = vgg.feedForward(calibration.batch(null, 0, calibration.size()).getFeatures(), false);
        for (LayerAssignment a : List.of(new LayerAssignment("conv2", BlockShape.UNSTRUCTURED, 0.9),
                new LayerAssignment("conv3", new BlockShape(4, 1), 0.85), new LayerAssignment("fc1", new BlockShape(4, 1), 0.9))) {
            PrunableLayer l = GemmView.layer(magnitude.layers(), a.layer());
            float[] dense = GemmView.weights(vgg, l);
            INDArray in = Reconstruction.inputs(vgg, l, acts.get(l.index())).castTo(DataType.DOUBLE);
            LayerMask obsMask = obs.mask(a);
            LayerMask magnitudeMask = magnitude.mask(a);
            assertEquals(magnitudeMask.prunedWeights(), obsMask.prunedWeights(), a.toString());
            double obsError = error(r.solve(l, obsMask, dense, null), dense, l, in);
            double magnitudeError = error(r.solve(l, magnitudeMask, dense, null), dense, l, in);
            assertTrue(obsError < magnitudeError, a + ": obs " + obsError + " magnitude " + magnitudeError);
        }
    }

    /**
     * The OBS score's closed form: the least output error (w' - w)^T H (w' - w) over the w' with
     * w'_j = 0 (the other weights refitted) is w_j^2 / [H^-1]_jj, the Schur complement computed here
     * directly for every j of a random positive definite H.
     */
    @Test
    void obsSaliencyIsTheErrorOfRemovingOneWeightAndRefittingTheRest() {
        int k = 9;
        java.util.Random rnd = new java.util.Random(7);
        double[] x = new double[k * 20];
        for (int i = 0; i < x.length; i++) {
            x[i] = rnd.nextGaussian() + (i % k == 3 ? 0.8 * x[i - 1] : 0); // column 3 correlated with column 2
        }
        double[] h = new double[k * k];
        for (int i = 0; i < k; i++) {
            for (int j = 0; j < k; j++) {
                for (int n = 0; n < 20; n++) {
                    h[i * k + j] += x[n * k + i] * x[n * k + j];
                }
            }
        }
        double[] d = ObsPruner.inverseDiagonal(h, k);
        for (int j = 0; j < k; j++) {
            int removed = j;
            int[] s = java.util.stream.IntStream.range(0, k).filter(q -> q != removed).toArray();
            int m = s.length;
            double[] hs = new double[m * m];
            double[] b = new double[m];
            for (int p = 0; p < m; p++) {
                for (int q = 0; q < m; q++) {
                    hs[p * m + q] = h[s[p] * k + s[q]];
                }
                b[p] = h[s[p] * k + j];
            }
            double[] c = b.clone();
            Reconstruction.cholesky(hs, m);
            Reconstruction.choleskySolve(hs, m, c);
            double schur = h[j * k + j];
            for (int p = 0; p < m; p++) {
                schur -= b[p] * c[p];
            }
            assertEquals(1 / schur, d[j], 1e-9 * d[j], "column " + j);
        }
    }

    @Test
    void choleskySolvesASymmetricPositiveDefiniteSystem() {
        double[] a = {4, 2, 0.4, 2, 5, 1, 0.4, 1, 3};
        double[] want = {1, -2, 0.5};
        double[] b = new double[3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                b[i] += a[i * 3 + j] * want[j];
            }
        }
        Reconstruction.cholesky(a, 3);
        Reconstruction.choleskySolve(a, 3, b);
        for (int i = 0; i < 3; i++) {
            assertEquals(want[i], b[i], 1e-12);
        }
    }
}
