package org.pruneaug.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import org.pruneaug.core.InvalidInputException;

/** Checks on output paths made before any work starts, so that bad input never costs a long run. */
final class CliFiles {
    private CliFiles() {
    }

    static void checkWritable(Path target, String option) {
        if (Files.isDirectory(target)) {
            throw new InvalidInputException(option + " " + target + " is a directory, expected a file path");
        }
        Path parent = target.toAbsolutePath().getParent();
        if (parent != null && Files.exists(parent) && !Files.isDirectory(parent)) {
            throw new InvalidInputException(option + " " + target + ": " + parent + " is not a directory");
        }
    }
}
