package org.pruneaug.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The uniform baselines' walk to their highest feasible sparsity over a 10-point grid. */
class HighestFeasibleTest {
    /** Feasible up to {@code boundary} (inclusive); records the probes. */
    static PruneAugSearch.Boundary walk(int boundary, int start, int maxProbes, List<Integer> probed) {
        return PruneAugSearch.highestFeasible(10, start, maxProbes, i -> {
            probed.add(i);
            return i <= boundary;
        });
    }

    @Test
    void findsEveryBoundaryFromEveryStart() {
        for (int boundary = -1; boundary < 10; boundary++) {
            for (int start = 0; start < 10; start++) {
                List<Integer> probed = new ArrayList<>();
                PruneAugSearch.Boundary b = walk(boundary, start, 10, probed);
                String what = "boundary " + boundary + " from " + start + ": " + probed;
                assertEquals(boundary, b.index(), what);
                assertTrue(b.bracketed(), what);
                assertTrue(probed.size() <= 6, what);
                assertEquals(probed.size(), b.probes());
                assertEquals(probed.size(), probed.stream().distinct().count(), "no index probed twice: " + what);
                // the search's cap brackets every boundary up to the grid's eighth point (0.93 of the
                // default grid) from every start up to there
                if (start <= 7 && boundary <= 7) {
                    assertTrue(probed.size() <= PruneAugSearch.BASELINE_PROBES, what);
                }
            }
        }
    }

    @Test
    void aGoodStartCostsTwoToFourProbes() {
        List<Integer> probed = new ArrayList<>();
        walk(6, 5, 5, probed); // the two-epoch run's unstructured baseline: 0.9 and 0.93 feasible, 0.95 not
        assertEquals(List.of(5, 6, 8, 7), probed);
        probed.clear();
        walk(4, 5, 5, probed);
        assertEquals(List.of(5, 4), probed);
    }

    @Test
    void fromTheBottomOfTheGridItBisects() {
        List<Integer> probed = new ArrayList<>();
        PruneAugSearch.Boundary b = walk(3, 0, 5, probed); // no layerwise plan met the budget: start at 0.5
        assertEquals(List.of(0, 1, 5, 3, 4), probed);
        assertEquals(3, b.index());
        assertTrue(b.bracketed());
    }

    @Test
    void aCapThatStopsTheWalkIsReportedAsNotBracketed() {
        List<Integer> probed = new ArrayList<>();
        PruneAugSearch.Boundary b = walk(8, 0, 3, probed);
        assertEquals(List.of(0, 1, 5), probed);
        assertEquals(5, b.index());
        assertFalse(b.bracketed());
        PruneAugSearch.Boundary none = walk(-1, 9, 2, new ArrayList<>());
        assertEquals(-1, none.index());
        assertFalse(none.bracketed());
    }

    @Test
    void aBaselineStartsBelowTheBoundaryOfAFinerShapeAlreadySearched() {
        java.util.Map<org.pruneaug.core.BlockShape, Integer> boundaries = new java.util.LinkedHashMap<>();
        org.pruneaug.core.BlockShape b4x1 = org.pruneaug.core.BlockShape.parse("4x1");
        org.pruneaug.core.BlockShape b4x2 = org.pruneaug.core.BlockShape.parse("4x2");
        org.pruneaug.core.BlockShape b2x2 = org.pruneaug.core.BlockShape.parse("2x2");
        assertEquals(2, PruneAugSearch.baselineStart(org.pruneaug.core.BlockShape.UNSTRUCTURED, 2, boundaries),
                "nothing searched yet: the proxy");
        assertEquals(0, PruneAugSearch.baselineStart(b4x1, -1, boundaries), "a proxy admitting nothing: the bottom");
        boundaries.put(org.pruneaug.core.BlockShape.UNSTRUCTURED, 4);
        assertEquals(3, PruneAugSearch.baselineStart(b4x1, 0, boundaries), "below the proxy's guess or above it alike");
        assertEquals(3, PruneAugSearch.baselineStart(b4x2, 7, boundaries));
        boundaries.put(b4x1, 2);
        assertEquals(1, PruneAugSearch.baselineStart(b4x2, 0, boundaries), "the lowest of the shapes tiling it");
        assertEquals(3, PruneAugSearch.baselineStart(b2x2, 0, boundaries), "4x1 does not tile 2x2");
        boundaries.put(b4x1, -1);
        assertEquals(0, PruneAugSearch.baselineStart(b4x2, 5, boundaries), "a finer shape feasible nowhere: the bottom");
        // a demo's baselines from there: unstructured feasible up to 0.85 (index 4), 4x1 up to 0.8 and
        // 4x2 up to 0.7: both from 0.8 in 2 fine-tunes each (from the proxy's 0.5: 5 each)
        List<Integer> probed = new ArrayList<>();
        walk(3, 3, 5, probed);
        assertEquals(List.of(3, 4), probed);
        probed.clear();
        walk(2, 3, 5, probed);
        assertEquals(List.of(3, 2), probed);
    }
}
