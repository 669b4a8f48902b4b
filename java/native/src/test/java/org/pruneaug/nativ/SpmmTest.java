package org.pruneaug.nativ;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pruneaug.nativ.BsrMatrixTest.assertMessage;

import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.pruneaug.core.BlockShape;

/** Every kernel of the registry against the Java double-precision reference. */
class SpmmTest {
    /** (m, k, n, density): edge shapes (k = 1, n not a multiple of 8, m/k not multiples of 32) + random. */
    private static final int[][] SHAPES = {{37, 45, 19}, {64, 64, 33}, {5, 1, 3}, {1, 70, 8}, {70, 33, 1}};
    private static final double[] DENSITIES = {0.0, 0.5, 1.0};

    static Stream<Kernel> kernels() {
        return Kernels.all().stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("kernels")
    void kernelMatchesReference(Kernel kernel) {
        Assumptions.assumeTrue(kernel.available(), kernel.name() + " needs " + kernel.isa() + " (CPU: "
                + Kernels.cpuFeatures() + ")");
        long seed = kernel.name().hashCode();
        Random r = new Random(seed);
        for (int[] s : SHAPES) {
            for (double density : DENSITIES) {
                int m = s[0];
                int k = s[1];
                int n = s[2];
                BsrMatrix w = BsrMatrix.random(m, k, kernel.block(), density, r);
                float[] x = Reference.randomFloats(r, k * n);
                float[] bias = r.nextBoolean() ? Reference.randomFloats(r, m) : null;
                boolean relu = r.nextBoolean();
                int threads = 1 + r.nextInt(3);
                float[] y = Spmm.run(kernel, w, x, n, bias, relu, threads);
                float[] dense = w.toDense();
                String what = kernel.name() + " " + m + "x" + k + "x" + n + " density " + density + " threads "
                        + threads + " seed " + seed;
                Reference.assertClose(what, Reference.gemm(dense, m, k, x, n, n, bias, relu),
                        Reference.magnitude(dense, m, k, x, n, n, bias), y, n, n);
            }
        }
    }

    @Test
    void offHeapRunHonoursLeadingDimensionsAndPositions() {
        Kernel kernel = Kernels.reference(new BlockShape(4, 4));
        Random r = new Random(11);
        int m = 30;
        int k = 22;
        int n = 9;
        int ldx = 13;
        int ldy = 16;
        BsrMatrix w = BsrMatrix.random(m, k, kernel.block(), 0.4, r);
        float[] x = Reference.randomFloats(r, k * ldx);
        float[] bias = Reference.randomFloats(r, m);
        try (PreparedBsr p = PreparedBsr.prepare(w, kernel);
                FloatPointer xp = new FloatPointer(x);
                FloatPointer yAll = new FloatPointer(5 + (long) m * ldy);
                FloatPointer bp = new FloatPointer(bias)) {
            yAll.fill(0x7f);  // garbage that the kernel must overwrite, and must leave beyond n alone
            FloatPointer y = new FloatPointer(yAll).position(5).limit(5 + (long) m * ldy);
            p.run(xp, ldx, y, ldy, n, bp, true, 2);
            float[] got = new float[m * ldy];
            y.get(got);
            float[] dense = w.toDense();
            Reference.assertClose("ldx/ldy", Reference.gemm(dense, m, k, x, ldx, n, bias, true),
                    Reference.magnitude(dense, m, k, x, ldx, n, bias), got, n, ldy);
            assertEquals(Float.intBitsToFloat(0x7f7f7f7f), got[n], "column n of row 0 must stay untouched");
        }
    }

    @Test
    void badArgumentsAreExceptionsNotCrashes() {
        BlockShape b = new BlockShape(2, 2);
        BsrMatrix w = BsrMatrix.random(8, 6, b, 0.5, new Random(3));
        Kernel ref = Kernels.reference(b);
        try (PreparedBsr p = PreparedBsr.prepare(w, ref);
                FloatPointer x = new FloatPointer(6 * 4);
                FloatPointer y = new FloatPointer(8 * 4);
                FloatPointer small = new FloatPointer(8 * 4 - 1)) {
            assertMessage("X", () -> p.run(null, 4, y, 4, 4, null, false, 1));
            assertMessage("Y", () -> p.run(x, 4, small, 4, 4, null, false, 1));
            assertMessage("X", () -> p.run(small, 6, y, 4, 4, null, false, 1));
            assertMessage("leading dimensions", () -> p.run(x, 3, y, 4, 4, null, false, 1));
            assertMessage("n must be positive", () -> p.run(x, 4, y, 4, 0, null, false, 1));
            assertMessage("threads must be positive", () -> p.run(x, 4, y, 4, 4, null, false, 0));
            assertMessage("bias", () -> p.run(x, 4, y, 4, 4, new FloatPointer(3), false, 1));
            assertMessage("unknown size", () -> p.run(new FloatPointer(x).capacity(0).limit(0), 4, y, 4, 4,
                    null, false, 1));
            assertMessage("X must hold", () -> p.run(new float[5], 4, null, false, 1));
            assertMessage("bias must hold", () -> p.run(new float[24], 4, new float[2], false, 1));
        }
        assertMessage("runs 4x4 blocks", () -> PreparedBsr.prepare(w, Kernels.reference(new BlockShape(4, 4))));
        PreparedBsr closed = PreparedBsr.prepare(w, ref);
        closed.close();
        closed.close();  // idempotent
        assertMessage("closed", () -> closed.run(new float[24], 4, null, false, 1));
        assertThrows(IllegalArgumentException.class, () -> Spmm.run(ref, w, new float[24], 4, null, false, -1));
    }

    @Test
    void registryListsEveryReferenceBlockAndFindsByIsa() {
        List<Kernel> all = Kernels.all();
        for (BlockShape b : BlockShape.all()) {
            Kernel k = Kernels.reference(b);
            assertEquals("f32_bsrmm_b" + b + "__ref", k.name());
            assertTrue(k.available());
            assertEquals(k, all.get(k.index()));
        }
        assertTrue(Kernels.find("no-such-isa", new BlockShape(8, 8)).isEmpty());
        assertEquals(Kernels.reference(new BlockShape(8, 8)),
                Kernels.firstAvailable(List.of("no-such-isa", "ref"), new BlockShape(8, 8)).orElseThrow());
        assertFalse(Kernels.bestIsa().isEmpty());
        assertTrue(Kernels.isas().contains("ref"));
    }

    @Test
    void cudaIsEitherUsableOrSaysWhyNot() {
        if (Cuda.available()) {
            assertFalse(Cuda.deviceName().isEmpty());
            BsrMatrix w = BsrMatrix.random(40, 50, new BlockShape(8, 8), 0.3, new Random(5));
            float[] x = Reference.randomFloats(new Random(6), 50 * 17);
            float[] want = Spmm.run(Kernels.reference(w.block()), w, x, 17, null, true, 1);
            try (PreparedCudaBsr g = PreparedCudaBsr.upload(w);
                    FloatPointer xp = new FloatPointer(x);
                    FloatPointer yp = new FloatPointer(40 * 17)) {
                g.run(xp, 17, yp, 17, 17, null, true);
                float[] got = new float[40 * 17];
                yp.get(got);
                for (int i = 0; i < got.length; i++) {
                    assertEquals(want[i], got[i], 1e-4 * (1 + Math.abs(want[i])), "Y element " + i);
                }
            }
        } else {
            String reason = Cuda.unavailableReason();
            assertFalse(reason.isBlank());
            assertMessage("cuda unavailable", () -> PreparedCudaBsr.upload(
                    BsrMatrix.random(4, 4, new BlockShape(2, 2), 1, new Random(1))));
        }
    }
}
