package org.pruneaug.search;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntPredicate;

/**
 * Finds the fastest feasible candidate of a list ordered from safest to fastest, where feasibility
 * (fine-tuned validation accuracy within the budget) is assumed to decrease along the list, with as
 * few full-fidelity evaluations as bisection allows (log2 of the list length). The caller's
 * predicate is expected to cache; the order of the probes is returned for the search-cost report.
 */
public final class FrontierBisection {
    private FrontierBisection() {
    }

    /** Index of the fastest feasible candidate, or -1 if none was; and the probes made, in order. */
    public record Outcome(int best, List<Integer> probes) {
    }

    public static Outcome search(int size, IntPredicate feasible, int maxProbes) {
        List<Integer> probes = new ArrayList<>();
        int lo = -1; // highest index known feasible
        int hi = size; // lowest index known infeasible
        while (hi - lo > 1 && probes.size() < maxProbes) {
            int mid = (lo + hi) >>> 1;
            probes.add(mid);
            if (feasible.test(mid)) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return new Outcome(lo, List.copyOf(probes));
    }
}
