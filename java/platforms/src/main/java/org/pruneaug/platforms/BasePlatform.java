package org.pruneaug.platforms;

import java.util.List;
import java.util.Optional;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.Hardware;
import org.pruneaug.nativ.BsrMatrix;
import org.pruneaug.nativ.Kernels;

/** What the platform implementations share: descriptor, host hardware, CPU-feature requirement. */
abstract class BasePlatform implements SparsePlatform {
    private final PlatformDescriptor descriptor;

    BasePlatform(PlatformDescriptor descriptor) {
        this.descriptor = descriptor;
    }

    @Override
    public final PlatformDescriptor descriptor() {
        return descriptor;
    }

    @Override
    public Hardware hardware() {
        return Hardware.host();
    }

    @Override
    public List<BlockShape> supportedBlocks() {
        if (isDense()) {
            return List.of();
        }
        List<BlockShape> explicit = descriptor.explicitBlocks();
        return explicit.isEmpty() ? BlockShape.all() : explicit;
    }

    @Override
    public final Optional<String> unavailableReason() {
        for (String feature : descriptor.requiresCpu()) {
            if (!List.of(Kernels.cpuFeatures().split(" ")).contains(feature)) {
                return Optional.of("this CPU lacks " + feature + " (has: " + Kernels.cpuFeatures() + ")");
            }
        }
        return libraryUnavailableReason();
    }

    /** Whether the library itself is usable (loaded, device present...). */
    abstract Optional<String> libraryUnavailableReason();

    /** Checks a weight/bias pair against this platform before preparing it. */
    final void checkPrepare(BsrMatrix w, float[] bias) {
        if (w == null) {
            throw new IllegalArgumentException("weight is null");
        }
        unavailableReason().ifPresent(r -> {
            throw new UnsupportedOperationException("platform " + id() + " is not available here: " + r);
        });
        if (!isDense()) {
            requireSupported(w.block());
        }
        if (bias != null && bias.length != w.rows()) {
            throw new IllegalArgumentException("bias has " + bias.length + " floats, the weight has " + w.rows() + " rows");
        }
    }

    @Override
    public String toString() {
        return id();
    }
}
