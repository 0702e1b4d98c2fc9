package io.gantry.apiserver.patch;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The walks server-side apply makes over an object and its type (structured-merge-diff's typed
 * package): the set of fields a value sets, the comparison of two values, the merge of an applied
 * configuration into a live object, and the removal of a set of fields. Lists merge per their
 * type: atomic lists and maps as one value, list-maps by their keys, sets by value.
 */
final class TypedWalk {

    /** How a node is walked: one value, a map of fields, or a list of items. */
    private enum Form { LEAF, MAP, LIST }

    /** The fields two values differ in: added by the second, removed from the first, or changed. */
    record Comparison(FieldSet added, FieldSet removed, FieldSet modified) {
    }

    private TypedWalk() {
    }

    private static Form form(FieldType type, JsonNode value) {
        if (value == null || value.isNull()) {
            return Form.LEAF;
        }
        return switch (type.shape()) {
            case SCALAR -> Form.LEAF;
            case STRUCT, MAP -> !type.atomic() && value.isObject() ? Form.MAP : Form.LEAF;
            case LIST -> !type.listType().equals("atomic") && value.isArray() ? Form.LIST : Form.LEAF;
            case UNTYPED -> value.isObject() ? Form.MAP : Form.LEAF;
        };
    }

    private static boolean isEmpty(JsonNode value) {
        return value == null || value.isNull() || (value.isContainerNode() && value.isEmpty());
    }

    private static boolean named(FieldType type, String key) {
        return type.shape() == FieldType.Shape.STRUCT && type.child(key) != FieldType.UNKNOWN;
    }

    private static List<String> append(List<String> path, String pe) {
        List<String> result = new ArrayList<>(path.size() + 1);
        result.addAll(path);
        result.add(pe);
        return result;
    }

    /** The path element of a list item: {@code k:{...}} for a list-map, {@code v:...} for a set. */
    static String itemElement(FieldType list, JsonNode item, List<String> path) {
        if (list.listType().equals("set")) {
            if (item.isContainerNode()) {
                throw invalid(path, "expected a list of values, found " + item);
            }
            return "v:" + json(item);
        }
        if (!item.isObject()) {
            throw invalid(path, "expected a list of objects, found " + item);
        }
        TreeMap<String, JsonNode> keys = new TreeMap<>();
        for (String key : list.listKeys()) {
            JsonNode value = item.get(key);
            if (value == null || value.isNull()) {
                String fallback = list.element().keyDefault(key);
                if (fallback == null) {
                    throw invalid(path, "associative list with keys has an element that omits key field \""
                            + key + "\" (and doesn't have default value)");
                }
                value = JsonNodeFactory.instance.textNode(fallback);
            }
            keys.put(key, value);
        }
        ObjectNode key = JsonNodeFactory.instance.objectNode();
        keys.forEach(key::set);
        return "k:" + json(key);
    }

    /**
     * A value as compact JSON, the same text as {@code JsonNode.toString()} gives, written by
     * hand for strings, integers, booleans and null and objects of those (what list keys are):
     * the node's own toString sets up a serializer for each call, which was a sixth of the cost of
     * tracking the fields of a create.
     */
    static String json(JsonNode node) {
        StringBuilder out = new StringBuilder();
        return appendJson(node, out) ? out.toString() : node.toString();
    }

