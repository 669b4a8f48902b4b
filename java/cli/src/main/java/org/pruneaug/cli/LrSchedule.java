package org.pruneaug.cli;

/** How a fine-tuning run's learning rate moves ({@code --lr-schedule}), and the fine-tuning defaults. */
enum LrSchedule {
    constant,
    cosine;

    /** Measured on VGG / Fashion-MNIST, see README "Fine-tuning". */
    static final LrSchedule DEFAULT = constant;
    static final double DEFAULT_DISTILL = 0;
}
