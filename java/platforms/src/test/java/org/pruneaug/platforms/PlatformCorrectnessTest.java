package org.pruneaug.platforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pruneaug.platforms.PlatformsTest.assertMessage;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pruneaug.core.BlockShape;
import org.pruneaug.nativ.BsrMatrix;
import org.pruneaug.nativ.Kernels;
import org.pruneaug.nativ.Spmm;

/** Every available platform gives the reference kernel's outputs (same weight, bias, ReLU). */
class PlatformCorrectnessTest {
    /** (m, k, n): divisible, padded in m and k, k = 1, n = 1. */
    private static final int[][] SHAPES = {{64, 64, 24}, {37, 45, 19}, {9, 1, 5}, {33, 70, 1}};

    static Stream<String> platformIds() {
        return TestPlatforms.get().ids().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platformIds")
    void matchesReferenceKernel(String id) {
        SparsePlatform p = TestPlatforms.get().get(id);
        Assumptions.assumeTrue(p.available(), () -> id + ": " + p.unavailableReason().orElse(""));
        List<BlockShape> blocks = p.isDense() ? List.of(new BlockShape(4, 4), BlockShape.UNSTRUCTURED)
                : p.supportedBlocks().stream().filter(b -> b.isUnstructured() || b.rows() * b.cols() >= 16).toList();
        Random r = new Random(id.hashCode());
        for (BlockShape block : blocks) {
            for (int[] s : SHAPES) {
                for (double density : new double[] {0.0, 0.3, 1.0}) {
                    check(p, block, s[0], s[1], s[2], density, r);
                }
            }
        }
    }

    /** A GEMM big enough that a dense baseline splits it by columns over two threads (odd n: unequal chunks). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("platformIds")
    void denseBaselinesSplitLargeGemmsByColumns(String id) {
        SparsePlatform p = TestPlatforms.get().get(id);
        Assumptions.assumeTrue(p.isDense() && p.available(), () -> id + ": not an available dense baseline");
        Random r = new Random(7);
        for (int rep = 0; rep < 3; rep++) {
            check(p, BlockShape.UNSTRUCTURED, 64, 288, 301, 1.0, 2, r);
        }
    }

    private static void check(SparsePlatform p, BlockShape block, int m, int k, int n, double density, Random r) {
        check(p, block, m, k, n, density, 1 + r.nextInt(2), r);
    }

    private static void check(SparsePlatform p, BlockShape block, int m, int k, int n, double density, int threads,
            Random r) {
        BsrMatrix w = BsrMatrix.random(m, k, block, density, r);
        float[] x = floats(r, k * n);
        float[] bias = r.nextBoolean() ? floats(r, m) : null;
        boolean relu = r.nextBoolean();
        float[] want = Spmm.run(Kernels.reference(block), w, x, n, bias, relu, 1);
        String what = p.id() + " " + block + " " + m + "x" + k + "x" + n + " density " + density + " bias "
                + (bias != null) + " relu " + relu;
        try (PreparedGemm g = p.prepare(w, bias, relu)) {
            // off-heap with leading dimensions wider than n, twice: a prepared GEMM is reusable
            int ldx = n + 3;
            int ldy = n + 5;
            try (FloatPointer xp = new FloatPointer((long) k * ldx); FloatPointer yp = new FloatPointer((long) m * ldy)) {
                for (int i = 0; i < k; i++) {
                    xp.position((long) i * ldx).put(x, i * n, n);
                }
                xp.position(0);
                for (int rep = 0; rep < 2; rep++) {
                    yp.fill(0x7f);
                    g.run(xp, ldx, yp, ldy, n, threads);
                    float[] got = new float[m * ldy];
                    yp.get(got);
                    for (int i = 0; i < m; i++) {
                        for (int j = 0; j < n; j++) {
                            assertClose(want[i * n + j], got[i * ldy + j], what + " Y[" + i + "][" + j + "]");
                        }
                        assertEquals(Float.intBitsToFloat(0x7f7f7f7f), got[i * ldy + n], what + " wrote past n");
                    }
                }
            }
            float[] simple = g.run(x, n, threads);
            for (int i = 0; i < want.length; i++) {
                assertClose(want[i], simple[i], what + " (float[] run) element " + i);
            }
        }
    }

    private static void assertClose(float want, float got, String what) {
        if (!(Math.abs(want - got) <= 1e-4f * (1 + Math.abs(want)))) {
            throw new AssertionError(what + ": got " + got + ", want " + want);
        }
    }

    @Test
    void denseWeightAndMaskPrepareTheSameAsBsr() {
        SparsePlatform p = TestPlatforms.get().get("cpu-generic");
        Random r = new Random(3);
        int m = 20;
        int k = 30;
        float[] dense = floats(r, m * k);
        boolean[] keep = new boolean[m * k];
        for (int i = 0; i < keep.length; i++) {
            keep[i] = r.nextInt(4) == 0;
        }
        float[] x = floats(r, k * 6);
        BsrMatrix w = BsrMatrix.fromDense(dense, m, k, new BlockShape(2, 2), keep);
        try (PreparedGemm a = p.prepare(m, k, dense, keep, new BlockShape(2, 2), null, true);
                PreparedGemm b = p.prepare(w, null, true)) {
            float[] ya = a.run(x, 6, 2);
            float[] yb = b.run(x, 6, 2);
            for (int i = 0; i < ya.length; i++) {
                assertEquals(yb[i], ya[i], "element " + i);
            }
        }
    }

    @Test
    void badArgumentsAreExceptions() {
        Platforms ps = TestPlatforms.get();
        BsrMatrix w41 = BsrMatrix.random(8, 8, new BlockShape(4, 1), 0.5, new Random(1));
        if (ps.get("mkl").available()) {
            assertMessage("does not support block 4x1", () -> ps.get("mkl").prepare(w41, null, false));
        }
        SparsePlatform generic = ps.get("cpu-generic");
        assertMessage("bias has 3 floats", () -> generic.prepare(w41, new float[3], false));
        assertMessage("weight is null", () -> generic.prepare(null, null, false));
        PreparedGemm g = generic.prepare(w41, null, false);
        try (FloatPointer x = new FloatPointer(8 * 4); FloatPointer y = new FloatPointer(8 * 4 - 1)) {
            assertMessage("Y [8 x 4", () -> g.run(x, 4, y, 4, 4, 1));
            assertMessage("threads must be positive", () -> g.run(x, 4, x, 4, 4, 0));
            assertMessage("X must hold", () -> g.run(new float[3], 4, 1));
        }
        g.close();
        assertMessage("closed", () -> g.run(new float[32], 4, 1));
        SparsePlatform cuda = ps.get("cuda");
        if (!cuda.available()) {
            assertMessage("not available here", () -> cuda.prepare(w41, null, false));
        }
    }

    private static float[] floats(Random r, int count) {
        float[] a = new float[count];
        for (int i = 0; i < count; i++) {
            a[i] = r.nextFloat() * 2f - 1f;
        }
        return a;
    }
}
