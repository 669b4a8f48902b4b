package org.pruneaug.search;

import org.pruneaug.core.BlockShape;

/**
 * One choice for one layer: on the platform ({@code onPlatform}) with {@code block} at
 * {@code sparsity} (0: every block kept), or left dense on the dense baseline; predicted to take
 * {@code latencyMs} and to cost {@code damage} on the cheap accuracy proxy (validation-loss increase
 * when only this layer is pruned, not fine-tuned).
 */
public record LayerOption(BlockShape block, double sparsity, double latencyMs, double damage, boolean onPlatform) {
}
