package org.pruneaug.inference;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.dl4j.PrunableLayer;
import org.pruneaug.platforms.SparsePlatform;
import org.pruneaug.pruning.LayerMask;

/**
 * Where each layer of a pruned network runs: the layers a plan names on the sparse platform, with
 * their block shape (a layer at sparsity 0 runs there too, every block kept: the platform's kernel
 * may beat the dense baseline, e.g. by needing no im2col), all others on the dense baseline. A
 * pruned model saved by the search records its plan in the metadata section {@value #SECTION}.
 */
public final class Placements {
    /** Model metadata section holding the plan the runtime places by (a list of layer assignments). */
    public static final String SECTION = "placement";

    private Placements() {
    }

    /**
     * @param masks the pruned network's mask of a layer the plan prunes (sparsity > 0)
     */
    public static Function<PrunableLayer, Placement> of(List<LayerAssignment> plan, Function<String, LayerMask> masks,
            SparsePlatform platform, SparsePlatform dense) {
        return l -> plan.stream().filter(a -> a.layer().equals(l.name())).findFirst()
                .map(a -> new Placement(platform, a.sparsity() > 0 ? masks.apply(l.name()) : allKept(l, a)))
                .orElse(Placement.dense(dense));
    }

    private static LayerMask allKept(PrunableLayer l, LayerAssignment a) {
        int blocks = ceilDiv(l.rows(), a.block().rows()) * ceilDiv(l.cols(), a.block().cols());
        boolean[] kept = new boolean[blocks];
        Arrays.fill(kept, true);
        return new LayerMask(l.name(), l.rows(), l.cols(), a.block(), 0.0, kept);
    }

    private static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
