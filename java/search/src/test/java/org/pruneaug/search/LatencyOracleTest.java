package org.pruneaug.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.LayerAssignment;
import org.pruneaug.inference.OpInfo;
import org.pruneaug.inference.Timing;
import org.pruneaug.platforms.LatencyModel;

class LatencyOracleTest {
    static final GemmShape SHAPE = new GemmShape(64, 288, 14400);
    static final BlockShape B = BlockShape.parse("4x8");

    /** A table in which the GEMM costs 10 ms x density. */
    static final LatencyModel LINEAR = new LatencyModel() {
        @Override
        public String platform() {
            return "test";
        }

        @Override
        public double latencyMs(GemmShape shape, BlockShape block, double density) {
            return 10 * density;
        }

        @Override
        public boolean covers(GemmShape shape, BlockShape block, double density) {
            return true;
        }

        @Override
        public Set<GemmShape> shapes() {
            return Set.of(SHAPE);
        }

        @Override
        public List<BlockShape> blocks(GemmShape shape) {
            return List.of(B);
        }
    };

    static LatencyOracle oracle(List<LatencyOracle.InNetwork> runs) {
        LatencyOracle.LayerCosts c = new LatencyOracle.LayerCosts("conv2", SHAPE, SHAPE, 20.0, 0.1);
        return LatencyOracle.of(LINEAR, new LatencyOracle.Calibration(Map.of("conv2", c), 1.0, runs), List.of(B));
    }

    static LatencyOracle.InNetwork run(double density, double ms) {
        return new LatencyOracle.InNetwork("conv2", B.toString(), density, ms);
    }

    @Test
    void aDisturbedSweepIsOutvotedByTheFasterOne() {
        // sweep 1 at d=0.4 was slowed 3x by the machine; sweep 2 was not
        LatencyOracle o = oracle(List.of(run(0.2, 1.0), run(0.4, 6.0), run(1.0, 5.0), run(0.2, 1.1), run(0.4, 2.0),
                run(1.0, 5.2)));
        assertEquals(0.5, o.correction("conv2", B, 0.2), 1e-9);
        assertEquals(0.5, o.correction("conv2", B, 0.4), 1e-9);
        assertEquals(0.5, o.correction("conv2", B, 1.0), 1e-9);
        assertEquals(0.5 * 10 * 0.3 + 0.1, o.platformMs("conv2", B, 0.7), 1e-9, "interpolated, plus the overhead");
    }

    @Test
    void inNetworkTimesAreMadeMonotoneInDensity() {
        // one run per density, the middle one disturbed: a denser weight cannot run faster, so the
        // violators are pooled (2.0 and 1.0 at d=0.4 and 0.5 become 1.5 each)
        LatencyOracle o = oracle(List.of(run(0.2, 0.5), run(0.4, 2.0), run(0.5, 1.0), run(1.0, 5.0)));
        assertEquals(1.5 / 4.0, o.correction("conv2", B, 0.4), 1e-9);
        assertEquals(1.5 / 5.0, o.correction("conv2", B, 0.5), 1e-9);
        assertEquals(0.25, o.correction("conv2", B, 0.2), 1e-9);
    }

    @Test
    void manyRunsOfOneCellGiveTheirLowerMedian() {
        assertEquals(2.0, LatencyOracle.lowerMedian(List.of(9.0, 2.0, 1.0, 3.0)));
        assertEquals(1.0, LatencyOracle.lowerMedian(List.of(4.0, 1.0)));
        assertEquals(3.0, LatencyOracle.lowerMedian(List.of(3.0)));
    }

    static Timing.OpTime op(String name, OpInfo.Kind kind, String layer, double ms) {
        return new Timing.OpTime(new OpInfo(name, kind, layer, null, null, null, Double.NaN), ms);
    }

    @Test
    void theOutsideOfAPassIsTheOtherOpsPlusTheGapsBetweenOps() {
        List<Timing.OpTime> ops = List.of(op("input", OpInfo.Kind.INPUT, null, 0.1),
                op("conv2/im2col", OpInfo.Kind.IM2COL, "conv2", 1.0), op("conv2/gemm", OpInfo.Kind.GEMM, "conv2", 7.0),
                op("pool2", OpInfo.Kind.POOL, null, 0.4));
        // the other ops' medians (0.5) plus the median per-pass gap (0.3); the pass's median (10 ms, of
        // which 8 in conv2's medians) says nothing more: its excess over the ops is noisy passes
        Timing t = new Timing(64, 2, 10, 10.0, 9.0, 12.0, ops, 0.3);
        assertEquals(0.8, LatencyOracle.outsidePassMs(t, Set.of("conv2")), 1e-12);
        // a timing without a measured gap (or a negative one from timer granularity): the ops alone
        assertEquals(0.5, LatencyOracle.outsidePassMs(new Timing(64, 2, 10, 8.2, 8.0, 9.0, ops), Set.of("conv2")), 1e-12);
        assertEquals(0.5, LatencyOracle.outsidePassMs(new Timing(64, 2, 10, 8.2, 8.0, 9.0, ops, -0.01), Set.of("conv2")),
                1e-12);
    }

    @Test
    void theDenseNetworkHasItsOwnOutsideCost() {
        LatencyOracle.LayerCosts c = new LatencyOracle.LayerCosts("conv2", SHAPE, SHAPE, 20.0, 0.1);
        LatencyOracle o = LatencyOracle.of(LINEAR, new LatencyOracle.Calibration(Map.of("conv2", c), 1.0, List.of(), 3.0),
                List.of(B));
        assertEquals(23.0, o.networkMs(List.of()), 1e-12, "all dense: its layers and its own outside");
        assertEquals(1.0 + 10 * 0.5 + 0.1, o.networkMs(List.of(new LayerAssignment("conv2", B, 0.5))), 1e-12);
        // a calibration cached before the dense outside was kept: the platform networks' outside
        LatencyOracle old = oracle(List.of());
        assertEquals(21.0, old.networkMs(List.of()), 1e-12);
    }
}
