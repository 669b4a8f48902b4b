package org.pruneaug.pruning;

/**
 * Zhu &amp; Gupta (2017), "To prune, or not to prune": s_t = s_f (1 - (1 - (t - t0)/(n Δt))^3) with
 * s_i = 0 and t0 = 0. Pruning happens every Δt updates over the first {@code endFraction} of the
 * fine-tuning updates (n = {@code pruningSteps} steps), fast at first while redundant weights are
 * plentiful and slower near the target; the remaining updates recover accuracy at the final masks.
 */
public record CubicSchedule(int pruningSteps, double endFraction) implements SparsitySchedule {
    public static final CubicSchedule DEFAULT = new CubicSchedule(10, 0.75);

    public CubicSchedule {
        if (pruningSteps < 1 || !(endFraction > 0 && endFraction <= 1)) {
            throw new IllegalArgumentException("pruningSteps " + pruningSteps + ", endFraction " + endFraction);
        }
    }

    @Override
    public double fraction(int step, int total) {
        int end = Math.max(1, (int) Math.round(endFraction * total));
        if (total <= 0 || step >= end) {
            return 1.0;
        }
        int dt = Math.max(1, end / pruningSteps);
        double t = Math.min(end, (step / dt) * dt) / (double) end;
        double remaining = 1 - t;
        return 1 - remaining * remaining * remaining;
    }
}
