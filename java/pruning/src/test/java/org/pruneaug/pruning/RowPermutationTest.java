package org.pruneaug.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pruneaug.core.BlockShape;

class RowPermutationTest {
    /** Importance of the weights the block selection keeps with the rows stored in {@code order}. */
    static double kept(float[] scores, int rows, int cols, int[] order, BlockShape b, double sparsity) {
        float[] s = RowPermutation.permuteRows(scores, rows, cols, order);
        float[] m = BlockSelection.select("x", s, rows, cols, b, sparsity).elementMask();
        double k = 0;
        for (int i = 0; i < s.length; i++) {
            k += m[i] * s[i];
        }
        return k;
    }

    static float[] random(int rows, int cols, long seed) {
        Random r = new Random(seed);
        float[] s = new float[rows * cols];
        for (int i = 0; i < s.length; i++) {
            s[i] = (float) Math.abs(r.nextGaussian());
        }
        return s;
    }

    @Test
    void regroupsRowsThatShareImportantColumns() {
        // rows 0, 2, 4, 6 matter in columns 0-3, rows 1, 3, 5, 7 in columns 4-7: interleaved, so every
        // stored 4x1 block mixes both kinds; grouped, half the blocks hold all the importance
        int rows = 8;
        int cols = 8;
        float[] s = new float[rows * cols];
        for (int i = 0; i < rows; i++) {
            for (int j = 0; j < cols; j++) {
                s[i * cols + j] = (i % 2 == 0) == (j < 4) ? 1f : 0.01f;
            }
        }
        BlockShape b = new BlockShape(4, 1);
        int[] order = RowPermutation.find(s, rows, cols, b, 0.5);
        int[] identity = RowPermutation.identity(rows);
        assertEquals(4 * 4 * 1.0 + 4 * 4 * 1.0, kept(s, rows, cols, order, b, 0.5), 1e-4);
        assertTrue(kept(s, rows, cols, identity, b, 0.5) < 20, "the stored order keeps less");
        int[] sorted = order.clone();
        Arrays.sort(sorted);
        assertArrayEquals(identity, sorted, "a permutation of the rows");
        for (int g = 0; g < 2; g++) {
            for (int i = 1; i < 4; i++) {
                assertEquals(order[4 * g] % 2, order[4 * g + i] % 2, "group " + g + " holds one kind of row");
            }
        }
    }

    @Test
    void neverKeepsLessThanTheStoredOrder() {
        for (BlockShape b : new BlockShape[] {new BlockShape(2, 1), new BlockShape(4, 1), new BlockShape(8, 2),
                new BlockShape(4, 4)}) {
            for (double sparsity : new double[] {0.5, 0.8, 0.95}) {
                float[] s = random(32, 40, 7 + b.size());
                int[] order = RowPermutation.find(s, 32, 40, b, sparsity);
                double identity = kept(s, 32, 40, RowPermutation.identity(32), b, sparsity);
                assertTrue(kept(s, 32, 40, order, b, sparsity) >= identity - 1e-3, b + " @ " + sparsity);
            }
        }
    }

    @Test
    void oneRowBlocksAndTinyLayersKeepTheStoredOrder() {
        float[] s = random(16, 8, 3);
        assertTrue(RowPermutation.isIdentity(RowPermutation.find(s, 16, 8, new BlockShape(1, 4), 0.9)));
        assertTrue(RowPermutation.isIdentity(RowPermutation.find(s, 16, 8, new BlockShape(16, 1), 0.9)));
        assertTrue(RowPermutation.isIdentity(RowPermutation.find(s, 16, 8, new BlockShape(4, 1), 0.0)));
    }

    @Test
    void columnGroupsFollowTheProducersOrder() {
        // 2 rows x (3 channels x 2 taps): channel order 2, 0, 1
        float[] m = {0, 1, 2, 3, 4, 5, 10, 11, 12, 13, 14, 15};
        assertArrayEquals(new float[] {4, 5, 0, 1, 2, 3, 14, 15, 10, 11, 12, 13},
                RowPermutation.permuteColumnGroups(m, 2, 6, new int[] {2, 0, 1}, 2));
        assertArrayEquals(new float[] {10, 11, 12, 13, 14, 15, 0, 1, 2, 3, 4, 5},
                RowPermutation.permuteRows(m, 2, 6, new int[] {1, 0}));
    }
}
