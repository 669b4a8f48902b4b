package org.pruneaug.pruning;

/**
 * Gradual magnitude pruning (Zhu &amp; Gupta 2017): magnitude scores, re-evaluated on the current
 * weights at every step of the cubic schedule during fine-tuning. Without fine-tuning it is
 * one-shot magnitude pruning at the final sparsity (which is also its cheap fidelity).
 */
public final class GradualMagnitudePruner extends MagnitudePruner {
    private final CubicSchedule schedule;

    public GradualMagnitudePruner() {
        this(CubicSchedule.DEFAULT);
    }

    public GradualMagnitudePruner(CubicSchedule schedule) {
        this.schedule = schedule;
    }

    @Override
    public String id() {
        return "gmp";
    }

    @Override
    public SparsitySchedule schedule() {
        return schedule;
    }
}
