package org.pruneaug.core;

/**
 * What the search (or a user's layer config) decides for one prunable layer: its block shape and
 * the fraction of its weights to remove.
 */
public record LayerAssignment(String layer, BlockShape block, double sparsity) {
    public LayerAssignment {
        if (layer == null || layer.isBlank()) {
            throw new InvalidInputException("layer assignment without a layer name");
        }
        if (block == null) {
            throw new InvalidInputException("layer '" + layer + "' has no block shape");
        }
        checkSparsity(sparsity, "layer '" + layer + "'");
    }

    /** Sparsity must lie in [0, 1): 1 would delete the layer. */
    public static double checkSparsity(double sparsity, String what) {
        if (!(sparsity >= 0.0 && sparsity < 1.0)) {
            throw new InvalidInputException("sparsity " + sparsity + " of " + what + " is outside [0, 1)");
        }
        return sparsity;
    }
}
