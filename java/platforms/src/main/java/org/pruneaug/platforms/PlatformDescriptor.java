package org.pruneaug.platforms;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.List;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;

/**
 * A platform as data: the content of {@code platforms/<id>/platform.json}. Adding a platform is one
 * such file whose {@code implementation} names one of the classes {@link Platforms} knows (plus, for
 * a new kind of library, one small class).
 *
 * @param implementation  "pruneaug-cpu", "mkl-sparse", "dense-blas" or "pruneaug-cuda"
 * @param library         the library it runs, for people ("libpruneaug", "mkl", "openblas", ...)
 * @param kernelIsas      pruneaug-cpu: registry ISAs in fallback order (first available kernel wins)
 * @param blas            dense-blas: "openblas" or "mkl"
 * @param requiresCpu     CPU features (as the kernel library reports them) without which it is unavailable
 * @param blocks          supported block shapes "RxC"; ["all"] = every shape the kernels have; ["dense"] = a
 *                        dense baseline, which ignores the block structure
 * @param defaultPriority the available platform with the highest priority is the default
 */
public record PlatformDescriptor(
        String id,
        String description,
        String implementation,
        String library,
        @JsonProperty("kernel_isas") List<String> kernelIsas,
        String blas,
        @JsonProperty("requires_cpu") List<String> requiresCpu,
        List<String> blocks,
        DensityRange density,
        Threads threads,
        @JsonProperty("default_priority") int defaultPriority) {

    public static final String DENSE = "dense";
    public static final String ALL = "all";

    /** Densities (fraction of blocks kept) the platform accepts. */
    public record DensityRange(double min, double max) {
    }

    /** Thread counts; 0 means "the cores of this machine". */
    public record Threads(@JsonProperty("default") int defaultCount, int max) {
    }

    public PlatformDescriptor {
        kernelIsas = kernelIsas == null ? List.of() : List.copyOf(kernelIsas);
        requiresCpu = requiresCpu == null ? List.of() : List.copyOf(requiresCpu);
        blocks = blocks == null ? List.of() : List.copyOf(blocks);
        density = density == null ? new DensityRange(0.0, 1.0) : density;
        threads = threads == null ? new Threads(0, 0) : threads;
    }

    /** A dense baseline: measured once per shape, block shape and density do not matter. */
    @JsonIgnore
    public boolean isDense() {
        return blocks.equals(List.of(DENSE));
    }

    /** The explicit block list, or empty for "all" and "dense". */
    @JsonIgnore
    public List<BlockShape> explicitBlocks() {
        if (isDense() || blocks.equals(List.of(ALL))) {
            return List.of();
        }
        List<BlockShape> out = new ArrayList<>();
        for (String b : blocks) {
            out.add(BlockShape.parse(b));
        }
        return out;
    }

    /** Checks what the JSON schema cannot; {@code source} names the file in messages. */
    PlatformDescriptor validate(String source) {
        if (id == null || !id.matches("[a-z0-9][a-z0-9._-]*")) {
            throw new InvalidInputException(source + ": id '" + id + "' must be lower-case letters, digits, '.', '_' or '-'");
        }
        if (implementation == null || implementation.isBlank()) {
            throw new InvalidInputException(source + ": no implementation given");
        }
        if (blocks.isEmpty()) {
            throw new InvalidInputException(source + ": no block shapes given (use [\"all\"] or [\"dense\"])");
        }
        try {
            explicitBlocks();
        } catch (InvalidInputException e) {
            throw new InvalidInputException(source + ": " + e.getMessage());
        }
        if (!(density.min() >= 0 && density.min() <= density.max() && density.max() <= 1)) {
            throw new InvalidInputException(source + ": density range [" + density.min() + ", " + density.max()
                    + "] must lie in [0, 1]");
        }
        if (threads.defaultCount() < 0 || threads.max() < 0) {
            throw new InvalidInputException(source + ": thread counts must be >= 0 (0 = all cores)");
        }
        return this;
    }
}
