package org.pruneaug.platforms;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.pruneaug.core.GemmShape;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Json;

/**
 * The layer GEMM shapes of a model, read from a shape list: the text format of bench/shapes/
 * ({@code name M K N} per line, '#' comments) or JSON (a list of "MxKxN" strings or of objects with
 * name, m, k, n). DL4J model zips are read by the dl4j module's GEMM view, not here.
 */
public final class LayerShapes {
    /** A named layer GEMM. */
    public record Layer(String name, GemmShape shape) {
    }

    private LayerShapes() {
    }

    public static List<Layer> read(Path file) {
        String name = file.getFileName().toString().toLowerCase(java.util.Locale.ROOT);
        if (name.endsWith(".zip")) {
            throw new InvalidInputException(file + " is a model archive: its layer shapes come from the dl4j module's"
                    + " GemmView (the CLI's --model does that); here give a shape list (.txt or .json)");
        }
        if (!Files.isRegularFile(file)) {
            throw new InvalidInputException("shape list " + file + " does not exist");
        }
        List<Layer> layers = name.endsWith(".json") ? readJson(file) : readText(file);
        if (layers.isEmpty()) {
            throw new InvalidInputException("shape list " + file + " lists no layers");
        }
        return layers;
    }

    private static List<Layer> readText(Path file) {
        List<Layer> out = new ArrayList<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidInputException("cannot read shape list " + file + ": " + e.getMessage());
        }
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).replaceAll("#.*", "").trim();
            if (line.isEmpty()) {
                continue;
            }
            String[] f = line.split("\\s+");
            if (f.length != 4) {
                throw new InvalidInputException(file + " line " + (i + 1) + ": expected 'name M K N', got '" + line + "'");
            }
            out.add(new Layer(f[0], GemmShape.parse(f[1] + "x" + f[2] + "x" + f[3])));
        }
        return out;
    }

    private static List<Layer> readJson(Path file) {
        JsonNode root = Json.read(file, JsonNode.class, "shape list");
        JsonNode list = root.isObject() && root.has("layers") ? root.get("layers") : root;
        if (!list.isArray()) {
            throw new InvalidInputException("shape list " + file + " must be a JSON list (or {\"layers\": [...]})");
        }
        List<Layer> out = new ArrayList<>();
        for (JsonNode e : list) {
            if (e.isTextual()) {
                out.add(new Layer("layer" + out.size(), GemmShape.parse(e.asText())));
            } else if (e.isObject() && e.has("m") && e.has("k") && e.has("n")) {
                out.add(new Layer(e.path("name").asText("layer" + out.size()),
                        new GemmShape(e.get("m").asInt(), e.get("k").asInt(), e.get("n").asInt())));
            } else {
                throw new InvalidInputException("shape list " + file + ": entry " + out.size()
                        + " is neither \"MxKxN\" nor {name, m, k, n}");
            }
        }
        return out;
    }
}