    private static boolean appendJson(JsonNode node, StringBuilder out) {
        if (node.isTextual()) {
            quoted(node.textValue(), out);
        } else if (node.isInt() || node.isLong()) {
            out.append(node.longValue());
        } else if (node.isBoolean()) {
            out.append(node.booleanValue());
        } else if (node.isNull()) {
            out.append("null");
        } else if (node.isObject()) {
            out.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); ) {
                Map.Entry<String, JsonNode> field = fields.next();
                if (!first) {
                    out.append(',');
                }
                first = false;
                quoted(field.getKey(), out);
                out.append(':');
                if (!appendJson(field.getValue(), out)) {
                    return false;
                }
            }
            out.append('}');
        } else {
            return false;
        }
        return true;
    }

    private static void quoted(String text, StringBuilder out) {
        out.append('"').append(JsonStringEncoder.getInstance().quoteAsString(text)).append('"');
    }

    private static ApiException invalid(List<String> path, String why) {
        return ApiException.badRequest("failed to create typed patch object: "
                + (path.isEmpty() ? "" : FieldSet.print(path) + ": ") + why);
    }

    // ---- the set of fields a value sets

    static FieldSet fieldSet(JsonNode value, FieldType type) {
        FieldSet set = new FieldSet();
        addFields(value, type, List.of(), set);
        return set;
    }

    private static void addFields(JsonNode value, FieldType type, List<String> path, FieldSet set) {
        switch (form(type, value)) {
            case LEAF -> set.insert(path);
            case LIST -> {
                Set<String> seen = new HashSet<>();
                Set<String> duplicates = new HashSet<>();
                for (JsonNode item : value) {
                    String pe = itemElement(type, item, path);
                    if (!seen.add(pe)) {
                        duplicates.add(pe);
                    }
                }
                for (JsonNode item : value) {
                    String pe = itemElement(type, item, path);
                    List<String> itemPath = append(path, pe);
                    if (!duplicates.contains(pe)) {
                        addFields(item, type.element(), itemPath, set);
                    }
                    set.insert(itemPath);
                }
            }
            case MAP -> value.fields().forEachRemaining(f -> {
                List<String> fieldPath = append(path, "f:" + f.getKey());
                addFields(f.getValue(), type.child(f.getKey()), fieldPath, set);
                if (f.getValue().isNull() || (f.getValue().isObject() && f.getValue().isEmpty())
                        || !named(type, f.getKey())) {
                    set.insert(fieldPath);
                }
            });
        }
    }

    // ---- comparison

    static Comparison compare(JsonNode left, JsonNode right, FieldType type) {
        Comparison result = new Comparison(new FieldSet(), new FieldSet(), new FieldSet());
        compare(left, right, type, List.of(), result);
        return result;
    }

    private static void compare(JsonNode left, JsonNode right, FieldType type, List<String> path, Comparison result) {
        // A JSON null stands for an empty value of whatever form the other side has (and is not
        // "missing": a null field turned into a map is not an added field, only its contents are).
        Form form;
        if (left == null || left.isNull()) {
            form = form(type, right);
        } else if (right == null || right.isNull()) {
            form = form(type, left);
        } else {
            form = form(type, left) == form(type, right) ? form(type, right) : Form.LEAF;
        }
        boolean bothEmpty = isEmpty(left) && isEmpty(right);
        if (form == Form.LEAF || bothEmpty) {
            if (left == null) {
                result.added().insert(path);
            } else if (right == null) {
                result.removed().insert(path);
            } else if (!JsonValues.same(left, right)) {
                result.modified().insert(path);
            }
            return;
        }
        if (form == Form.MAP) {
            Set<String> keys = new LinkedHashSet<>();
            if (left != null) {
                left.fieldNames().forEachRemaining(keys::add);
            }
            if (right != null) {
                right.fieldNames().forEachRemaining(keys::add);
            }
            Map<String, Boolean> zeroFields = type.zeroFields();
            keys.addAll(zeroFields.keySet());
            for (String key : keys) {
                JsonNode l = withZeroValue(left, key, zeroFields);
                JsonNode r = withZeroValue(right, key, zeroFields);
                if (l != null || r != null) {
                    compare(l, r, type.child(key), append(path, "f:" + key), result);
                }
            }
        } else {
            compareItems(left, right, type, path, result);
        }
        if (left == null) {
            result.added().insert(path);
        } else if (right == null) {
            result.removed().insert(path);
        }
    }

    /** A struct's field, or the value Go writes for it when unset ({} or null). */
    private static JsonNode withZeroValue(JsonNode object, String key, Map<String, Boolean> zeroFields) {
        if (object == null || !object.isObject()) {
            return null;
        }
        JsonNode value = object.get(key);
        if (value == null && zeroFields.containsKey(key)) {
            return zeroFields.get(key) ? JsonNodeFactory.instance.objectNode() : NullNode.getInstance();
        }
        return value;
    }

    private static void compareItems(JsonNode left, JsonNode right, FieldType type, List<String> path, Comparison result) {
        Map<String, List<JsonNode>> leftItems = new HashMap<>();
        Map<String, List<JsonNode>> rightItems = new HashMap<>();
        List<String> order = new ArrayList<>();
        if (left != null) {
            for (JsonNode item : left) {
                String pe = itemElement(type, item, path);
                if (leftItems.computeIfAbsent(pe, k -> new ArrayList<>()).size() == 0) {
                    order.add(pe);
                }
                leftItems.get(pe).add(item);
            }
        }
        if (right != null) {
            for (JsonNode item : right) {
                String pe = itemElement(type, item, path);
                List<JsonNode> list = rightItems.computeIfAbsent(pe, k -> new ArrayList<>());
                if (list.isEmpty() && !leftItems.containsKey(pe)) {
                    order.add(pe);
                }
                list.add(item);
            }
        }
        for (String pe : order) {
            List<JsonNode> l = leftItems.getOrDefault(pe, List.of());
            List<JsonNode> r = rightItems.getOrDefault(pe, List.of());
            List<String> itemPath = append(path, pe);
            if (l.size() <= 1 && r.size() <= 1) {
                compare(l.isEmpty() ? null : l.get(0), r.isEmpty() ? null : r.get(0), type.element(), itemPath, result);
            } else if (l.size() >= 2 && r.size() >= 2) {
                boolean same = l.size() == r.size();
                for (int i = 0; same && i < l.size(); i++) {
                    same = JsonValues.same(l.get(i), r.get(i));
                }
                if (!same) {
                    result.modified().insert(itemPath);
                }
            } else if (l.size() >= 2) {
                if (!r.isEmpty()) {
                    compare(null, r.get(0), type.element(), itemPath, result);
                }
                result.removed().insert(itemPath);
            } else {
                if (!l.isEmpty()) {
                    compare(l.get(0), null, type.element(), itemPath, result);
                }
                result.added().insert(itemPath);
            }
        }
    }

    // ---- merge of an applied configuration into a live object

    /** The live value with the applied one merged in; null when neither has anything. */
    static JsonNode merge(JsonNode live, JsonNode applied, FieldType type) {
        return merge(live, applied, type, List.of());
    }

    private static JsonNode merge(JsonNode live, JsonNode applied, FieldType type, List<String> path) {
        if (applied == null) {
            return live == null ? null : live.deepCopy();
        }
        Form form = form(type, applied);
        if (live == null) {
            if (form == Form.LEAF) {
                return applied.deepCopy();
            }
            // Merged into an empty value all the same, so that a bad list in the configuration
            // (an item without its key, a key twice) is reported as it would be into a live one.
            live = form == Form.MAP ? JsonNodeFactory.instance.objectNode() : JsonNodeFactory.instance.arrayNode();
        }
        if (form != form(type, live) || form == Form.LEAF || (isEmpty(live) && isEmpty(applied))) {
            return applied.deepCopy();
        }
        if (form == Form.MAP) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            Set<String> keys = new LinkedHashSet<>();
            live.fieldNames().forEachRemaining(keys::add);
            applied.fieldNames().forEachRemaining(keys::add);
            for (String key : keys) {
                JsonNode merged = merge(live.get(key), applied.get(key), type.child(key), append(path, "f:" + key));
                if (merged != null) {
                    out.set(key, merged);
                }
            }
            return out.isEmpty() ? null : out;
        }
        return mergeItems((ArrayNode) live, (ArrayNode) applied, type, path);
    }

    /**
     * Merges two granular lists item by item: the live order is kept, except that items both
     * lists have come in the applied order, and applied items new to the live list follow the
     * applied item they came after.
     */
    private static JsonNode mergeItems(ArrayNode live, ArrayNode applied, FieldType type, List<String> path) {
        List<String> rightElements = new ArrayList<>();
        Map<String, JsonNode> rightItems = new HashMap<>();
        for (JsonNode item : applied) {
            String pe = itemElement(type, item, path);
            if (rightItems.put(pe, item) != null) {
                throw invalid(path, "duplicate entries for key " + FieldSet.print(List.of(pe)));
            }
            rightElements.add(pe);
        }
        List<String> leftElements = new ArrayList<>();
        Map<String, JsonNode> leftItems = new HashMap<>();
        for (JsonNode item : live) {
            String pe = itemElement(type, item, path);
            // A duplicated live item is not merged: it stands as null against the applied one.
            leftItems.put(pe, leftItems.containsKey(pe) ? NullNode.getInstance() : item);
            leftElements.add(pe);
        }
        List<String> shared = new ArrayList<>();
        for (String pe : rightElements) {
            if (leftItems.containsKey(pe)) {
                shared.add(pe);
            }
        }
        int nextSharedIndex = 0;
        String nextShared = shared.isEmpty() ? null : shared.get(nextSharedIndex++);
        Set<String> mergedRight = new HashSet<>();
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        int l = 0;
        int r = 0;
        while (l < leftElements.size() || r < rightElements.size()) {
            if (l < leftElements.size() && r < rightElements.size()) {
                String pe = leftElements.get(l);
                if (pe.equals(rightElements.get(r))) {
                    mergedRight.add(pe);
                    addItem(out, merge(leftItems.get(pe), rightItems.get(pe), type.element(), append(path, pe)));
                    l++;
                    r++;
                    nextShared = nextSharedIndex < shared.size() ? shared.get(nextSharedIndex++) : null;
                    continue;
                }
                if (rightItems.containsKey(pe) && nextShared != null && !nextShared.equals(pe)) {
                    l++;
                    continue;
                }
            }
            if (l < leftElements.size()) {
                String pe = leftElements.get(l);
                if (!rightItems.containsKey(pe)) {
                    addItem(out, merge(live.get(l), null, type.element(), append(path, pe)));
                    l++;
                    continue;
                } else if (mergedRight.contains(pe)) {
                    l++;
                }
            }
            if (r < rightElements.size()) {
                String pe = rightElements.get(r);
                mergedRight.add(pe);
                addItem(out, merge(leftItems.get(pe), rightItems.get(pe), type.element(), append(path, pe)));
                r++;
                if (nextShared != null && nextShared.equals(pe)) {
                    nextShared = nextSharedIndex < shared.size() ? shared.get(nextSharedIndex++) : null;
                }
            }
        }
        return out.isEmpty() ? null : out;
    }

    private static void addItem(ArrayNode out, JsonNode item) {
        if (item != null) {
            out.add(item);
        }
    }

    // ---- removal of a set of fields

    /** The value without the fields the set names (whole members; children by descent). */
    static JsonNode removeItems(JsonNode value, FieldSet toRemove, FieldType type) {
        Form form = form(type, value);
        if (form == Form.LEAF || isEmpty(value)) {
            return value;
        }
        if (form == Form.MAP) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            value.fields().forEachRemaining(f -> {
                String pe = "f:" + f.getKey();
                if (toRemove.hasMember(pe)) {
                    return;
                }
                FieldSet below = toRemove.withPrefix(pe);
                out.set(f.getKey(), below.isEmpty() ? f.getValue() : removeItems(f.getValue(), below, type.child(f.getKey())));
            });
            // As structured-merge-diff does, a map emptied this way keeps its original value.
            return out.isEmpty() ? value : out;
        }
        ArrayNode out = JsonNodeFactory.instance.arrayNode();
        for (JsonNode item : value) {
            String pe = itemElement(type, item, List.of());
            if (toRemove.hasMember(pe)) {
                continue;
            }
            FieldSet below = toRemove.withPrefix(pe);
            out.add(below.isEmpty() ? item : removeItems(item, below, type.element()));
        }
        return out.isEmpty() ? value : out;
    }
}
