package org.pruneaug.dl4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.InvalidInputException;

class GemmViewTest {
    @Test
    void listsTheZooModelsPrunableLayersWithTheirGemms() {
        List<PrunableLayer> vgg = GemmView.layers(ZooModel.VGG.build(1));
        assertEquals(List.of("conv1", "conv2", "conv3", "fc1", "out"), vgg.stream().map(PrunableLayer::name).toList());
        assertEquals(new GemmShape(128, 576, 49 * 64), vgg.get(2).gemm(64), "conv3: 64->128 channels at 7x7");
        assertEquals(new GemmShape(64, 288, 196 * 64), vgg.get(1).gemm(64));
        assertEquals(new GemmShape(256, 1152, 64), vgg.get(3).gemm(64), "fc1 takes 128 x 3 x 3");
        assertTrue(vgg.get(4).output());
        assertFalse(vgg.get(3).output());

        List<PrunableLayer> lenet = GemmView.layers(ZooModel.LENET5.build(1));
        assertEquals(new GemmShape(50, 500, 64), lenet.get(1).gemm(1), "conv2: 20->50 channels 5x5 at 8x8");
        assertEquals(new GemmShape(500, 800, 1), lenet.get(2).gemm(1));

        List<PrunableLayer> mlp = GemmView.layers(ZooModel.MLP.build(1));
        assertEquals(new GemmShape(1024, 784, 1), mlp.get(0).gemm(1));
        assertEquals(new GemmShape(10, 1024, 1), mlp.get(2).gemm(1));

        InvalidInputException e = assertThrows(InvalidInputException.class, () -> GemmView.layer(mlp, "conv9"));
        assertTrue(e.getMessage().contains("fc1"), "the error lists the known layers: " + e.getMessage());
    }

    @Test
    void denseGemmIsTheTransposeOfDl4jsWeightsAndComputesTheLayer() {
        MultiLayerNetwork net = ZooModel.MLP.build(3);
        PrunableLayer fc1 = GemmView.layers(net).get(0);
        INDArray w = net.getLayer(0).getParam("W");
        float[] gemm = GemmView.weights(net, fc1);
        assertEquals(w.getFloat(5, 7), gemm[7 * 784 + 5], "row = output unit, column = input");

        INDArray x = Nd4j.rand(1, 784);
        float[] in = x.toFloatVector();
        float[] b = GemmView.bias(net, fc1);
        float[] expected = net.feedForwardToLayer(0, x, false).get(1).toFloatVector();
        for (int o = 0; o < fc1.rows(); o++) {
            double y = b[o];
            for (int i = 0; i < fc1.cols(); i++) {
                y += gemm[o * fc1.cols() + i] * in[i];
            }
            assertEquals(Math.max(0, y), expected[o], 1e-4, "ReLU(W x + b) of unit " + o);
        }
    }

    @Test
    void convGemmRowsAreOutputChannelsAndColumnsInputThenKernel() {
        MultiLayerNetwork net = ZooModel.LENET5.build(3);
        PrunableLayer conv2 = GemmView.layers(net).get(1);
        INDArray w = net.getLayer(conv2.index()).getParam("W");
        float[] gemm = GemmView.weights(net, conv2);
        int o = 7;
        int c = 3;
        int y = 2;
        int x = 4;
        assertEquals(w.getFloat(o, c, y, x), gemm[o * 500 + (c * 5 + y) * 5 + x]);
    }

    @Test
    void writingWeightsBackRoundTrips() {
        MultiLayerNetwork net = ZooModel.VGG.build(5);
        for (PrunableLayer l : GemmView.layers(net)) {
            float[] w = GemmView.weights(net, l);
            for (int i = 0; i < w.length; i += 3) {
                w[i] = i;
            }
            GemmView.setWeights(net, l, w);
            assertArrayEquals(w, GemmView.weights(net, l), l.name());
            assertEquals(GemmView.toParamLayout(net, l, w), net.getLayer(l.index()).getParam("W"), l.name());
        }
    }
}
