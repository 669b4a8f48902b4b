package org.pruneaug.search;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

/** The polish's damage ceiling from a feasible plan of calibrated damage d0. */
class DamageCapTest {
    @Test
    void leastInfeasibleDamageAboveTheFeasiblePlan() {
        assertEquals(1.24, PruneAugSearch.damageCap(1.0, DoubleStream.of(1.6, 1.24, 1.3)), 1e-12);
    }

    @Test
    void infeasiblePlansBelowTheFeasibleOneDoNotCloseTheWay() {
        // the fresh demo's case: an infeasible plan of damage 0 once set the ceiling to 0, leaving no move
        assertEquals(1.3, PruneAugSearch.damageCap(1.0, DoubleStream.of(0.0, 0.4, 1.0, 1.3)), 1e-12);
    }

    @Test
    void withoutInfeasiblePlansAboveHalfAgainTheFeasibleDamage() {
        assertEquals(1.5, PruneAugSearch.damageCap(1.0, DoubleStream.of(0.2)), 1e-12);
        assertEquals(0.75, PruneAugSearch.damageCap(0.5, DoubleStream.empty()), 1e-12);
    }
}
