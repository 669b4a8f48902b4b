package org.pruneaug.pruning;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.dl4j.GemmView;
import org.pruneaug.dl4j.LabeledImages;
import org.pruneaug.dl4j.Models;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.dl4j.Trainer;
import org.pruneaug.dl4j.TrainingBudget;

/**
 * A network with block masks on some of its prunable layers. The masks are enforced on the
 * weights right away and after every fine-tuning update, so pruned weights stay exactly zero
 * whatever the optimiser's momentum says.
 */
public final class PrunedNetwork {
    private final MultiLayerNetwork network;
    private final MultiLayerNetwork dense;
    /** The dense network's probabilities on a training set (distillation); null: no dense model. */
    private final Function<LabeledImages, float[]> teacher;
    private final Pruner pruner;
    private final long seed;
    private final List<PrunableLayer> layers;
    private final List<LayerAssignment> plan;
    private final Map<String, LayerMask> masks = new LinkedHashMap<>();
    private final Map<String, INDArray> paramMasks = new LinkedHashMap<>();
    private String method;

    PrunedNetwork(MultiLayerNetwork network, MultiLayerNetwork dense, Function<LabeledImages, float[]> teacher,
                  Pruner pruner, long seed, List<PrunableLayer> layers, List<LayerAssignment> plan,
                  Map<String, LayerMask> masks) {
        this.network = network;
        this.dense = dense;
        this.teacher = teacher;
        this.pruner = pruner;
        this.method = pruner == null ? "unknown" : pruner.id();
        this.seed = seed;
        this.layers = layers;
        this.plan = plan;
        setMasks(masks);
    }

    /**
     * A pruned model loaded from a zip: masks recovered from its pruning record (block shapes) and
     * its zero weights. It can be fine-tuned further with its masks, but not gradually re-pruned.
     */
    public static PrunedNetwork of(Models.Loaded model) {
        MultiLayerNetwork net = model.network();
        List<PrunableLayer> layers = GemmView.layers(net);
        PruningRecord record = PruningRecord.of(model.metadata()).orElse(null);
        List<LayerAssignment> plan = new ArrayList<>();
        Map<String, LayerMask> masks = new LinkedHashMap<>();
        for (PrunableLayer l : layers) {
            PruningRecord.Layer r = record == null ? null : record.layers().stream()
                    .filter(x -> x.layer().equals(l.name())).findFirst().orElse(null);
            BlockShape block = r == null ? BlockShape.UNSTRUCTURED : r.block();
            double target = r == null ? 0 : r.targetSparsity();
            LayerMask m = LayerMask.fromWeights(l.name(), GemmView.weights(net, l), l.rows(), l.cols(), block, target);
            if (m.prunedWeights() > 0) {
                masks.put(l.name(), m);
                plan.add(new LayerAssignment(l.name(), block, target));
            }
        }
        PrunedNetwork p = new PrunedNetwork(net, null, null, null, record == null ? 0 : record.seed(), layers, plan, masks);
        p.method = record == null ? "unknown" : record.method();
        return p;
    }

    public MultiLayerNetwork network() {
        return network;
    }

    public List<PrunableLayer> layers() {
        return layers;
    }

    public List<LayerAssignment> plan() {
        return plan;
    }

    /** Masks of the layers the plan prunes, in network order. */
    public List<LayerMask> masks() {
        return List.copyOf(masks.values());
    }

    /** The mask of a layer; a dense mask for a layer the plan leaves alone. */
    public LayerMask mask(String layer) {
        PrunableLayer l = GemmView.layer(layers, layer);
        LayerMask m = masks.get(layer);
        return m != null ? m : LayerMask.dense(l.name(), l.rows(), l.cols());
    }

    /**
     * Refits the kept weights of every pruned layer by least squares against the dense weights this
     * network was pruned from ({@link Reconstruction}); {@code producerOrder} gives each layer's input
     * channel order in this network (null: the dense network's). Layers whose inputs the
     * reconstruction cannot lay out (dilated convolutions) keep their weights.
     */
    void reconstruct(Reconstruction r, Function<PrunableLayer, int[]> producerOrder) {
        Map<PrunableLayer, LayerMask> refit = new LinkedHashMap<>();
        for (LayerMask m : masks.values()) {
            PrunableLayer l = GemmView.layer(layers, m.layer());
            if (m.prunedWeights() > 0 && Reconstruction.supports(network, l)) {
                refit.put(l, m);
            }
        }
        r.prepare(List.copyOf(refit.keySet())); // every layer's Gram matrix in one pass
        for (Map.Entry<PrunableLayer, LayerMask> e : refit.entrySet()) {
            PrunableLayer l = e.getKey();
            LayerMask m = e.getValue();
            float[] w = r.solve(l, m, GemmView.weights(dense, l), producerOrder.apply(l));
            GemmView.setWeights(network, l, w);
        }
        enforceMasks();
    }

