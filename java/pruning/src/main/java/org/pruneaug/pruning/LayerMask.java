package org.pruneaug.pruning;

import org.pruneaug.core.BlockShape;

/**
 * Which blocks of a layer's GEMM view (rows x cols, row-major) survive pruning. The layer is tiled
 * by {@code block} from the top-left corner; the last block row / column is cut short when rows or
 * cols is not a multiple of the block (edge blocks), so every weight belongs to exactly one block.
 *
 * @param keptBlocks one flag per block, block-row-major over a {@link #gridRows()} x {@link #gridCols()} grid
 */
public record LayerMask(String layer, int rows, int cols, BlockShape block, double targetSparsity,
                        boolean[] keptBlocks) {
    public LayerMask {
        if (keptBlocks.length != ceilDiv(rows, block.rows()) * ceilDiv(cols, block.cols())) {
            throw new IllegalArgumentException("layer " + layer + ": " + keptBlocks.length + " block flags for a "
                    + rows + "x" + cols + " matrix in " + block + " blocks");
        }
    }

    /** A mask that keeps everything. */
    public static LayerMask dense(String layer, int rows, int cols) {
        boolean[] all = new boolean[rows * cols];
        java.util.Arrays.fill(all, true);
        return new LayerMask(layer, rows, cols, BlockShape.UNSTRUCTURED, 0.0, all);
    }

    /**
     * The coarsest mask of {@code block} that explains the zeros of a weight matrix: a block is kept
     * when any of its weights is non-zero. Used to recover masks from a saved pruned model.
     */
    public static LayerMask fromWeights(String layer, float[] weights, int rows, int cols, BlockShape block,
                                        double targetSparsity) {
        int gr = ceilDiv(rows, block.rows());
        int gc = ceilDiv(cols, block.cols());
        boolean[] kept = new boolean[gr * gc];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                if (weights[i * cols + j] != 0f) {
                    kept[(i / block.rows()) * gc + j / block.cols()] = true;
                }
            }
        }
        return new LayerMask(layer, rows, cols, block, targetSparsity, kept);
    }

    public int gridRows() {
        return ceilDiv(rows, block.rows());
    }

    public int gridCols() {
        return ceilDiv(cols, block.cols());
    }

    /** Number of weights in block (br, bc), smaller at the bottom and right edges. */
    public int blockSize(int br, int bc) {
        return Math.min(block.rows(), rows - br * block.rows()) * Math.min(block.cols(), cols - bc * block.cols());
    }

    public boolean kept(int row, int col) {
        return keptBlocks[(row / block.rows()) * gridCols() + col / block.cols()];
    }

    /** 1 for kept weights, 0 for pruned ones, row-major rows x cols. */
    public float[] elementMask() {
        float[] m = new float[rows * cols];
        int gc = gridCols();
        for (int i = 0; i < rows; i++) {
            int rowBase = (i / block.rows()) * gc;
            for (int j = 0; j < cols; j++) {
                m[i * cols + j] = keptBlocks[rowBase + j / block.cols()] ? 1f : 0f;
            }
        }
        return m;
    }

    public int keptBlockCount() {
        int n = 0;
        for (boolean k : keptBlocks) {
            n += k ? 1 : 0;
        }
        return n;
    }

    public long prunedWeights() {
        long pruned = 0;
        int gc = gridCols();
        for (int b = 0; b < keptBlocks.length; b++) {
            if (!keptBlocks[b]) {
                pruned += blockSize(b / gc, b % gc);
            }
        }
        return pruned;
    }

    public long weights() {
        return (long) rows * cols;
    }

    public double actualSparsity() {
        return prunedWeights() / (double) weights();
    }

    static int ceilDiv(int a, int b) {
        return (a + b - 1) / b;
    }
}
