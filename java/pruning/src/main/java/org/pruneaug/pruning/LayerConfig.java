package org.pruneaug.pruning;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pruneaug.core.BlockShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Json;
import org.pruneaug.core.LayerAssignment;

/**
 * A per-layer pruning plan in a JSON file: {@code {"layers": [{"layer": "conv2", "block": "4x4",
 * "sparsity": 0.9}, ...]}} or the bare array. Names are checked against the model by
 * {@link Pruning#checkPlan}.
 */
public final class LayerConfig {
    private LayerConfig() {
    }

    public static List<LayerAssignment> read(Path file) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new InvalidInputException("layer config " + file + " does not exist");
        } catch (IOException e) {
            throw new InvalidInputException("layer config " + file + " is not valid JSON: " + firstLine(e.getMessage()));
        }
        JsonNode list = root != null && root.isObject() ? root.get("layers") : root;
        if (list == null || !list.isArray()) {
            throw new InvalidInputException("layer config " + file
                    + " must be {\"layers\": [{\"layer\": NAME, \"block\": \"RxC\", \"sparsity\": S}, ...]}");
        }
        List<LayerAssignment> out = new ArrayList<>();
        for (JsonNode e : list) {
            JsonNode name = e.get("layer");
            JsonNode block = e.get("block");
            JsonNode sparsity = e.get("sparsity");
            if (name == null || !name.isTextual() || sparsity == null || !sparsity.isNumber()
                    || (block != null && !block.isTextual())) {
                throw new InvalidInputException("layer config " + file + ": entry " + e
                        + " needs \"layer\" (string), \"sparsity\" (number) and optionally \"block\" (\"RxC\")");
            }
            BlockShape b = block == null ? BlockShape.UNSTRUCTURED : BlockShape.parse(block.asText());
            out.add(new LayerAssignment(name.asText(), b, sparsity.asDouble()));
        }
        return out;
    }

    /** The plan: {@code defaults} for the layers the config does not name, the config's entries for the others. */
    public static List<LayerAssignment> merge(List<LayerAssignment> defaults, List<LayerAssignment> config) {
        List<LayerAssignment> out = new ArrayList<>();
        for (LayerAssignment d : defaults) {
            if (config.stream().noneMatch(c -> c.layer().equals(d.layer()))) {
                out.add(d);
            }
        }
        out.addAll(config);
        return out;
    }

    private static String firstLine(String s) {
        String m = String.valueOf(s);
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
