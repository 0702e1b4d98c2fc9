package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import java.util.Iterator;
import java.util.Map;

/**
 * The patch formats kubectl sends: JSON merge patch (RFC 7386), Kubernetes' strategic merge
 * patch (lists merged by key: containers and env by name, ports by containerPort, ...), and
 * JSON patch (RFC 6902).
 */
final class Patches {

    static final String MERGE = "application/merge-patch+json";
    static final String STRATEGIC = "application/strategic-merge-patch+json";
    static final String JSON_PATCH = "application/json-patch+json";

    /** Lists Kubernetes merges by key, by field name, and their key. */
    private static final Map<String, String> MERGE_KEYS = Map.of(
            "containers", "name",
            "initContainers", "name",
            "env", "name",
            "ports", "containerPort",
            "volumes", "name",
            "volumeMounts", "mountPath",
            "conditions", "type",
            "imagePullSecrets", "name",
            "ownerReferences", "uid");

    private Patches() {
    }

    static JsonNode apply(String type, JsonNode target, JsonNode patch) {
        return switch (type) {
            case MERGE -> merge(target, patch, false);
            case STRATEGIC -> merge(target, patch, true);
            case JSON_PATCH -> jsonPatch(target.deepCopy(), patch);
            default -> throw ApiException.unsupportedMediaType("the media type \"" + type + "\" of the patch is not "
                    + "supported: use " + STRATEGIC + ", " + MERGE + " or " + JSON_PATCH);
        };
    }

    private static JsonNode merge(JsonNode target, JsonNode patch, boolean strategic) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        if (strategic && "replace".equals(patch.path("$patch").asText())) {
            ObjectNode replaced = patch.deepCopy();
            replaced.remove("$patch");
            return replaced;
        }
        ObjectNode result = target != null && target.isObject() ? target.deepCopy() : JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String name = field.getKey();
            JsonNode value = field.getValue();
            if (strategic && name.startsWith("$")) {
                continue; // $setElementOrder, $retainKeys, $patch: ordering and retention hints
            }
            if (value.isNull()) {
                result.remove(name);
            } else if (strategic && value.isArray() && MERGE_KEYS.containsKey(name) && result.path(name).isArray()) {
                result.set(name, mergeList((ArrayNode) result.get(name), (ArrayNode) value, MERGE_KEYS.get(name)));
            } else {
                result.set(name, merge(result.get(name), value, strategic));
            }
        }
        return result;
    }

    private static ArrayNode mergeList(ArrayNode target, ArrayNode patch, String key) {
        ArrayNode result = target.deepCopy();
        for (JsonNode element : patch) {
            JsonNode id = element.get(key);
            int index = indexOf(result, key, id);
            if ("delete".equals(element.path("$patch").asText())) {
                if (index >= 0) {
                    result.remove(index);
                }
            } else if (index >= 0) {
                result.set(index, merge(result.get(index), element, true));
            } else {
                result.add(merge(null, element, true));
            }
        }
        return result;
    }

    private static int indexOf(ArrayNode list, String key, JsonNode id) {
        if (id == null) {
            return -1;
        }
        for (int i = 0; i < list.size(); i++) {
            if (id.equals(list.get(i).get(key))) {
                return i;
            }
        }
        return -1;
    }

    private static JsonNode jsonPatch(JsonNode document, JsonNode operations) {
        if (!operations.isArray()) {
            throw ApiException.badRequest("a JSON patch must be an array of operations");
        }
        JsonNode result = document;
        for (JsonNode operation : operations) {
            String op = operation.path("op").asText();
            String path = operation.path("path").asText();
            switch (op) {
                case "add", "replace" -> result = put(result, path, operation.get("value"), op.equals("add"));
                case "remove" -> result = remove(result, path);
                case "test" -> {
                    if (!operation.path("value").equals(result.at(path))) {
                        throw new ApiException(io.gantry.api.meta.v1.Status.failure(422, "Invalid",
                                "the test operation of the JSON patch failed at " + path));
                    }
                }
                default -> throw ApiException.badRequest("the JSON patch operation \"" + op + "\" is not supported");
            }
        }
        return result;
    }

    private static JsonNode put(JsonNode document, String path, JsonNode value, boolean add) {
        if (path.isEmpty()) {
            return value;
        }
        JsonNode parent = document.at(parentOf(path));
        String last = lastOf(path);
        if (parent.isObject()) {
            if (!add && !parent.has(last)) {
                throw ApiException.badRequest("the JSON patch cannot replace " + path + ": it does not exist");
            }
            ((ObjectNode) parent).set(last, value);
        } else if (parent.isArray()) {
            ArrayNode array = (ArrayNode) parent;
            if (last.equals("-")) {
                array.add(value);
            } else if (add) {
                array.insert(Integer.parseInt(last), value);
            } else {
                array.set(Integer.parseInt(last), value);
            }
        } else {
            throw ApiException.badRequest("the JSON patch path " + path + " does not exist");
        }
        return document;
    }

    private static JsonNode remove(JsonNode document, String path) {
        JsonNode parent = document.at(parentOf(path));
        String last = lastOf(path);
        if (parent.isObject() && parent.has(last)) {
            ((ObjectNode) parent).remove(last);
        } else if (parent.isArray()) {
            ((ArrayNode) parent).remove(Integer.parseInt(last));
        } else {
            throw ApiException.badRequest("the JSON patch cannot remove " + path + ": it does not exist");
        }
        return document;
    }

    private static String parentOf(String path) {
        return path.substring(0, path.lastIndexOf('/'));
    }

    private static String lastOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1).replace("~1", "/").replace("~0", "~");
    }
}
