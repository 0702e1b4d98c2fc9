package io.gantry.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Small readers and writers of JSON trees for strategies: absent and null fields read as
 * missing, and writers create the objects on the way.
 */
public final class Trees {

    private Trees() {
    }

    /** The text at a path of field names, or null when absent or null. */
    public static String text(JsonNode node, String... path) {
        JsonNode at = at(node, path);
        return at.isMissingNode() || at.isNull() ? null : at.asText();
    }

    /** The text at a path, or a fallback. */
    public static String textOr(JsonNode node, String fallback, String... path) {
        String text = text(node, path);
        return text == null ? fallback : text;
    }

    /** The node at a path of field names; a missing node when absent. */
    public static JsonNode at(JsonNode node, String... path) {
        JsonNode at = node;
        for (String name : path) {
            at = at.path(name);
        }
        return at;
    }

    /** True when the field is absent, null, an empty string, array or object. */
    public static boolean isEmpty(JsonNode node) {
        return node == null || node.isMissingNode() || node.isNull()
                || (node.isTextual() && node.asText().isEmpty())
                || (node.isContainerNode() && node.isEmpty());
    }

    /** The object at a path, created (and replacing a non-object) on the way. */
    public static ObjectNode object(ObjectNode node, String... path) {
        ObjectNode at = node;
        for (String name : path) {
            JsonNode child = at.get(name);
            at = child instanceof ObjectNode object ? object : at.putObject(name);
        }
        return at;
    }

    /** The array at a field, created when absent. */
    public static ArrayNode array(ObjectNode node, String field) {
        JsonNode child = node.get(field);
        return child instanceof ArrayNode array ? array : node.putArray(field);
    }

    /** The elements of an array field that are objects; empty when absent. */
    public static List<ObjectNode> objects(JsonNode node, String field) {
        List<ObjectNode> objects = new ArrayList<>();
        for (JsonNode element : node.path(field)) {
            if (element instanceof ObjectNode object) {
                objects.add(object);
            }
        }
        return objects;
    }

    /** Sets a text field when it is absent or null. */
    public static void defaultText(ObjectNode node, String field, String value) {
        JsonNode current = node.get(field);
        if (current == null || current.isNull()) {
            node.put(field, value);
        }
    }

    /** Sets a number field when it is absent or null. */
    public static void defaultLong(ObjectNode node, String field, long value) {
        JsonNode current = node.get(field);
        if (current == null || current.isNull()) {
            node.put(field, value);
        }
    }

    /** Sets a boolean field when it is absent or null. */
    public static void defaultBoolean(ObjectNode node, String field, boolean value) {
        JsonNode current = node.get(field);
        if (current == null || current.isNull()) {
            node.put(field, value);
        }
    }
}
