package org.pruneaug.pruning;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.dl4j.Evaluator;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.LabeledImages;
import org.pruneaug.dl4j.OneDnn;
import org.pruneaug.dl4j.PrunableLayer;

/**
 * A dense network scored once by a pruner, from which any number of pruned copies are made cheaply:
 * the search tries many per-layer (block shape, sparsity) options and only pays for the scores (for
 * Taylor, the gradient passes) once. The dense network is never modified.
 */
public final class Pruning {
    private final MultiLayerNetwork dense;
    private final Map<LabeledImages, float[]> teacher = new IdentityHashMap<>();
    private final Pruner pruner;
    private final long seed;
    private final List<PrunableLayer> layers;
    private final Map<String, float[]> scores;
    private final boolean permuteRows;
    /** Row orders found so far: "layer block sparsity producer-order" -> order. */
    private final Map<String, int[]> orderMemo = new java.util.concurrent.ConcurrentHashMap<>();
    private MultiLayerNetwork scratch;
    private Prefix prefix;
    /** Refits the kept weights of every plan {@link #apply} makes; null: kept weights as they were. */
    private Reconstruction reconstruction;

    private Pruning(MultiLayerNetwork dense, Pruner pruner, long seed, List<PrunableLayer> layers,
                    Map<String, float[]> scores, boolean permuteRows) {
        this.dense = dense;
        this.pruner = pruner;
        this.seed = seed;
        this.layers = List.copyOf(layers);
        this.scores = scores;
        this.permuteRows = permuteRows;
    }

    /** Scores every prunable layer of {@code dense}; {@code data} is training data (Taylor's batches). */
    public static Pruning score(MultiLayerNetwork dense, Pruner pruner, LabeledImages data, long seed) {
        return score(dense, pruner, data, seed, false);
    }

    /**
     * The same, and with {@code permuteRows} every layer pruned with blocks taller than one row first
     * reorders its output channels ({@link RowPermutation}, with the next layer's inputs to match, so
     * the dense function is unchanged) to group rows whose important weights share columns: the pruned
     * networks {@link #apply} makes are then stored in that order, their masks contiguous blocks in it.
     */
    public static Pruning score(MultiLayerNetwork dense, Pruner pruner, LabeledImages data, long seed,
                                boolean permuteRows) {
        List<PrunableLayer> layers = GemmView.layers(dense);
        return new Pruning(dense, pruner, seed, layers, pruner.scores(dense, layers, data, seed), permuteRows);
    }

    public List<PrunableLayer> layers() {
        return layers;
    }

    /**
     * From now on every pruned network {@link #apply} makes has its kept weights refitted by least
     * squares on {@code calibration} (training images; {@link Reconstruction}) before it is returned;
     * a gradual pruner, which restarts from the dense weights, is left as it is. The cheap fidelity
     * ({@link #fidelity}, {@link #layerFidelity}) stays on the plainly masked network. Returns this.
     */
    public Pruning withReconstruction(LabeledImages calibration) {
        this.reconstruction = pruner.schedule().gradual() ? null : new Reconstruction(dense, calibration);
        return this;
    }

    /** Whether {@link #apply} reconstructs (see {@link #withReconstruction}; never for a gradual pruner). */
    public boolean reconstructs() {
        return reconstruction != null;
    }

    public Pruner pruner() {
        return pruner;
    }

    public long seed() {
        return seed;
    }

    public MultiLayerNetwork dense() {
        return dense;
    }

    /** Importance of each weight of the layer, row-major rows x cols (read-only by convention). */
    public float[] scores(String layer) {
        GemmView.layer(layers, layer);
        return scores.get(layer);
    }

    /**
     * The mask one assignment gives on the dense network's own row order, without touching any
     * network (cheap: no copy, no evaluation): its block count, what latency depends on, is that of
     * the plans {@link #apply} makes (their rows may be reordered first).
     */
    public LayerMask mask(LayerAssignment a) {
        PrunableLayer l = GemmView.layer(layers, a.layer());
        return BlockSelection.select(a, scores.get(l.name()), l.rows(), l.cols());
    }

    /**
     * The row order each layer of the plan is stored in (layers left in their order are absent): in
     * network order, a layer pruned with blocks of more than one row, whose outputs feed the next
     * prunable layer through channel-wise layers only, gets the order that keeps most importance, on
     * its scores with columns already in its producer's new order.
     */
    public Map<String, int[]> rowOrders(List<LayerAssignment> plan) {
        Map<String, int[]> out = new LinkedHashMap<>();
        if (!permuteRows) {
            return out;
        }
        for (PrunableLayer l : layers) {
            LayerAssignment a = plan.stream().filter(x -> x.layer().equals(l.name())).findFirst().orElse(null);
            if (a != null && a.sparsity() > 0 && a.block().rows() > 1 && NetworkPermutation.permutable(dense, layers, l)) {
                int[] producer = producerOrder(l, out);
                String key = l.name() + " " + a.block() + " " + a.sparsity() + " "
                        + (producer == null ? "-" : java.util.Arrays.toString(producer));
                // scores in the orders so far: the producer's columns moved, this layer's rows not yet
                int[] order = orderMemo.computeIfAbsent(key, k -> RowPermutation.find(scoresIn(l, out), l.rows(),
                        l.cols(), a.block(), a.sparsity()));
                if (!RowPermutation.isIdentity(order)) {
                    out.put(l.name(), order);
                }
            }
        }
        return out;
    }

