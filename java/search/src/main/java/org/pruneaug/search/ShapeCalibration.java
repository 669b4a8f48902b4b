package org.pruneaug.search;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.pruneaug.core.BlockShape;

/**
 * How much one-shot damage each block size can take before the budget breaks after fine-tuning,
 * learnt from the uniform plans the search fine-tuned (one block shape and one sparsity for every
 * pruned layer: the baselines).
 *
 * <p>Why: the cheap fidelity (the validation loss increase of pruning a layer, not fine-tuned)
 * ranks sparsities of one block shape well, but not block shapes against each other: large blocks
 * look more damaged before fine-tuning and recover more during it (on VGG, uniform 4x2 and 8x1
 * plans met the budget at a summed damage of 1.5-1.7, while 1x1 and 2-row plans missed it above
 * 1.1-1.3). Summing raw damages therefore favours small blocks. The calibration divides each
 * layer's damage by the <em>boundary</em> of its block size: the damage at which the uniform plans
 * of that size stop meeting the budget (the geometric mean of the highest feasible and the lowest
 * infeasible plan's damage; the highest feasible alone when none missed). A calibrated plan damage
 * of 1 then means "at the budget" for every block size alike.
 *
 * <p>The boundary is a function of the block's area (r*c) only, interpolated linearly in
 * log(damage) over log2(area) between the areas that have uniform outcomes and held constant
 * beyond them; shapes of equal area are averaged (in log). Areas whose uniform plans all missed the
 * budget give no boundary (they would only bound it from above). The polish only uses blocks the
 * calibration {@link #covers}: areas up to twice the largest calibrated one.
 */
public final class ShapeCalibration {
    /** A fine-tuned uniform plan: its block shape, summed raw damage, and whether it met the budget. */
    public record Outcome(BlockShape block, double damage, boolean feasible) {
    }

    /** log2(area) -> log(boundary damage), for the areas with outcomes. */
    private final TreeMap<Double, Double> logBoundary;

    private ShapeCalibration(TreeMap<Double, Double> logBoundary) {
        this.logBoundary = logBoundary;
    }

    public static ShapeCalibration fit(List<Outcome> outcomes) {
        Map<BlockShape, List<Outcome>> byShape = new TreeMap<>(java.util.Comparator.comparing(BlockShape::toString));
        for (Outcome o : outcomes) {
            byShape.computeIfAbsent(o.block(), k -> new ArrayList<>()).add(o);
        }
        Map<Double, List<Double>> perArea = new TreeMap<>();
        byShape.forEach((block, os) -> {
            double feasible = os.stream().filter(Outcome::feasible).mapToDouble(Outcome::damage).max().orElse(Double.NaN);
            if (Double.isNaN(feasible) || !(feasible > 0)) {
                return;
            }
            double infeasible = os.stream().filter(o -> !o.feasible() && o.damage() > feasible)
                    .mapToDouble(Outcome::damage).min().orElse(Double.NaN);
            double boundary = Double.isNaN(infeasible) ? feasible : Math.sqrt(feasible * infeasible);
            perArea.computeIfAbsent(log2Area(block), k -> new ArrayList<>()).add(Math.log(boundary));
        });
        TreeMap<Double, Double> log = new TreeMap<>();
        perArea.forEach((a, ls) -> log.put(a, ls.stream().mapToDouble(Double::doubleValue).average().orElseThrow()));
        return new ShapeCalibration(log);
    }

    /** True when no block size had a feasible uniform plan: every scale is 1 (raw damage). */
    public boolean isEmpty() {
        return logBoundary.isEmpty();
    }

    /** The damage of a uniform plan of this block's size at the budget's boundary (1 when empty). */
    public double boundary(BlockShape block) {
        if (logBoundary.isEmpty()) {
            return 1.0;
        }
        double x = log2Area(block);
        Map.Entry<Double, Double> lo = logBoundary.floorEntry(x);
        Map.Entry<Double, Double> hi = logBoundary.ceilingEntry(x);
        if (lo == null) {
            return Math.exp(hi.getValue());
        }
        if (hi == null || hi.getKey().equals(lo.getKey())) {
            return Math.exp(lo.getValue());
        }
        double t = (x - lo.getKey()) / (hi.getKey() - lo.getKey());
        return Math.exp(lo.getValue() + t * (hi.getValue() - lo.getValue()));
    }

    /**
     * Whether the calibration speaks for this block: its area lies within a factor of 2 of the areas
     * with outcomes (always, when empty). Beyond that the boundary is only held constant, and on VGG
     * the polish's misses were such plans (fc1 in 4x32 or 8x16 blocks, area 128, calibrated on areas
     * 1-4: one-shot damage near 0, fine-tuned 0.3-0.9 points under the floor).
     */
    public boolean covers(BlockShape block) {
        if (logBoundary.isEmpty()) {
            return true;
        }
        double x = log2Area(block);
        return x >= logBoundary.firstKey() - 1 - 1e-9 && x <= logBoundary.lastKey() + 1 + 1e-9;
    }

    /** A layer's raw damage in calibrated units (1 = at the budget, for a uniform plan). */
    public double calibrated(BlockShape block, double rawDamage) {
        return rawDamage / boundary(block);
    }

    /** The boundaries learnt, by block area, e.g. {"1": 1.091, "8": 1.878}. */
    public Map<String, Double> boundaries() {
        Map<String, Double> m = new java.util.LinkedHashMap<>();
        logBoundary.forEach((a, l) -> m.put(String.valueOf(Math.round(Math.pow(2, a))), Math.exp(l)));
        return m;
    }

    public String describe() {
        if (isEmpty()) {
            return "no uniform plan met the budget: raw damage";
        }
        StringBuilder sb = new StringBuilder("budget boundary of the summed one-shot damage by block area:");
        boundaries().forEach((a, b) -> sb.append(String.format(Locale.ROOT, " %s -> %.3f", a, b)));
        return sb.toString();
    }

    private static double log2Area(BlockShape b) {
        return Math.log((double) b.rows() * b.cols()) / Math.log(2);
    }
}
