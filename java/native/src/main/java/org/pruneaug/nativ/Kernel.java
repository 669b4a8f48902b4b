package org.pruneaug.nativ;

import org.pruneaug.core.BlockShape;

/**
 * One row of libpruneaug's kernel registry. {@code index} is only valid in this process (the registry
 * grows as ISAs are added); look kernels up by (isa, block) through {@link Kernels}.
 *
 * @param name      e.g. {@code f32_bsrmm_b8x8__avx2}
 * @param isa       "ref", "generic", "avx2", ...
 * @param available whether this CPU can run it
 */
public record Kernel(int index, String name, String isa, BlockShape block, boolean available) {
}
