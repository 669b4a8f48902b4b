package org.pruneaug.cli;

import org.pruneaug.dl4j.TrainingBudget;
import picocli.CommandLine.Option;

/**
 * How a fine-tuning run's learning rate moves and what its targets are (mixed into the commands
 * that fine-tune: prune, search). Defaults: constant rate, plain labels (README "Fine-tuning options").
 */
public final class FineTuneOptions {
    /** The learning rate over a run ({@code --lr-schedule}). */
    enum Schedule {
        constant,
        cosine
    }

    @Option(names = "--lr-schedule", paramLabel = "S",
            description = "Fine-tuning learning rate over the run: constant or cosine (decays to 0; default: ${DEFAULT-VALUE}).")
    Schedule schedule = Schedule.constant;

    @Option(names = "--distill", paramLabel = "W",
            description = "Weight in [0, 1) of the dense model's own probabilities in the fine-tuning targets"
                    + " (knowledge distillation; default: ${DEFAULT-VALUE}).")
    double distill;

    /** {@code budget} with this schedule and distillation weight (checked by TrainingBudget). */
    TrainingBudget applyTo(TrainingBudget budget) {
        return budget.withCosine(schedule == Schedule.cosine).withDistill(distill);
    }
}
