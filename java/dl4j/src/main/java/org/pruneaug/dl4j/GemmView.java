package org.pruneaug.dl4j;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.pruneaug.core.InvalidInputException;

/**
 * Maps DL4J's parameter layout to and from the kernels' GEMM orientation (row-major rows x cols).
 * Dense weights are stored [in, out] (column-major in the parameter view), so the GEMM matrix is
 * their transpose; convolution weights are [out, in, kh, kw] and the GEMM matrix is that array read
 * row-major as out x (in*kh*kw). Everything here reads or writes the live parameters of the network.
 */
public final class GemmView {
    private static final String WEIGHTS = "W";
    private static final String BIAS = "b";

    private GemmView() {
    }

    /** The prunable layers (plain 2D convolutions, dense and output layers) in network order. */
    public static List<PrunableLayer> layers(MultiLayerNetwork net) {
        List<INDArray> activations = net.feedForward(Nd4j.zeros(1, LabeledImages.PIXELS), false);
        List<PrunableLayer> out = new ArrayList<>();
        Set<String> names = new HashSet<>();
        int last = net.getnLayers() - 1;
        for (int i = 0; i <= last; i++) {
            Layer conf = net.getLayer(i).conf().getLayer();
            String name = conf.getLayerName() == null || !names.add(conf.getLayerName())
                    ? "layer" + i : conf.getLayerName();
            names.add(name);
            if (conf.getClass() == ConvolutionLayer.class) {
                long[] s = net.getLayer(i).getParam(WEIGHTS).shape();
                long[] y = activations.get(i + 1).shape();
                out.add(new PrunableLayer(name, i, PrunableLayer.Kind.CONV, (int) s[0], (int) (s[1] * s[2] * s[3]),
                        (int) (y[2] * y[3]), false));
            } else if (conf.getClass() == DenseLayer.class || conf.getClass() == OutputLayer.class) {
                INDArray w = net.getLayer(i).getParam(WEIGHTS);
                out.add(new PrunableLayer(name, i, PrunableLayer.Kind.DENSE, (int) w.size(1), (int) w.size(0), 1,
                        i == last));
            }
        }
        return out;
    }

    /** The layer of that name; an unknown name is an input error that lists the known ones. */
    public static PrunableLayer layer(List<PrunableLayer> layers, String name) {
        for (PrunableLayer l : layers) {
            if (l.name().equals(name)) {
                return l;
            }
        }
        throw new InvalidInputException("the model has no prunable layer '" + name + "'; its prunable layers are "
                + layers.stream().map(PrunableLayer::name).toList());
    }

    /** Weights as row-major rows x cols. */
    public static float[] weights(MultiLayerNetwork net, PrunableLayer layer) {
        return toGemm(layer, net.getLayer(layer.index()).getParam(WEIGHTS));
    }

    /** Overwrites the layer's weights with a row-major rows x cols matrix. */
    public static void setWeights(MultiLayerNetwork net, PrunableLayer layer, float[] gemm) {
        net.getLayer(layer.index()).getParam(WEIGHTS).assign(toParamLayout(net, layer, gemm));
    }

    /** The bias (one per GEMM row), or an empty array when the layer has none. */
    public static float[] bias(MultiLayerNetwork net, PrunableLayer layer) {
        INDArray b = net.getLayer(layer.index()).paramTable().get(BIAS);
        return b == null ? new float[0] : b.dup('c').data().asFloat();
    }

    /** The weight-gradient array of the layer (as DL4J shapes it) in GEMM orientation. */
    public static float[] toGemm(PrunableLayer layer, INDArray paramShaped) {
        INDArray gemm = layer.kind() == PrunableLayer.Kind.DENSE ? paramShaped.transpose() : paramShaped;
        float[] out = gemm.dup('c').data().asFloat();
        if (out.length != layer.weightCount()) {
            throw new IllegalStateException("layer " + layer.name() + ": " + out.length + " weights, expected "
                    + layer.rows() + "x" + layer.cols());
        }
        return out;
    }

    /** A row-major rows x cols matrix as an array shaped like the layer's weight parameter. */
    public static INDArray toParamLayout(MultiLayerNetwork net, PrunableLayer layer, float[] gemm) {
        if (gemm.length != layer.weightCount()) {
            throw new IllegalArgumentException("layer " + layer.name() + ": " + gemm.length + " values for "
                    + layer.rows() + "x" + layer.cols());
        }
        INDArray m = Nd4j.create(gemm, new long[] {layer.rows(), layer.cols()}, 'c');
        INDArray w = net.getLayer(layer.index()).getParam(WEIGHTS);
        return layer.kind() == PrunableLayer.Kind.DENSE ? m.transpose().dup(w.ordering())
                : m.reshape('c', w.shape()).dup(w.ordering());
    }
}
