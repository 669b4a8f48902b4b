package org.pruneaug.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class FrontierBisectionTest {
    @Test
    void findsTheLastFeasibleWithLogarithmicProbes() {
        for (int size = 1; size <= 40; size++) {
            for (int lastFeasible = -1; lastFeasible < size; lastFeasible++) {
                final int cut = lastFeasible;
                FrontierBisection.Outcome o = FrontierBisection.search(size, i -> i <= cut, 64);
                assertEquals(cut, o.best());
                assertTrue(o.probes().size() <= 32 - Integer.numberOfLeadingZeros(size) + 1);
            }
        }
    }

    @Test
    void probeBudgetReturnsBestKnownFeasible() {
        FrontierBisection.Outcome o = FrontierBisection.search(100, i -> i <= 80, 2);
        assertEquals(2, o.probes().size());
        assertEquals(74, o.best()); // probes 49 (ok), 74 (ok)
    }
}
