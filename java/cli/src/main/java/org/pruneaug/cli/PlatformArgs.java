package org.pruneaug.cli;

import org.pruneaug.core.InvalidInputException;
import org.pruneaug.platforms.Platforms;
import org.pruneaug.platforms.SparsePlatform;

/** Resolves a --platform argument: the named platform, or the default one here, and it must be usable. */
final class PlatformArgs {
    private PlatformArgs() {
    }

    static SparsePlatform available(Platforms platforms, String id) {
        SparsePlatform p = id != null ? platforms.get(id) : platforms.defaultPlatform().orElseThrow(
                () -> new InvalidInputException("no sparse platform is available here: give --platform (see 'pruneaug platforms')"));
        p.unavailableReason().ifPresent(why -> {
            throw new InvalidInputException("platform " + p.id() + " is not available here: " + why);
        });
        return p;
    }
}
