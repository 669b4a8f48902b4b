package org.pruneaug.search;

import org.pruneaug.core.BlockShape;

/**
 * One choice for one prunable layer: prune it with {@code block} at {@code sparsity} (0 = leave it
 * dense, run on the dense baseline), which the platform predicts to take {@code latencyMs} and which
 * costs {@code damage} on the cheap accuracy proxy (validation-loss increase when only this layer is
 * pruned, not fine-tuned).
 */
public record LayerOption(BlockShape block, double sparsity, double latencyMs, double damage) {
    public boolean isDense() {
        return sparsity == 0.0;
    }
}
