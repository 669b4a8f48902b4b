package org.pruneaug.pruning;

import java.util.List;
import java.util.function.Consumer;
import org.deeplearning4j.nn.conf.layers.ActivationLayer;
import org.deeplearning4j.nn.conf.layers.DropoutLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.updater.BaseMultiLayerUpdater;
import org.deeplearning4j.nn.updater.UpdaterBlock;
import org.nd4j.linalg.api.ndarray.INDArray;
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

    /**
     * Moves {@code net}'s optimizer state the way {@code reorder} moves its parameters. A model zip
     * keeps the optimizer's state with the weights (Adam's two moment estimates per weight), and
     * fine-tuning continues from it: once rows are reordered, a weight left with another weight's
     * moments is steered by that other weight's history until its own builds up again (on VGG's
     * magnitude plans it cost 0.1-0.2 points in a quarter epoch of fine-tuning). {@code reorder} must only move
     * parameter values, as {@link #apply} does; {@code net} is left as it was apart from the state.
     * A network without optimizer state is left alone.
     */
    public static void moveOptimizerState(MultiLayerNetwork net, Consumer<MultiLayerNetwork> reorder) {
        if (!(net.getUpdater(false) instanceof BaseMultiLayerUpdater<?> u)) {
            return;
        }
        INDArray state = u.getStateViewArray();
        if (state == null || state.length() == 0) {
            return;
        }
        long n = net.numParams();
        if (n >= 1L << 24) {
            throw new InvalidInputException("the model has " + n + " parameters: reordering rows keeps the optimizer"
                    + " state aligned only below 2^24 (16.7M); prune it with --no-permute-rows");
        }
        // where each parameter comes from: reorder a copy whose parameters are their own indices
        float[] index = new float[(int) n];
        for (int i = 0; i < index.length; i++) {
            index[i] = i;
        }
        MultiLayerNetwork probe = new MultiLayerNetwork(net.getLayerWiseConfigurations().clone());
        probe.init();
        probe.setParams(Nd4j.create(index, new long[] {1, n}, 'c').castTo(net.params().dataType()));
        reorder.accept(probe);
        float[] from = probe.params().toFloatVector();
        float[] old = state.toFloatVector();
        float[] moved = old.clone();
        for (UpdaterBlock block : u.getUpdaterBlocks()) {
            int p0 = block.getParamOffsetStart();
            int len = block.getParamOffsetEnd() - p0;
            int s0 = block.getUpdaterViewOffsetStart();
            int stateLen = block.getUpdaterViewOffsetEnd() - s0;
            if (stateLen == 0) {
                continue;
            }
            if (len == 0 || stateLen % len != 0) {
                throw new IllegalStateException("optimizer state of " + stateLen + " values for " + len + " parameters");
            }
            for (int copy = 0; copy < stateLen / len; copy++) { // Adam: the first moments, then the second
                int at = s0 + copy * len;
                for (int i = 0; i < len; i++) {
                    int src = Math.round(from[p0 + i]);
                    if (src < p0 || src >= p0 + len) {
                        throw new IllegalStateException("parameter " + (p0 + i) + " moved across optimizer blocks");
                    }
                    moved[at + i] = old[at + src - p0];
                }
            }
        }
        state.assign(Nd4j.create(moved, state.shape(), state.ordering()).castTo(state.dataType()));
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
