package org.pruneaug.inference;

import org.pruneaug.platforms.SparsePlatform;
import org.pruneaug.pruning.LayerMask;

/**
 * Where one prunable layer runs: on {@code platform}, with {@code mask}'s kept blocks (its block
 * shape is the layer's), or the whole weight when {@code mask} is null.
 */
public record Placement(SparsePlatform platform, LayerMask mask) {
    public static Placement dense(SparsePlatform platform) {
        return new Placement(platform, null);
    }
}
