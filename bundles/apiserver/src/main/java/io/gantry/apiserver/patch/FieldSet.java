package io.gantry.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Consumer;

/**
 * A set of field paths, as managedFields records them in the FieldsV1 format: path elements
 * {@code f:<field>}, {@code k:<list-map key as JSON>}, {@code v:<set value as JSON>},
 * {@code i:<index>}; a node's own membership is {@code "."}. A path is in the set when its last
 * element is a member of the node its prefix leads to (structured-merge-diff's fieldpath.Set).
 *
 * <p>A set is built by {@link #insert} (or read) and not changed after: the operations make new
 * sets that share the subtrees they leave as they were. Copying them made the field ownership of
 * a create some 40 % of what the API server allocated for it (benchmarks/README.md, api-open).
 */
final class FieldSet {

    private final TreeSet<String> members = new TreeSet<>();
    private final TreeMap<String, FieldSet> children = new TreeMap<>();

    FieldSet() {
    }

    void insert(List<String> path) {
        if (path.isEmpty()) {
            return;
        }
        FieldSet node = this;
        for (int i = 0; i < path.size() - 1; i++) {
            node = node.children.computeIfAbsent(path.get(i), k -> new FieldSet());
        }
        node.members.add(path.get(path.size() - 1));
    }

    boolean has(List<String> path) {
        FieldSet node = this;
        for (int i = 0; i < path.size() - 1; i++) {
            node = node.children.get(path.get(i));
            if (node == null) {
                return false;
            }
        }
        return !path.isEmpty() && node.members.contains(path.get(path.size() - 1));
    }

    boolean hasMember(String element) {
        return members.contains(element);
    }

    /** The paths under one element, relative to it (empty when there are none). */
    FieldSet withPrefix(String element) {
        FieldSet child = children.get(element);
        return child == null ? new FieldSet() : child;
    }

    boolean isEmpty() {
        if (!members.isEmpty()) {
            return false;
        }
        for (FieldSet child : children.values()) {
            if (!child.isEmpty()) {
                return false;
            }
        }
        return true;
    }

    FieldSet union(FieldSet other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        FieldSet result = new FieldSet();
        result.members.addAll(members);
        result.members.addAll(other.members);
        result.children.putAll(children);
        other.children.forEach((pe, child) -> result.children.merge(pe, child, FieldSet::union));
        return result;
    }

    /** Members of this set not in the other, node by node (not the other's whole subtrees). */
    FieldSet difference(FieldSet other) {
        if (other.isEmpty()) {
            return this;
        }
        FieldSet result = new FieldSet();
        for (String member : members) {
            if (!other.members.contains(member)) {
                result.members.add(member);
            }
        }
        children.forEach((pe, child) -> {
            FieldSet theirs = other.children.get(pe);
            result.children.put(pe, theirs == null ? child : child.difference(theirs));
        });
        return result;
    }

    FieldSet intersection(FieldSet other) {
        FieldSet result = new FieldSet();
        for (String member : members) {
            if (other.members.contains(member)) {
                result.members.add(member);
            }
        }
        children.forEach((pe, child) -> {
            FieldSet theirs = other.children.get(pe);
            if (theirs != null) {
                result.children.put(pe, child.intersection(theirs));
            }
        });
        return result;
    }

    /**
     * This set plus, as members, every struct field that has children here, so that removing
     * the set removes such a field whole (fieldpath.Set's EnsureNamedFieldsAreMembers).
     */
    FieldSet withNamedFieldsAsMembers(FieldType type) {
        FieldSet result = new FieldSet();
        result.members.addAll(members);
        children.forEach((pe, child) -> {
            if (pe.startsWith("f:") && type.shape() == FieldType.Shape.STRUCT
                    && type.child(pe.substring(2)) != FieldType.UNKNOWN) {
                result.members.add(pe);
            }
            result.children.put(pe, child.withNamedFieldsAsMembers(childType(type, pe)));
        });
        return result;
    }

