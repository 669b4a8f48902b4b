package org.pruneaug.pruning;

/**
 * The fraction of each layer's final sparsity in force after fine-tuning update {@code step} of
 * {@code total} (step 0 = before the first update). Masks are recomputed whenever it changes.
 */
@FunctionalInterface
public interface SparsitySchedule {
    double fraction(int step, int total);

    /** The final masks from the start and throughout. */
    SparsitySchedule ONE_SHOT = (step, total) -> 1.0;

    default boolean gradual() {
        return fraction(0, 1) < 1.0;
    }
}
