package org.pruneaug.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.pruneaug.core.BlockShape;

class ShapeCalibrationTest {
    private static final BlockShape B1X1 = BlockShape.UNSTRUCTURED;
    private static final BlockShape B4X2 = new BlockShape(4, 2);
    private static final BlockShape B8X1 = new BlockShape(8, 1);

    /** The uniform outcomes of the two-epoch VGG search (stop 12): raw damage, feasible. */
    private static List<ShapeCalibration.Outcome> vgg() {
        return List.of(
                new ShapeCalibration.Outcome(B1X1, 0.5622, true), new ShapeCalibration.Outcome(B1X1, 0.9301, true),
                new ShapeCalibration.Outcome(B1X1, 1.2824, false),
                new ShapeCalibration.Outcome(B4X2, 0.7297, true), new ShapeCalibration.Outcome(B4X2, 1.7122, true),
                new ShapeCalibration.Outcome(B4X2, 2.1875, false),
                new ShapeCalibration.Outcome(B8X1, 0.8561, true), new ShapeCalibration.Outcome(B8X1, 1.5059, true),
                new ShapeCalibration.Outcome(B8X1, 2.2048, false));
    }

    @Test
    void boundaryIsBetweenTheLastFeasibleAndTheFirstInfeasiblePlan() {
        ShapeCalibration c = ShapeCalibration.fit(vgg());
        assertEquals(Math.sqrt(0.9301 * 1.2824), c.boundary(B1X1), 1e-12);
        // 4x2 and 8x1 share area 8: their boundaries averaged in log
        double b8 = Math.sqrt(Math.sqrt(1.7122 * 2.1875) * Math.sqrt(1.5059 * 2.2048));
        assertEquals(b8, c.boundary(B4X2), 1e-12);
        assertEquals(b8, c.boundary(new BlockShape(2, 4)), 1e-12);
        // a uniform plan at its boundary is "at the budget" whatever its block
        assertEquals(1.0, c.calibrated(B1X1, c.boundary(B1X1)), 1e-12);
        assertEquals(1.0, c.calibrated(B8X1, b8), 1e-12);
    }

    @Test
    void otherAreasInterpolateInLogAndClampOutside() {
        ShapeCalibration c = ShapeCalibration.fit(vgg());
        double b1 = c.boundary(B1X1);
        double b8 = c.boundary(B4X2);
        // area 2 is a third of the way from area 1 to area 8 in log2
        assertEquals(Math.exp(Math.log(b1) + (Math.log(b8) - Math.log(b1)) / 3), c.boundary(new BlockShape(2, 1)), 1e-12);
        double b4 = c.boundary(new BlockShape(2, 2));
        assertTrue(b1 < b4 && b4 < b8);
        assertEquals(b8, c.boundary(new BlockShape(32, 32)), 1e-12);
        // larger blocks take more raw damage before the budget breaks: the same raw damage counts for less
        assertTrue(c.calibrated(B8X1, 1.0) < c.calibrated(B1X1, 1.0));
    }

    @Test
    void coversAreasWithinAFactorOfTwoOfTheCalibratedOnes() {
        ShapeCalibration c = ShapeCalibration.fit(vgg()); // areas 1 and 8
        assertTrue(c.covers(B1X1) && c.covers(new BlockShape(2, 2)) && c.covers(B8X1));
        assertTrue(c.covers(new BlockShape(4, 4)));
        assertFalse(c.covers(new BlockShape(8, 4)));
        assertFalse(c.covers(new BlockShape(8, 16)));
        ShapeCalibration small = ShapeCalibration.fit(List.of(new ShapeCalibration.Outcome(B1X1, 0.4, true)));
        assertTrue(small.covers(new BlockShape(1, 2)));
        assertFalse(small.covers(new BlockShape(4, 1)));
        assertTrue(ShapeCalibration.fit(List.of()).covers(new BlockShape(32, 32)), "raw damage: no limit");
    }

    @Test
    void onlyFeasibleOutcomesGiveTheirHighestDamageAndAllInfeasibleGiveNothing() {
        ShapeCalibration c = ShapeCalibration.fit(List.of(new ShapeCalibration.Outcome(B1X1, 0.4, true),
                new ShapeCalibration.Outcome(B1X1, 0.7, true), new ShapeCalibration.Outcome(B4X2, 0.5, false)));
        assertEquals(0.7, c.boundary(B1X1), 1e-12);
        assertEquals(0.7, c.boundary(B4X2), 1e-12); // no boundary of its own: the nearest area's
        assertEquals(java.util.Map.of("1", 0.7), c.boundaries());
        ShapeCalibration none = ShapeCalibration.fit(List.of(new ShapeCalibration.Outcome(B4X2, 0.5, false)));
        assertTrue(none.isEmpty());
        assertEquals(0.9, none.calibrated(B4X2, 0.9), 1e-12);
    }
}
