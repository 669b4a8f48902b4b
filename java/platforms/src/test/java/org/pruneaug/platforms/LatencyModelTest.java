package org.pruneaug.platforms;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.Hardware;

class LatencyModelTest {
    private static final GemmShape SHAPE = new GemmShape(64, 64, 32);
    private static final BlockShape B8 = new BlockShape(8, 8);

    private static LatencyTable.Cell cell(GemmShape s, String block, double density, double ms) {
        return new LatencyTable.Cell(s.m(), s.k(), s.n(), block, density, density, "k", ms, ms, ms, ms, 3, 1, 0, "", 0);
    }

    private static LatencyTable table(List<LatencyTable.Cell> cells) {
        Hardware hw = Hardware.host();
        return new LatencyTable(LatencyTable.FORMAT, "p", hw.fingerprint(), hw, 1, null, null, null, null, cells);
    }

    @Test
    void exactAtMeasuredPointsMonotoneBetweenAndRefusesOutside() {
        double[] d = {0.05, 0.1, 0.2, 0.5, 1.0};
        double[] ms = {0.2, 0.3, 0.5, 1.4, 2.0};
        List<LatencyTable.Cell> cells = new ArrayList<>();
        for (int i = 0; i < d.length; i++) {
            cells.add(cell(SHAPE, "8x8", d[i], ms[i]));
        }
        LatencyModel m = LatencyModel.of(table(cells));
        for (int i = 0; i < d.length; i++) {
            assertEquals(ms[i], m.latencyMs(SHAPE, B8, d[i]), 1e-12);
        }
        double prev = 0;
        for (double x = 0.05; x <= 1.0; x += 0.001) {
            double y = m.latencyMs(SHAPE, B8, x);
            assertTrue(y >= prev - 1e-12, "not monotone at " + x);
            assertTrue(y >= 0.2 - 1e-12 && y <= 2.0 + 1e-12, "overshoot at " + x);
            prev = y;
        }
        OutsideMeasuredException low = assertThrows(OutsideMeasuredException.class, () -> m.latencyMs(SHAPE, B8, 0.01));
        assertTrue(low.getMessage().contains("outside the measured range [0.05, 1.0]"), low.getMessage());
        assertFalse(m.covers(SHAPE, B8, 0.01));
        assertTrue(m.covers(SHAPE, B8, 0.3));
        assertTrue(assertThrows(OutsideMeasuredException.class, () -> m.latencyMs(SHAPE, new BlockShape(4, 4), 0.1))
                .getMessage().contains("block 4x4 was not profiled"));
        assertTrue(assertThrows(OutsideMeasuredException.class, () -> m.latencyMs(new GemmShape(1, 2, 3), B8, 0.1))
                .getMessage().contains("shape 1x2x3 was not profiled"));
        assertEquals(List.of(B8), m.blocks(SHAPE));
    }

    @Test
    void noisyDipsAreSmoothedIntoANonDecreasingCurve() {
        // a denser weight measured faster (noise): the model must not promise that
        LatencyModel m = LatencyModel.of(table(List.of(cell(SHAPE, "8x8", 0.1, 1.0), cell(SHAPE, "8x8", 0.2, 0.8),
                cell(SHAPE, "8x8", 0.3, 1.5))));
        assertEquals(0.9, m.latencyMs(SHAPE, B8, 0.1), 1e-12);
        assertEquals(0.9, m.latencyMs(SHAPE, B8, 0.2), 1e-12);
        assertTrue(m.latencyMs(SHAPE, B8, 0.25) >= 0.9);
        assertEquals(1.5, m.latencyMs(SHAPE, B8, 0.3), 1e-12);
    }

    @Test
    void isotonicRegressionPoolsViolators() {
        assertArrayClose(new double[] {1, 2, 2, 3}, MonotoneCurve.isotonic(new double[] {1, 3, 1, 3}));
        assertArrayClose(new double[] {2, 2, 2}, MonotoneCurve.isotonic(new double[] {3, 2, 1}));
        assertArrayClose(new double[] {1}, MonotoneCurve.isotonic(new double[] {1}));
    }

    @Test
    void singlePointAndDenseBaselines() {
        LatencyModel single = LatencyModel.of(table(List.of(cell(SHAPE, "8x8", 0.1, 0.7))));
        assertEquals(0.7, single.latencyMs(SHAPE, B8, 0.1), 1e-12);
        assertFalse(single.covers(SHAPE, B8, 0.11));

        LatencyModel dense = LatencyModel.of(table(List.of(cell(SHAPE, "dense", 1.0, 3.0))));
        assertEquals(3.0, dense.latencyMs(SHAPE, new BlockShape(4, 1), 0.05), 1e-12);
        assertEquals(List.of(), dense.blocks(SHAPE));
    }

    private static void assertArrayClose(double[] want, double[] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i], got[i], 1e-12, "index " + i);
        }
    }
}
