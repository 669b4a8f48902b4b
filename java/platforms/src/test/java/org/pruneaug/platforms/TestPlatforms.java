package org.pruneaug.platforms;

import java.nio.file.Path;

/** The repository's platform descriptors, as the tests see them (module dir is java/platforms). */
final class TestPlatforms {
    static final Path REPO_PLATFORMS = Path.of("../../platforms").toAbsolutePath().normalize();

    private static Platforms platforms;

    private TestPlatforms() {
    }

    static synchronized Platforms get() {
        if (platforms == null) {
            platforms = Platforms.load(REPO_PLATFORMS);
        }
        return platforms;
    }

    /** Quick timing for tests: they check behaviour, never the numbers (so no waiting for quiet). */
    static Profiler.Method quickMethod() {
        return new Profiler.Method(3, 1, 0.2, 1.0, Double.POSITIVE_INFINITY, 7);
    }
}
