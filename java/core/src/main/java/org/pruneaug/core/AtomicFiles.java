package org.pruneaug.core;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Writes artifacts so that a reader never sees a half-written file and a failed run never destroys
 * a previous result: everything goes to a temporary file beside the target, then is renamed.
 */
public final class AtomicFiles {
    private AtomicFiles() {
    }

    /** Something that writes the whole content of a file to a stream. */
    @FunctionalInterface
    public interface StreamWriter {
        void write(OutputStream out) throws IOException;
    }

    /** Something that writes the whole content of a file at the given (temporary) path. */
    @FunctionalInterface
    public interface PathWriter {
        void write(Path tmp) throws IOException;
    }

    public static void write(Path target, StreamWriter writer) {
        writeVia(target, tmp -> {
            try (OutputStream out = Files.newOutputStream(tmp)) {
                writer.write(out);
            }
        });
    }

    public static void writeString(Path target, String content) {
        write(target, out -> out.write(content.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** For libraries that insist on writing to a path themselves (e.g. DL4J's ModelSerializer). */
    public static void writeVia(Path target, PathWriter writer) {
        Path abs = target.toAbsolutePath();
        Path dir = abs.getParent();
        Path tmp = null;
        try {
            Files.createDirectories(dir);
            tmp = Files.createTempFile(dir, "." + abs.getFileName() + ".", ".tmp");
            writer.write(tmp);
            try {
                Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
            }
            tmp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // best effort: the temporary file is hidden and named after the target
                }
            }
        }
    }
}
