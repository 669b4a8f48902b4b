package org.pruneaug.pruning;

import java.util.List;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.factory.Nd4j;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.PrunableLayer;

/**
 * Reorders a layer's output channels (GEMM rows) in place, together with the next prunable layer's
 * inputs, so that the network computes exactly the same function: weights rows and bias of the
 * layer, and the consumer's column groups (kh*kw taps per channel for a convolution, H*W pixels per
 * channel after a flatten, one column per unit for a dense layer). Only channel-wise layers (pooling,
 * activation, dropout) may sit between the two; the output layer's rows (the class order) never move.
 */
public final class NetworkPermutation {
    private NetworkPermutation() {
    }

    /** True when {@code layer}'s rows may be reordered in {@code net}. */
    public static boolean permutable(MultiLayerNetwork net, List<PrunableLayer> layers, PrunableLayer layer) {
        return consumer(net, layers, layer) != null;
    }

    /**
     * Stores row {@code order[i]} of {@code layer} at row i and regroups the consumer's columns to
     * match. {@code order} must be a permutation of the layer's rows.
     */
    public static void apply(MultiLayerNetwork net, List<PrunableLayer> layers, PrunableLayer layer, int[] order) {
        checkPermutation(order, layer.rows(), layer.name());
        PrunableLayer next = consumer(net, layers, layer);
        if (next == null) {
            throw new InvalidInputException("layer '" + layer.name() + "' has no consumer whose inputs can follow a "
                    + "reordering of its outputs");
        }
        GemmView.setWeights(net, layer, RowPermutation.permuteRows(GemmView.weights(net, layer), layer.rows(),
                layer.cols(), order));
        float[] bias = GemmView.bias(net, layer);
        if (bias.length > 0) {
            float[] b = new float[bias.length];
            for (int i = 0; i < order.length; i++) {
                b[i] = bias[order[i]];
            }
            net.getLayer(layer.index()).getParam("b").assign(Nd4j.create(b, new long[] {1, b.length}, 'c')
                    .reshape(net.getLayer(layer.index()).getParam("b").shape()));
        }
        int group = next.cols() / layer.rows();
        GemmView.setWeights(net, next, RowPermutation.permuteColumnGroups(GemmView.weights(net, next), next.rows(),
                next.cols(), order, group));
    }

    /** The next prunable layer when only channel-wise layers lie between and its columns group per channel. */
    private static PrunableLayer consumer(MultiLayerNetwork net, List<PrunableLayer> layers, PrunableLayer layer) {
        if (layer.output()) {
            return null;
        }
        int at = layers.indexOf(layer);
        if (at < 0 || at + 1 >= layers.size()) {
            return null;
        }
        PrunableLayer next = layers.get(at + 1);
        for (int i = layer.index() + 1; i < next.index(); i++) {
            Layer conf = net.getLayer(i).conf().getLayer();
            boolean channelWise = conf instanceof SubsamplingLayer || conf instanceof ActivationLayer
                    || conf instanceof DropoutLayer;
            if (!channelWise) {
                return null;
            }
        }
        return next.cols() % layer.rows() == 0 ? next : null;
    }

    private static void checkPermutation(int[] order, int n, String layer) {
        boolean[] seen = new boolean[n];
        if (order.length != n) {
            throw new IllegalArgumentException("layer " + layer + ": " + order.length + " entries for " + n + " rows");
        }
        for (int o : order) {
            if (o < 0 || o >= n || seen[o]) {
                throw new IllegalArgumentException("layer " + layer + ": not a permutation of its rows");
            }
            seen[o] = true;
        }
    }
}
