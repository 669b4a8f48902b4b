package org.pruneaug.search;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.pruneaug.core.BlockShape;

/**
 * The platform prunes the search space: a block shape is dropped for a layer when another shape
 * that is at least as fine-grained (it can express every mask the coarser one can, so at equal
 * sparsity it keeps at least as much accuracy) is as fast or faster at every density of the grid.
 * "As fast" allows a relative {@code tolerance} so that measurement noise does not keep a coarser
 * shape alive.
 */
public final class DominanceFilter {
    private DominanceFilter() {
    }

    /** Survivors and, for each dropped shape, the shape that dominates it. */
    public record Result(List<BlockShape> survivors, SortedMap<BlockShape, BlockShape> droppedBy) {
    }

    /**
     * @param latencyBySparsity for every candidate block, predicted latency at each sparsity of a
     *     common grid (arrays of the same length)
     */
    public static Result filter(Map<BlockShape, double[]> latencyBySparsity, double tolerance) {
        List<BlockShape> blocks = new ArrayList<>(latencyBySparsity.keySet());
        blocks.sort(null);
        TreeMap<BlockShape, BlockShape> droppedBy = new TreeMap<>();
        List<BlockShape> survivors = new ArrayList<>();
        for (BlockShape coarse : blocks) {
            BlockShape dominator = null;
            for (BlockShape fine : blocks) {
                if (!fine.equals(coarse) && fine.isFinerOrEqual(coarse)
                        && fasterEverywhere(latencyBySparsity.get(fine), latencyBySparsity.get(coarse), tolerance)) {
                    dominator = fine;
                    break;
                }
            }
            if (dominator == null) {
                survivors.add(coarse);
            } else {
                droppedBy.put(coarse, dominator);
            }
        }
        // a shape dropped in favour of a dominator that was itself dropped points at the final one
        Map<BlockShape, BlockShape> resolved = new LinkedHashMap<>();
        for (BlockShape b : droppedBy.keySet()) {
            BlockShape d = droppedBy.get(b);
            while (droppedBy.containsKey(d)) {
                d = droppedBy.get(d);
            }
            resolved.put(b, d);
        }
        droppedBy.putAll(resolved);
        return new Result(List.copyOf(survivors), droppedBy);
    }

    private static boolean fasterEverywhere(double[] fine, double[] coarse, double tolerance) {
        if (fine.length != coarse.length) {
            throw new IllegalArgumentException("latency grids differ in length");
        }
        for (int i = 0; i < fine.length; i++) {
            if (fine[i] > coarse[i] * (1.0 + tolerance)) {
                return false;
            }
        }
        return true;
    }
}