    /** The order of the prunable layer feeding {@code l}, when {@code orders} reorders it; else null. */
    private int[] producerOrder(PrunableLayer l, Map<String, int[]> orders) {
        int at = layers.indexOf(l);
        return at > 0 ? orders.get(layers.get(at - 1).name()) : null;
    }

    /** A layer's scores with its rows and its producer's (its columns' groups) in the orders given. */
    private float[] scoresIn(PrunableLayer l, Map<String, int[]> orders) {
        float[] s = scores.get(l.name());
        int[] producer = producerOrder(l, orders);
        if (producer != null) {
            s = RowPermutation.permuteColumnGroups(s, l.rows(), l.cols(), producer, l.cols() / producer.length);
        }
        int[] own = orders.get(l.name());
        return own == null ? s : RowPermutation.permuteRows(s, l.rows(), l.cols(), own);
    }

    /** The plan's masks in the row orders of {@code orders}. */
    private Map<String, LayerMask> masks(List<LayerAssignment> plan, Map<String, int[]> orders) {
        Map<String, LayerMask> masks = new LinkedHashMap<>();
        for (LayerAssignment a : plan) {
            PrunableLayer l = GemmView.layer(layers, a.layer());
            masks.put(a.layer(), BlockSelection.select(a, scoresIn(l, orders), l.rows(), l.cols()));
        }
        return masks;
    }

    /** Reorders {@code net}'s layers (a copy of the dense network) as {@code orders} says, in network order. */
    private void reorder(MultiLayerNetwork net, Map<String, int[]> orders) {
        for (PrunableLayer l : layers) {
            int[] order = orders.get(l.name());
            if (order != null) {
                NetworkPermutation.apply(net, layers, l, order);
            }
        }
    }

    /**
     * A copy of the dense network with the plan's masks applied (layers the plan does not name stay
     * dense). This is the "pruned but not fine-tuned" network the cheap fidelity evaluates; for a
     * gradual method its masks are those of the final sparsity.
     */
    public PrunedNetwork apply(List<LayerAssignment> plan) {
        checkPlan(plan, layers);
        Map<String, int[]> orders = rowOrders(plan);
        MultiLayerNetwork start = dense;
        if (!orders.isEmpty()) {
            // the dense network in the plan's row order: what a gradual pruner restarts from
            start = dense.clone();
            reorder(start, orders);
            NetworkPermutation.moveOptimizerState(start, probe -> reorder(probe, orders));
        }
        PrunedNetwork p = new PrunedNetwork(OneDnn.attach(start.clone()), start, this::teacherTargets, pruner, seed,
                layers, List.copyOf(plan), masks(plan, orders));
        if (reconstruction != null) {
            p.reconstruct(reconstruction, l -> producerOrder(l, orders));
        }
        return p;
    }

    /**
     * The dense network's output probabilities on {@code images}, computed once per image set (every
     * distilled fine-tune of a search reuses them: one forward pass over the training set).
     */
    public synchronized float[] teacherTargets(LabeledImages images) {
        return teacher.computeIfAbsent(images, i -> Evaluator.probabilities(dense, i.withoutTeacher()));
    }

    /**
     * The cheap fidelity of a plan: accuracy and loss of the pruned but not fine-tuned network on
     * {@code images} (e.g. 1000 validation images: well under a second for the zoo models). Reuses one
     * scratch copy of the dense network instead of cloning, so thousands of candidates stay cheap.
     */
    public Evaluator.Accuracy fidelity(List<LayerAssignment> plan, LabeledImages images) {
        return Evaluator.evaluate(masked(plan), images);
    }

    /**
     * {@link #fidelity} of the plan that prunes one layer alone, the search's sensitivity (the same
     * numbers, to float rounding): the layers before the pruned one compute what the dense network
     * computes, so their output on {@code images} is kept (for the last layer and image set asked)
     * and only the layers from the pruned one on run again, as a network of their own. On VGG this
     * evaluates a conv3 option in about a third of the time of a full pass, an fc1 option in a few
     * percent of it.
     */
    public Evaluator.Accuracy layerFidelity(LayerAssignment a, LabeledImages images) {
        PrunableLayer l = GemmView.layer(layers, a.layer());
        if (l.index() == 0 || l.index() >= dense.getnLayers() - 1) {
            return fidelity(List.of(a), images);
        }
        if (prefix == null || prefix.images() != images || prefix.from() != l.index()) {
            if (prefix != null) {
                prefix.inputs().forEach(Pruning::release); // the previous layer's activations go first
                prefix = null;
            }
            prefix = Prefix.of(dense, l.index(), images);
        }
        MultiLayerNetwork full = masked(List.of(a));
        for (int i = l.index(); i < full.getnLayers(); i++) {
            if (full.getLayer(i).numParams() > 0) {
                prefix.tail().getLayer(i - l.index()).setParams(full.getLayer(i).params());
            }
        }
        // output() runs in DL4J's workspaces: a thousand evaluations leave no garbage off the heap
        float[] p = Evaluator.gather(images.size(), Evaluator.DEFAULT_BATCH,
                from -> prefix.tail().output(prefix.inputs().get(from / Evaluator.DEFAULT_BATCH), false));
        return Evaluator.score(p, images);
    }

