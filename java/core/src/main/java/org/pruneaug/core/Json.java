package org.pruneaug.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The one JSON mapper of the project, and atomic JSON files. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private Json() {
    }

    public static String toString(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise " + value.getClass().getSimpleName(), e);
        }
    }

    /** Writes value as JSON to a temporary file, then renames it onto target. */
    public static void write(Path target, Object value) {
        AtomicFiles.write(target, out -> MAPPER.writeValue(out, value));
    }

    /** Reads a JSON file; a missing or malformed file is an {@link InvalidInputException}. */
    public static <T> T read(Path file, Class<T> type, String what) {
        try {
            return MAPPER.readValue(Files.readAllBytes(file), type);
        } catch (NoSuchFileException e) {
            throw new InvalidInputException(what + " " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidInputException(what + " " + file + " is not valid: " + firstLine(e.getMessage()));
        }
    }

    static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
