package io.gantry.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * JSON patch (RFC 6902), {@code application/json-patch+json}: a list of add, remove, replace,
 * move, copy and test operations on JSON pointers (RFC 6901: {@code ~1} for "/", {@code ~0} for
 * "~", {@code -} for the end of a list, negative indices counting from the end as kube-apiserver's
 * library allows). Errors carry the wording kube-apiserver's json-patch library gives them.
 */
public final class JsonPatch {

    public static final String MEDIA_TYPE = "application/json-patch+json";

    /** kube-apiserver's limit on the operations of one patch. */
    static final int MAX_OPERATIONS = 10_000;

    private JsonPatch() {
    }

    /**
     * The target with every operation applied in order; the target is not changed.
     *
     * @throws ApiException 400 BadRequest for a patch that is not a list of operations, 413 over
     *     10,000 operations, 422 Invalid ("the server rejected our request...") with the failing
     *     operation as the cause when an operation does not apply (a failed test, a missing path)
     */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isArray()) {
            throw ApiException.badRequest("json: cannot unmarshal "
                    + (patch == null ? "null" : kind(patch)) + " into a JSON patch: expected a list of operations");
        }
        for (JsonNode op : patch) {
            if (!op.isObject()) {
                throw ApiException.badRequest("json: cannot unmarshal " + kind(op)
                        + " into a JSON patch operation: expected an object with op, path and value");
            }
        }
        if (patch.size() > MAX_OPERATIONS) {
            throw ApiException.tooLarge("The allowed maximum operations in a JSON patch is " + MAX_OPERATIONS
                    + ", got " + patch.size());
        }
        Document doc = new Document(target.deepCopy());
        for (JsonNode op : patch) {
            doc.apply(op);
        }
        return doc.root;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case OBJECT -> "object";
            case ARRAY -> "array";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "bool";
            default -> "null";
        };
    }

    /** The document being patched, replaced as a whole by operations on the path "". */
    private static final class Document {

        JsonNode root;

        Document(JsonNode root) {
            this.root = root;
        }

        void apply(JsonNode op) {
            String kind = op.path("op").isTextual() ? op.get("op").textValue() : "unknown";
            switch (kind) {
                case "add" -> add(path(op, "path"), value(op));
                case "remove" -> remove(path(op, "path"));
                case "replace" -> replace(path(op, "path"), value(op));
                case "move" -> move(path(op, "from"), path(op, "path"));
                case "copy" -> copy(path(op, "from"), path(op, "path"));
                case "test" -> test(path(op, "path"), value(op));
                default -> throw failed("Unexpected kind: " + kind);
            }
        }

        private static String path(JsonNode op, String name) {
            JsonNode path = op.get(name);
            if (path == null || !path.isTextual()) {
                throw failed(name.equals("path") ? "operation missing path field: missing value"
                        : "operation, missing from field: missing value");
            }
            return path.textValue();
        }

        private static JsonNode value(JsonNode op) {
            JsonNode value = op.get("value");
            if (value == null) {
                throw failed("operation, missing value field: missing value");
            }
            return value;
        }

        void add(String path, JsonNode value) {
            put(path, value, "add operation does not apply: doc is missing path: \"" + path + "\": missing value",
                    "error in add for path: '" + path + "': ");
        }

        /**
         * Adds a copy of VALUE at PATH (replacing the document for ""), as add and copy both do;
         * they word their errors differently, as json-patch does.
         */
        private void put(String path, JsonNode value, String missingParent, String insertFailed) {
            if (path.isEmpty()) {
                root = value.deepCopy();
                return;
            }
            Pointer p = Pointer.parse(path);
            JsonNode container = p.container(root);
            if (container == null) {
                throw failed(missingParent);
            }
            try {
                insert(container, p.last(), value.deepCopy());
            } catch (Failure e) {
                throw failed(insertFailed + e.getMessage());
            }
        }

        void remove(String path) {
            Pointer p = Pointer.parse(path);
            JsonNode container = path.isEmpty() ? null : p.container(root);
            if (container == null) {
                throw failed("remove operation does not apply: doc is missing path: \"" + path + "\": missing value");
            }
            try {
                take(container, p.last());
            } catch (Failure e) {
                throw failed("error in remove for path: '" + path + "': " + e.getMessage());
            }
        }

        void replace(String path, JsonNode value) {
            if (path.isEmpty()) {
                root = value.deepCopy();
                return;
            }
            Pointer p = Pointer.parse(path);
            JsonNode container = p.container(root);
            if (container == null) {
                throw failed("replace operation does not apply: doc is missing path: " + path + ": missing value");
            }
            if (get(container, p.last()) == null) {
                throw failed("replace operation does not apply: doc is missing key: " + path + ": missing value");
            }
            if (container.isObject()) {
                ((ObjectNode) container).set(p.last(), value.deepCopy());
            } else {
                ((ArrayNode) container).set(index(container, p.last(), false), value.deepCopy());
            }
        }

        void move(String from, String path) {
            Pointer source = Pointer.parse(from);
            JsonNode container = from.isEmpty() ? null : source.container(root);
            if (container == null) {
                throw failed("move operation does not apply: doc is missing from path: " + from + ": missing value");
            }
            JsonNode value;
            try {
                value = take(container, source.last());
            } catch (Failure e) {
                throw failed("error in move for path: '" + source.last() + "': " + e.getMessage());
            }
            Pointer target = Pointer.parse(path);
            JsonNode destination = path.isEmpty() ? null : target.container(root);
            if (destination == null) {
                throw failed("move operation does not apply: doc is missing destination path: " + path + ": missing value");
            }
            try {
                insert(destination, target.last(), value);
            } catch (Failure e) {
                throw failed("error in move for path: '" + path + "': " + e.getMessage());
            }
        }

        void copy(String from, String path) {
            Pointer source = Pointer.parse(from);
            JsonNode value;
            if (from.isEmpty()) {
                value = root;
            } else {
                JsonNode container = source.container(root);
                if (container == null) {
                    throw failed("copy operation does not apply: doc is missing from path: " + from + ": missing value");
                }
                value = get(container, source.last());
                if (value == null) {
                    throw failed("error in copy for from: '" + from + "': Unable to get nonexistent key: "
                            + source.last() + ": missing value");
                }
            }
            put(path, value, "copy operation does not apply: doc is missing destination path: " + path + ": missing value",
                    "error while adding value during copy: ");
        }

        void test(String path, JsonNode expected) {
            JsonNode actual;
            if (path.isEmpty()) {
                actual = root;
            } else {
                Pointer p = Pointer.parse(path);
                JsonNode container = p.container(root);
                if (container == null) {
                    throw failed("test operation does not apply: is missing path: " + path + ": missing value");
                }
                actual = get(container, p.last());
            }
            boolean passes = actual == null ? expected.isNull() : JsonValues.same(actual, expected);
            if (!passes) {
                throw failed("testing value " + path + " failed: test failed");
            }
        }

        private static JsonNode get(JsonNode container, String key) {
            if (container.isObject()) {
                return container.get(key);
            }
            try {
                return container.get(index(container, key, false));
            } catch (Failure e) {
                return null;
            }
        }

        private static void insert(JsonNode container, String key, JsonNode value) {
            if (container.isObject()) {
                ((ObjectNode) container).set(key, value);
            } else if (key.equals("-")) {
                ((ArrayNode) container).add(value);
            } else {
                ((ArrayNode) container).insert(index(container, key, true), value);
            }
        }

        private static JsonNode take(JsonNode container, String key) {
            if (container.isObject()) {
                if (!container.has(key)) {
                    throw new Failure("Unable to remove nonexistent key: " + key + ": missing value");
                }
                return ((ObjectNode) container).remove(key);
            }
            return ((ArrayNode) container).remove(index(container, key, false));
        }

        /** The list index a token names; at the end is allowed when inserting. */
        private static int index(JsonNode list, String token, boolean inserting) {
            int index;
            try {
                index = Integer.parseInt(token);
            } catch (NumberFormatException e) {
                throw new Failure("value was not a proper array index: '" + token + "'");
            }
            int size = list.size();
            int limit = inserting ? size : size - 1;
            if (index > limit || index < -size) {
                throw new Failure("Unable to access invalid index: " + index + ": invalid index referenced");
            }
            return index < 0 ? index + size : index;
        }
    }

    /** A JSON pointer split into unescaped tokens. */
    private record Pointer(List<String> tokens) {

        static Pointer parse(String path) {
            List<String> tokens = new ArrayList<>();
            if (path.isEmpty()) {
                return new Pointer(tokens);
            }
            if (!path.startsWith("/")) {
                throw failed("JSON pointer must be empty or start with a \"/\": " + path);
            }
            for (String raw : path.substring(1).split("/", -1)) {
                tokens.add(raw.replace("~1", "/").replace("~0", "~"));
            }
            return new Pointer(tokens);
        }

        String last() {
            return tokens.get(tokens.size() - 1);
        }

        /** The object or list holding the last token, or null when some step is missing. */
        JsonNode container(JsonNode root) {
            JsonNode node = root;
            for (int i = 0; i < tokens.size() - 1 && node != null; i++) {
                String token = tokens.get(i);
                if (node.isObject()) {
                    node = node.get(token);
                } else if (node.isArray()) {
                    node = Document.get(node, token);
                } else {
                    return null;
                }
            }
            return node != null && (node.isObject() || node.isArray()) ? node : null;
        }
    }

    /** An operation's own failure, wrapped by the operation into the message it reports. */
    private static final class Failure extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Failure(String message) {
            super(message, null, false, false);
        }
    }

    private static ApiException failed(String why) {
        return ApiException.invalidPatch(why);
    }
}
