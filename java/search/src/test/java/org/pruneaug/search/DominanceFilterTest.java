package org.pruneaug.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.pruneaug.core.BlockShape;

class DominanceFilterTest {
    private static BlockShape b(String s) {
        return BlockShape.parse(s);
    }

    @Test
    void coarserShapeSlowerEverywhereIsDropped() {
        Map<BlockShape, double[]> lat = new LinkedHashMap<>();
        lat.put(b("4x4"), new double[] {1.0, 0.5, 0.2});
        lat.put(b("8x8"), new double[] {1.1, 0.6, 0.2}); // 4x4 is finer and never slower
        lat.put(b("1x1"), new double[] {3.0, 2.0, 1.0});
        DominanceFilter.Result r = DominanceFilter.filter(lat, 0.0);
        assertEquals(List.of(b("1x1"), b("4x4")), r.survivors());
        assertEquals(b("4x4"), r.droppedBy().get(b("8x8")));
    }

    @Test
    void coarserShapeFasterSomewhereSurvives() {
        Map<BlockShape, double[]> lat = new LinkedHashMap<>();
        lat.put(b("4x4"), new double[] {1.0, 0.5, 0.3});
        lat.put(b("8x8"), new double[] {1.1, 0.6, 0.2});
        assertEquals(List.of(b("4x4"), b("8x8")), DominanceFilter.filter(lat, 0.0).survivors());
    }

    @Test
    void incomparableShapesNeverDominateEachOther() {
        Map<BlockShape, double[]> lat = new LinkedHashMap<>();
        lat.put(b("1x8"), new double[] {1.0, 0.5});
        lat.put(b("8x1"), new double[] {2.0, 1.5}); // slower, but 1x8 cannot express 8x1 masks
        assertEquals(2, DominanceFilter.filter(lat, 0.0).survivors().size());
    }

    @Test
    void toleranceTreatsNearTiesAsMatches() {
        Map<BlockShape, double[]> lat = new LinkedHashMap<>();
        lat.put(b("2x2"), new double[] {1.01, 0.51});
        lat.put(b("4x4"), new double[] {1.00, 0.50});
        assertEquals(2, DominanceFilter.filter(lat, 0.0).survivors().size());
        assertEquals(List.of(b("2x2")), DominanceFilter.filter(lat, 0.02).survivors());
    }

    @Test
    void chainsResolveToTheFinalDominator() {
        Map<BlockShape, double[]> lat = new LinkedHashMap<>();
        lat.put(b("1x1"), new double[] {1.0});
        lat.put(b("2x2"), new double[] {1.0});
        lat.put(b("4x4"), new double[] {1.0});
        DominanceFilter.Result r = DominanceFilter.filter(lat, 0.0);
        assertEquals(List.of(b("1x1")), r.survivors());
        assertEquals(b("1x1"), r.droppedBy().get(b("4x4")));
    }
}