    /** Zeroes every pruned weight (multiplies each masked layer's weights by its 0/1 mask). */
    public void enforceMasks() {
        for (Map.Entry<String, INDArray> e : paramMasks.entrySet()) {
            network.getLayer(GemmView.layer(layers, e.getKey()).index()).getParam("W").muli(e.getValue());
        }
    }

    private void setMasks(Map<String, LayerMask> newMasks) {
        masks.clear();
        paramMasks.clear();
        for (LayerMask m : newMasks.values()) {
            masks.put(m.layer(), m);
            if (m.prunedWeights() > 0) {
                paramMasks.put(m.layer(), GemmView.toParamLayout(network, GemmView.layer(layers, m.layer()), m.elementMask()));
            }
        }
        enforceMasks();
    }

    /**
     * Fine-tunes in place within the budget with the masks enforced after every update. For a
     * gradual pruner (gmp) the network restarts from the dense weights and the masks follow the
     * pruner's schedule, re-scored on the current weights, reaching the plan's sparsity at its end.
     * With the budget's distillation weight above 0 the targets mix the labels with the dense
     * network's probabilities (computed once per image set by the {@link Pruning} it came from).
     */
    public Trainer.Log fineTune(LabeledImages images, TrainingBudget budget, long trainSeed) {
        if (budget.distill() > 0 && teacher == null) {
            throw new InvalidInputException("distillation needs the dense model: a pruned model loaded from a"
                    + " file has none (fine-tune it with distillation 0)");
        }
        LabeledImages train = budget.distill() > 0 ? images.withTeacher(teacher.apply(images), budget.distill()) : images;
        boolean gradual = pruner != null && dense != null && pruner.schedule().gradual();
        Trainer.UpdateHook hook = (net, step, total) -> enforceMasks();
        if (gradual) {
            network.setParams(dense.params().dup());
            SparsitySchedule schedule = pruner.schedule();
            int total = budget.totalBatches(train.size());
            double[] current = {-1};
            Trainer.UpdateHook regrade = (net, step, all) -> {
                double f = schedule.fraction(step, all);
                if (f != current[0]) {
                    current[0] = f;
                    rescore(train, f);
                } else {
                    enforceMasks();
                }
            };
            regrade.afterUpdate(network, 0, total);
            hook = regrade;
        }
        Trainer.Log log = Trainer.fit(network, train, budget, trainSeed, hook, "fine-tune " + method);
        if (gradual && log.updates() < budget.totalBatches(train.size())) {
            rescore(train, 1.0);
        }
        return log;
    }

    private void rescore(LabeledImages train, double fraction) {
        List<PrunableLayer> planned = plan.stream().map(a -> GemmView.layer(layers, a.layer())).toList();
        Map<String, float[]> scores = pruner.scores(network, planned, train, seed);
        Map<String, LayerMask> next = new LinkedHashMap<>();
        for (LayerAssignment a : plan) {
            PrunableLayer l = GemmView.layer(layers, a.layer());
            next.put(a.layer(), BlockSelection.select(a.layer(), scores.get(a.layer()), l.rows(), l.cols(), a.block(),
                    a.sparsity() * fraction));
        }
        setMasks(next);
    }

    /** Pruned weights over all weights of all prunable layers. */
    public double overallSparsity() {
        long pruned = 0;
        long all = 0;
        for (PrunableLayer l : layers) {
            all += l.weightCount();
            LayerMask m = masks.get(l.name());
            pruned += m == null ? 0 : m.prunedWeights();
        }
        return pruned / (double) all;
    }

    /** The record to store in the model zip: every prunable layer with its block and sparsity. */
    public PruningRecord record() {
        List<PruningRecord.Layer> out = new ArrayList<>();
        for (PrunableLayer l : layers) {
            LayerMask m = masks.get(l.name());
            LayerAssignment a = plan.stream().filter(x -> x.layer().equals(l.name())).findFirst().orElse(null);
            BlockShape block = a == null ? BlockShape.UNSTRUCTURED : a.block();
            double target = a == null ? 0 : a.sparsity();
            long pruned = m == null ? 0 : m.prunedWeights();
            out.add(new PruningRecord.Layer(l.name(), l.kind().name().toLowerCase(java.util.Locale.ROOT), l.rows(),
                    l.cols(), l.outputPixels(), block, target, pruned / (double) l.weightCount(), pruned, l.weightCount()));
        }
        return new PruningRecord(method, seed, overallSparsity(), out, null, 0);
    }
}
