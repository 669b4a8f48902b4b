package org.pruneaug.pruning;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
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
    private MultiLayerNetwork scratch;

    private Pruning(MultiLayerNetwork dense, Pruner pruner, long seed, List<PrunableLayer> layers,
                    Map<String, float[]> scores) {
        this.dense = dense;
        this.pruner = pruner;
        this.seed = seed;
        this.layers = List.copyOf(layers);
        this.scores = scores;
    }

    /** Scores every prunable layer of {@code dense}; {@code data} is training data (Taylor's batches). */
    public static Pruning score(MultiLayerNetwork dense, Pruner pruner, LabeledImages data, long seed) {
        List<PrunableLayer> layers = GemmView.layers(dense);
        return new Pruning(dense, pruner, seed, layers, pruner.scores(dense, layers, data, seed));
    }

    public List<PrunableLayer> layers() {
        return layers;
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

    /** The mask one assignment gives, without touching any network (cheap: no copy, no evaluation). */
    public LayerMask mask(LayerAssignment a) {
        PrunableLayer l = GemmView.layer(layers, a.layer());
        return BlockSelection.select(a, scores.get(l.name()), l.rows(), l.cols());
    }

    /**
     * A copy of the dense network with the plan's masks applied (layers the plan does not name stay
     * dense). This is the "pruned but not fine-tuned" network the cheap fidelity evaluates; for a
     * gradual method its masks are those of the final sparsity.
     */
    public PrunedNetwork apply(List<LayerAssignment> plan) {
        checkPlan(plan, layers);
        Map<String, LayerMask> masks = new LinkedHashMap<>();
        for (LayerAssignment a : plan) {
            masks.put(a.layer(), mask(a));
        }
        return new PrunedNetwork(OneDnn.attach(dense.clone()), dense, this::teacherTargets, pruner, seed, layers,
                List.copyOf(plan), masks);
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
        checkPlan(plan, layers);
        if (scratch == null) {
            scratch = OneDnn.attach(dense.clone());
        }
        scratch.setParams(dense.params());
        for (LayerAssignment a : plan) {
            if (a.sparsity() > 0) {
                PrunableLayer l = GemmView.layer(layers, a.layer());
                scratch.getLayer(l.index()).getParam("W").muli(GemmView.toParamLayout(scratch, l, mask(a).elementMask()));
            }
        }
        return Evaluator.evaluate(scratch, images);
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
