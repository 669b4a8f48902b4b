package org.pruneaug.nativ;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;

class BsrMatrixTest {
    private static final BlockShape B2X2 = new BlockShape(2, 2);

    @ParameterizedTest(name = "{0}x{1} block {2}, seed {3}")
    @CsvSource({"13,29,4x8,1", "16,16,1x1,2", "7,5,32x32,3", "33,40,8x8,4", "1,1,2x4,5", "40,3,16x1,6"})
    void denseRoundTripKeepsExactlyTheKeptElements(int rows, int cols, String block, long seed) {
        Random r = new Random(seed);
        float[] dense = Reference.randomFloats(r, rows * cols);
        boolean[] keep = new boolean[rows * cols];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = r.nextInt(3) == 0;
        }
        BsrMatrix w = BsrMatrix.fromDense(dense, rows, cols, BlockShape.parse(block), keep);
        float[] back = w.toDense();
        for (int i = 0; i < dense.length; i++) {
            assertEquals(keep[i] ? dense[i] : 0f, back[i], "element " + i + " seed " + seed);
        }
        assertEquals(w, new BsrMatrix(rows, cols, w.block(), w.rowPtr(), w.colIdx(), w.values()));
    }

    @Test
    void withoutMaskKeepsNonZeroBlocksOnly() {
        float[] dense = new float[4 * 4];
        dense[0] = 1f;      // block (0,0)
        dense[15] = 2f;     // block (1,1)
        BsrMatrix w = BsrMatrix.fromDense(dense, 4, 4, B2X2);
        assertEquals(2, w.nnzb());
        assertArrayEquals(new int[] {0, 1, 2}, w.rowPtr());
        assertArrayEquals(new int[] {0, 1}, w.colIdx());
        assertArrayEquals(dense, w.toDense());
    }

    @ParameterizedTest
    @CsvSource({"0.0", "0.1", "0.5", "1.0"})
    void randomKeepsTheRequestedShareOfBlocksAndZeroPadding(double density) {
        BsrMatrix w = BsrMatrix.random(37, 45, new BlockShape(8, 4), density, new Random(7));
        int total = 5 * 12;
        assertEquals(Math.round(density * total), w.nnzb());
        float[] dense = w.toDense();  // toDense would reject a non-zero in padding only implicitly: check values
        float[] values = w.values();
        int[] colIdx = w.colIdx();
        int[] rowPtr = w.rowPtr();
        for (int rb = 0; rb < 5; rb++) {
            for (int p = rowPtr[rb]; p < rowPtr[rb + 1]; p++) {
                for (int e = 0; e < 32; e++) {
                    int i = rb * 8 + e / 4;
                    int j = colIdx[p] * 4 + e % 4;
                    if (i >= 37 || j >= 45) {
                        assertEquals(0f, values[p * 32 + e], "padding of block " + p);
                    }
                }
            }
        }
        assertEquals(37 * 45, dense.length);
    }

    @Test
    void malformedStructuresAreExceptionsNamingTheProblem() {
        BlockShape b = B2X2;
        // 4x4 with 2x2 blocks: 2 block rows, 2 block columns
        assertMessage("rowPtr has 2 entries", () -> new BsrMatrix(4, 4, b, new int[] {0, 0}, new int[0], new float[0]));
        assertMessage("values has 3 floats", () -> new BsrMatrix(4, 4, b, new int[] {0, 1, 1}, new int[] {0}, new float[3]));
        assertMessage("row_ptr[0]", () -> new BsrMatrix(4, 4, b, new int[] {1, 1, 1}, new int[] {0}, new float[4]));
        assertMessage("not monotone", () -> new BsrMatrix(4, 4, b, new int[] {0, 2, 1}, new int[] {0, 1}, new float[8]));
        assertMessage("outside [0, 2)", () -> new BsrMatrix(4, 4, b, new int[] {0, 1, 1}, new int[] {2}, new float[4]));
        assertMessage("strictly increasing", () -> new BsrMatrix(4, 4, b, new int[] {0, 2, 2}, new int[] {1, 0}, new float[8]));
        assertMessage("!= nnzb", () -> new BsrMatrix(4, 4, b, new int[] {0, 1, 1}, new int[] {0, 1}, new float[8]));
        assertMessage("rowPtr is null", () -> new BsrMatrix(4, 4, b, null, new int[0], new float[0]));
        assertMessage("rows must be positive", () -> new BsrMatrix(0, 4, b, new int[] {0}, new int[0], new float[0]));
    }

    @Test
    void badDenseInputsAreExceptions() {
        assertMessage("dense weight has 3 elements", () -> BsrMatrix.fromDense(new float[3], 2, 2, B2X2));
        assertMessage("keep mask has 1 elements", () -> BsrMatrix.fromDense(new float[4], 2, 2, B2X2, new boolean[1]));
        assertMessage("dense weight is null", () -> BsrMatrix.fromDense(null, 2, 2, B2X2));
        assertThrows(InvalidInputException.class, () -> BlockShape.parse("3x3"));
        assertMessage("density 1.5", () -> BsrMatrix.random(4, 4, B2X2, 1.5, new Random(1)));
    }

    static void assertMessage(String part, org.junit.jupiter.api.function.Executable call) {
        RuntimeException e = assertThrows(RuntimeException.class, call);
        assertTrue(e.getMessage() != null && e.getMessage().contains(part),
                "message '" + e.getMessage() + "' should contain '" + part + "'");
    }
}