    static FieldType childType(FieldType type, String pe) {
        return pe.startsWith("f:") ? type.child(pe.substring(2)) : type.element();
    }

    /** Every member path, members of a node before its children's. */
    void forEachPath(Consumer<List<String>> action) {
        forEachPath(new ArrayList<>(), action);
    }

    private void forEachPath(List<String> prefix, Consumer<List<String>> action) {
        for (String member : members) {
            List<String> path = new ArrayList<>(prefix);
            path.add(member);
            action.accept(path);
        }
        children.forEach((pe, child) -> {
            List<String> path = new ArrayList<>(prefix);
            path.add(pe);
            child.forEachPath(path, action);
        });
    }

    /** The FieldsV1 JSON of this set. */
    ObjectNode toFieldsV1() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        TreeMap<String, JsonNode> entries = new TreeMap<>();
        for (String member : members) {
            entries.put(member, JsonNodeFactory.instance.objectNode());
        }
        children.forEach((pe, child) -> {
            if (child.isEmpty()) {
                return;
            }
            ObjectNode node = child.toFieldsV1();
            if (members.contains(pe)) {
                ObjectNode withSelf = JsonNodeFactory.instance.objectNode();
                withSelf.set(".", JsonNodeFactory.instance.objectNode());
                withSelf.setAll(node);
                node = withSelf;
            }
            entries.put(pe, node);
        });
        entries.forEach(out::set);
        return out;
    }

    /** Reads FieldsV1 JSON; a malformed one is a bad request naming metadata.managedFields. */
    static FieldSet fromFieldsV1(JsonNode fields) {
        FieldSet set = new FieldSet();
        if (fields == null || fields.isNull()) {
            return set;
        }
        if (!fields.isObject()) {
            throw ApiException.badRequest("metadata.managedFields: fieldsV1 must be an object");
        }
        Iterator<Map.Entry<String, JsonNode>> entries = fields.fields();
        while (entries.hasNext()) {
            Map.Entry<String, JsonNode> entry = entries.next();
            String pe = entry.getKey();
            JsonNode value = entry.getValue();
            if (pe.equals(".")) {
                continue;
            }
            if (!(pe.startsWith("f:") || pe.startsWith("k:") || pe.startsWith("v:") || pe.startsWith("i:"))) {
                throw ApiException.badRequest("metadata.managedFields: unknown path element \"" + pe + "\" in fieldsV1");
            }
            if (value.isObject() && (value.isEmpty() || value.has("."))) {
                set.members.add(pe);
            }
            if (value.isObject() && value.size() > (value.has(".") ? 1 : 0)) {
                set.children.put(pe, fromFieldsV1(value));
            }
        }
        return set;
    }

    /** A path as kube-apiserver prints it in a conflict: {@code .spec.containers[name="web"].image}. */
    static String print(List<String> path) {
        StringBuilder out = new StringBuilder();
        for (String pe : path) {
            String body = pe.substring(2);
            switch (pe.charAt(0)) {
                case 'f' -> out.append('.').append(body);
                case 'k' -> {
                    out.append('[');
                    JsonNode key = Json.parse(body);
                    StringBuilder parts = new StringBuilder();
                    key.fields().forEachRemaining(f -> parts.append(parts.length() == 0 ? "" : ",")
                            .append(f.getKey()).append('=').append(JsonValues.print(f.getValue())));
                    out.append(parts).append(']');
                }
                case 'v' -> out.append("[=").append(JsonValues.print(Json.parse(body))).append(']');
                default -> out.append('[').append(body).append(']');
            }
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return toFieldsV1().toString();
    }

    /** Parsing of the JSON inside k: and v: elements. */
    private static final class Json {
        private static final com.fasterxml.jackson.databind.ObjectMapper MAPPER =
                new com.fasterxml.jackson.databind.ObjectMapper();

        static JsonNode parse(String text) {
            try {
                return MAPPER.readTree(text);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                return JsonNodeFactory.instance.textNode(text);
            }
        }
    }
}
