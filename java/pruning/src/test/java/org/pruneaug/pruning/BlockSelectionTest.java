package org.pruneaug.pruning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;

class BlockSelectionTest {
    /**
     * A 3 x 5 matrix in 2x2 blocks: a 2 x 3 grid whose right column is 1 wide and bottom row 1 high.
     * <pre>
     *  1  2 | 9  9 | 4       block means: (1+2+3+4)/4 = 2.5   (9+9+8+8)/4 = 8.5   (4+4)/2 = 4
     *  3  4 | 8  8 | 4                    (0+6)/2     = 3     (5+7)/2     = 6     1/1     = 1
     *  ----------------
     *  0  6 | 5  7 | 1
     * </pre>
     */
    private static final float[] HAND = {
        1, 2, 9, 9, 4,
        3, 4, 8, 8, 4,
        0, 6, 5, 7, 1,
    };

    @Test
    void blockScoresAreMeansOverEachBlocksOwnArea() {
        assertArrayEquals(new double[] {2.5, 8.5, 4, 3, 6, 1},
                BlockSelection.blockScores(HAND, 3, 5, new BlockShape(2, 2)), 1e-12);
    }

    @Test
    void handComputedSelection() {
        // target round(0.4 * 15) = 6 weights; ascending blocks: 1 (1 weight), 2.5 (4), 3 (2), 4 (2), ...
        // prefix sizes 1, 5, 7: 5 and 7 are equally close to 6, the smaller count wins -> 5 weights pruned
        LayerMask m = BlockSelection.select("hand", HAND, 3, 5, new BlockShape(2, 2), 0.4);
        assertArrayEquals(new boolean[] {false, true, true, true, true, false}, m.keptBlocks());
        assertEquals(5, m.prunedWeights());
        assertArrayEquals(new float[] {
            0, 0, 1, 1, 1,
            0, 0, 1, 1, 1,
            1, 1, 1, 1, 0,
        }, m.elementMask());
        // 0.5 -> target 8 (7.5 rounds up): prefix 7 (|1|) beats 9 (|1|, larger) -> blocks 1, 2.5, 3 pruned
        LayerMask half = BlockSelection.select("hand", HAND, 3, 5, new BlockShape(2, 2), 0.5);
        assertArrayEquals(new boolean[] {false, true, true, false, true, false}, half.keptBlocks());
        assertEquals(7, half.prunedWeights());
    }

    @Test
    void unstructuredPrunesTheSmallestWeightsExactly() {
        LayerMask m = BlockSelection.select("hand", HAND, 3, 5, BlockShape.UNSTRUCTURED, 0.2);
        assertEquals(3, m.prunedWeights());
        float[] mask = m.elementMask();
        assertEquals(0, mask[10], "0 goes first");
        assertEquals(0, mask[0], "then 1 (the earlier of the two 1s)");
        assertEquals(0, mask[14], "then the other 1");
    }

    @Test
    void reachesTheTargetSparsityAsNearAsBlocksAllow() {
        Random rnd = new Random(42);
        int[][] shapes = {{64, 288}, {128, 576}, {10, 256}, {50, 500}, {33, 17}, {7, 100}};
        for (int[] s : shapes) {
            float[] scores = new float[s[0] * s[1]];
            for (int i = 0; i < scores.length; i++) {
                scores[i] = rnd.nextFloat();
            }
            for (BlockShape b : new BlockShape[] {BlockShape.UNSTRUCTURED, new BlockShape(4, 4), new BlockShape(16, 16),
                    new BlockShape(32, 1), new BlockShape(1, 8), new BlockShape(8, 32)}) {
                for (double sp : new double[] {0.0, 0.5, 0.8, 0.9, 0.95, 0.98}) {
                    LayerMask m = BlockSelection.select("l", scores, s[0], s[1], b, sp);
                    long target = Math.round(sp * scores.length);
                    String what = s[0] + "x" + s[1] + " " + b + " @" + sp + ": pruned " + m.prunedWeights() + " target " + target;
                    if (b.isUnstructured()) {
                        assertEquals(target, m.prunedWeights(), what);
                    } else {
                        assertTrue(Math.abs(m.prunedWeights() - target) <= (b.size() + 1) / 2
                                || m.keptBlockCount() == 1, what);
                    }
                    assertTrue(m.keptBlockCount() >= 1, what);
                    long zeros = 0;
                    for (float v : m.elementMask()) {
                        zeros += v == 0 ? 1 : 0;
                    }
                    assertEquals(m.prunedWeights(), zeros, what);
                }
            }
        }
    }

    @Test
    void masksAreWholeBlocksAndRecoverableFromWeights() {
        Random rnd = new Random(3);
        float[] w = new float[37 * 45];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) rnd.nextGaussian();
        }
        BlockShape b = new BlockShape(8, 4);
        LayerMask m = BlockSelection.select("l", MagnitudePruner.magnitudes(w), 37, 45, b, 0.9);
        float[] mask = m.elementMask();
        float[] pruned = new float[w.length];
        for (int i = 0; i < w.length; i++) {
            pruned[i] = w[i] * mask[i];
            assertEquals(mask[i] == 1f, m.kept(i / 45, i % 45));
        }
        LayerMask back = LayerMask.fromWeights("l", pruned, 37, 45, b, 0.9);
        assertArrayEquals(m.keptBlocks(), back.keptBlocks());
    }

    @Test
    void rejectsSparsityOutsideTheUnitInterval() {
        assertThrows(InvalidInputException.class, () -> BlockSelection.select("l", HAND, 3, 5, BlockShape.UNSTRUCTURED, 1.0));
        assertThrows(InvalidInputException.class, () -> BlockSelection.select("l", HAND, 3, 5, BlockShape.UNSTRUCTURED, -0.1));
    }

    @Test
    void cubicScheduleRisesFastThenSlowlyToOne() {
        CubicSchedule s = CubicSchedule.DEFAULT;
        assertEquals(0.0, s.fraction(0, 100));
        double prev = 0;
        for (int t = 1; t <= 100; t++) {
            double f = s.fraction(t, 100);
            assertTrue(f >= prev, "monotone at " + t);
            prev = f;
        }
        assertEquals(1.0, s.fraction(75, 100), "reaches the target at 3/4 of the updates");
        assertEquals(1 - Math.pow(1 - 35 / 75.0, 3), s.fraction(36, 100), 1e-12, "steps every 7 updates");
        assertTrue(s.gradual());
        assertEquals(1.0, SparsitySchedule.ONE_SHOT.fraction(0, 10));
    }
}