    /**
     * The dense network's activations entering layer {@code from} on {@code images} (in the
     * evaluator's batches), and the layers from {@code from} on as a network of their own.
     */
    private record Prefix(LabeledImages images, int from, List<INDArray> inputs, MultiLayerNetwork tail) {
        static Prefix of(MultiLayerNetwork dense, int from, LabeledImages images) {
            MultiLayerNetwork head = OneDnn.attach(range(dense, 0, from));
            List<INDArray> inputs = new ArrayList<>();
            for (int i = 0; i < images.size(); i += Evaluator.DEFAULT_BATCH) {
                int to = Math.min(images.size(), i + Evaluator.DEFAULT_BATCH);
                inputs.add(head.output(images.batch(null, i, to).getFeatures(), false));
            }
            return new Prefix(images, from, inputs, OneDnn.attach(range(dense, from, dense.getnLayers())));
        }

        /** Layers [from, to) of {@code net} with their input preprocessors and parameters, as a network. */
        private static MultiLayerNetwork range(MultiLayerNetwork net, int from, int to) {
            MultiLayerConfiguration c = net.getLayerWiseConfigurations();
            List<NeuralNetConfiguration> confs = new ArrayList<>();
            Map<Integer, InputPreProcessor> pre = new java.util.HashMap<>();
            for (int i = from; i < to; i++) {
                confs.add(c.getConf(i).clone());
                InputPreProcessor ip = c.getInputPreProcess(i);
                if (ip != null) {
                    pre.put(i - from, ip.clone());
                }
            }
            MultiLayerNetwork out = new MultiLayerNetwork(new MultiLayerConfiguration.Builder().confs(confs)
                    .inputPreProcessors(pre).dataType(c.getDataType()).build());
            out.init();
            for (int i = from; i < to; i++) {
                if (net.getLayer(i).numParams() > 0) {
                    out.getLayer(i - from).setParams(net.getLayer(i).params());
                }
            }
            return out;
        }
    }

    /** Frees an array's memory now rather than when the garbage collector finds it (views excepted). */
    private static void release(INDArray a) {
        if (a != null && a.closeable()) {
            a.close();
        }
    }

    /** The scratch copy of the dense network with the plan applied (reordered, masked). */
    private MultiLayerNetwork masked(List<LayerAssignment> plan) {
        checkPlan(plan, layers);
        if (scratch == null) {
            scratch = OneDnn.attach(dense.clone());
        }
        scratch.setParams(dense.params());
        Map<String, int[]> orders = rowOrders(plan);
        reorder(scratch, orders);
        Map<String, LayerMask> masks = masks(plan, orders);
        for (LayerAssignment a : plan) {
            if (a.sparsity() > 0) {
                PrunableLayer l = GemmView.layer(layers, a.layer());
                INDArray mask = GemmView.toParamLayout(scratch, l, masks.get(a.layer()).elementMask());
                scratch.getLayer(l.index()).getParam("W").muli(mask);
                release(mask);
            }
        }
        return scratch;
    }

    /**
     * The CLI's uniform plan: {@code block} and {@code sparsity} for every prunable layer except the
     * output layer and a first-layer convolution (few weights, most sensitive: kept dense, as is
     * common practice), which a layer config or the search may still prune by name.
     */
    public static List<LayerAssignment> uniform(List<PrunableLayer> layers, BlockShape block, double sparsity) {
        List<LayerAssignment> plan = new ArrayList<>();
        for (PrunableLayer l : layers) {
            if (prunedByDefault(l, layers)) {
                plan.add(new LayerAssignment(l.name(), block, sparsity));
            }
        }
        return plan;
    }

    public static boolean prunedByDefault(PrunableLayer l, List<PrunableLayer> layers) {
        boolean firstConv = l == layers.get(0) && l.kind() == PrunableLayer.Kind.CONV;
        return !l.output() && !firstConv;
    }

    /** Rejects plans naming unknown layers or one layer twice. */
    public static void checkPlan(List<LayerAssignment> plan, List<PrunableLayer> layers) {
        Set<String> seen = new HashSet<>();
        for (LayerAssignment a : plan) {
            GemmView.layer(layers, a.layer());
            if (!seen.add(a.layer())) {
                throw new InvalidInputException("layer '" + a.layer() + "' is assigned twice");
            }
        }
    }
}
