package org.pruneaug.dl4j;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import org.pruneaug.core.InvalidInputException;
import org.pruneaug.core.Json;

/**
 * The JSON document PruneAug stores inside a model zip (entry {@value Models#METADATA_ENTRY}),
 * made of named sections: "training" (how the dense model was trained), "pruning" (per-layer block
 * shape and sparsity, written by the pruning module), and whatever later stages add. Immutable:
 * {@link #with} returns a copy.
 */
public final class ModelMetadata {
    private final ObjectNode root;

    private ModelMetadata(ObjectNode root) {
        this.root = root;
    }

    public static ModelMetadata empty() {
        return new ModelMetadata(Json.MAPPER.createObjectNode());
    }

    static ModelMetadata parse(byte[] json, String where) {
        try {
            JsonNode node = Json.MAPPER.readTree(json);
            if (!(node instanceof ObjectNode obj)) {
                throw new InvalidInputException(where + ": " + Models.METADATA_ENTRY + " is not a JSON object");
            }
            return new ModelMetadata(obj);
        } catch (java.io.IOException e) {
            throw new InvalidInputException(where + ": " + Models.METADATA_ENTRY + " is not valid JSON");
        }
    }

    public ModelMetadata with(String section, Object value) {
        ObjectNode copy = root.deepCopy();
        copy.set(section, Json.MAPPER.valueToTree(value));
        return new ModelMetadata(copy);
    }

    public ModelMetadata without(String section) {
        ObjectNode copy = root.deepCopy();
        copy.remove(section);
        return new ModelMetadata(copy);
    }

    public <T> Optional<T> get(String section, Class<T> type) {
        JsonNode node = root.get(section);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Json.MAPPER.treeToValue(node, type));
        } catch (java.io.IOException e) {
            throw new InvalidInputException("model metadata section '" + section + "' is not valid: " + e.getMessage());
        }
    }

    public boolean has(String section) {
        return root.has(section);
    }

    byte[] toBytes() {
        return Json.toString(root).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return Json.toString(root);
    }
}
