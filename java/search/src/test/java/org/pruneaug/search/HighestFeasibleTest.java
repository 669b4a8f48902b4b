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
}
