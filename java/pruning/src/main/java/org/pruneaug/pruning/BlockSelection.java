package org.pruneaug.pruning;

import java.util.Arrays;
import java.util.Comparator;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.LayerAssignment;

/**
 * Block augmentation: turns any pruner's per-weight importance into a block mask.
 *
 * <p>Score of a block = mean importance of the weights it holds (edge blocks average over their
 * smaller area, so they compete fairly with full blocks). Blocks are removed in increasing score
 * order (ties: lower block index first) and the number removed is the prefix whose weight count is
 * closest to {@code round(sparsity * rows * cols)} (ties: the smaller count). With 1x1 blocks the
 * layer's sparsity is therefore exact to one weight; with r x c blocks it is within half a block.
 * The best block always survives (a sparsity below 1 never empties a layer).
 */
public final class BlockSelection {
    private BlockSelection() {
    }

    /** Mean score per block, block-row-major over a ceil(rows/r) x ceil(cols/c) grid. */
    public static double[] blockScores(float[] scores, int rows, int cols, BlockShape block) {
        if (scores.length != rows * cols) {
            throw new IllegalArgumentException(scores.length + " scores for a " + rows + "x" + cols + " matrix");
        }
        int gr = LayerMask.ceilDiv(rows, block.rows());
        int gc = LayerMask.ceilDiv(cols, block.cols());
        double[] sum = new double[gr * gc];
        for (int i = 0; i < rows; i++) {
            int base = (i / block.rows()) * gc;
            for (int j = 0; j < cols; j++) {
                sum[base + j / block.cols()] += scores[i * cols + j];
            }
        }
        for (int b = 0; b < sum.length; b++) {
            int h = Math.min(block.rows(), rows - (b / gc) * block.rows());
            int w = Math.min(block.cols(), cols - (b % gc) * block.cols());
            sum[b] /= (double) h * w;
        }
        return sum;
    }

    public static LayerMask select(LayerAssignment a, float[] scores, int rows, int cols) {
        return select(a.layer(), scores, rows, cols, a.block(), a.sparsity());
    }

    /** The mask keeping the best blocks of {@code block} so that about {@code sparsity} of the weights go. */
    public static LayerMask select(String layer, float[] scores, int rows, int cols, BlockShape block, double sparsity) {
        LayerAssignment.checkSparsity(sparsity, "layer '" + layer + "'");
        double[] blockScore = blockScores(scores, rows, cols, block);
        boolean[] kept = new boolean[blockScore.length];
        Arrays.fill(kept, true);
        long target = Math.round(sparsity * rows * (long) cols);
        if (target == 0) {
            return new LayerMask(layer, rows, cols, block, sparsity, kept);
        }
        Integer[] order = new Integer[blockScore.length];
        for (int b = 0; b < order.length; b++) {
            order[b] = b;
        }
        Arrays.sort(order, Comparator.<Integer>comparingDouble(b -> blockScore[b]).thenComparingInt(b -> b));
        LayerMask probe = new LayerMask(layer, rows, cols, block, sparsity, kept);
        int gc = probe.gridCols();
        long removed = 0;
        int prefix = 0;
        // at least one block survives: a sparsity below 1 never deletes the whole layer
        for (; prefix < order.length - 1; prefix++) {
            int b = order[prefix];
            long next = removed + probe.blockSize(b / gc, b % gc);
            // stop when taking this block would land further from the target than not taking it
            if (next - target >= target - removed) {
                break;
            }
            removed = next;
        }
        for (int i = 0; i < prefix; i++) {
            kept[order[i]] = false;
        }
        return new LayerMask(layer, rows, cols, block, sparsity, kept);
    }
}
