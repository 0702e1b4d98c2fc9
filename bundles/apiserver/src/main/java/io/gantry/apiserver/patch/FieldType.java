package io.gantry.apiserver.patch;

import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The type of one node of a Kubernetes object, as the patch code needs it: a struct (a protobuf
 * message, fields by JSON name), a map, a list with its merge rules, a scalar, or untyped JSON.
 * Built from the protobuf descriptors of client-java-proto plus the struct tags in
 * {@link FieldTags}, so the JSON tree alone says how each list merges.
 */
final class FieldType {

    enum Shape { STRUCT, MAP, LIST, SCALAR, UNTYPED }

    /** Messages that JSON shows as one scalar value (a string or number). */
    private static final Set<String> SCALAR_MESSAGES = Set.of(
            "k8s.io.apimachinery.pkg.apis.meta.v1.Time",
            "k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime",
            "k8s.io.apimachinery.pkg.apis.meta.v1.Duration",
            "k8s.io.apimachinery.pkg.util.intstr.IntOrString",
            "k8s.io.apimachinery.pkg.api.resource.Quantity");

    /** Messages that carry arbitrary JSON, merged and owned as one value. */
    private static final Set<String> UNTYPED_MESSAGES = Set.of(
            "k8s.io.apimachinery.pkg.runtime.RawExtension",
            "k8s.io.apimachinery.pkg.apis.meta.v1.FieldsV1",
            "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSON");

    private static final FieldTags TAGS = FieldTags.load();
    private static final Map<String, FieldType> ROOTS = new ConcurrentHashMap<>();

    static final FieldType UNKNOWN = new FieldType(Shape.UNTYPED, null, FieldTags.Tag.NONE, null);
    private static final FieldType SCALAR = new FieldType(Shape.SCALAR, null, FieldTags.Tag.NONE, null);

    private final Shape shape;
    private final Descriptor message;
    private final FieldTags.Tag tag;
    private final FieldType element;
    private final Map<String, FieldType> children = new ConcurrentHashMap<>();

    private FieldType(Shape shape, Descriptor message, FieldTags.Tag tag, FieldType element) {
        this.shape = shape;
        this.message = message;
        this.tag = tag;
        this.element = element;
    }

    /** The type of a whole object of the kind whose top-level message this is. */
    static FieldType of(Descriptor kind) {
        return ROOTS.computeIfAbsent(kind.getFullName(), n -> struct(kind, FieldTags.Tag.NONE));
    }

    private static FieldType struct(Descriptor message, FieldTags.Tag fieldTag) {
        if (SCALAR_MESSAGES.contains(message.getFullName())) {
            return SCALAR;
        }
        if (UNTYPED_MESSAGES.contains(message.getFullName())) {
            return UNKNOWN;
        }
        boolean atomic = fieldTag.atomic() || TAGS.self(message.getFullName()).atomic();
        return new FieldType(Shape.STRUCT, message, atomic ? withAtomic(fieldTag) : fieldTag, null);
    }

    private static FieldTags.Tag withAtomic(FieldTags.Tag t) {
        return new FieldTags.Tag(t.patchStrategy(), t.patchMergeKey(), t.listType(), t.listKeys(), true,
                t.defaultValue(), t.valueStruct(), t.nullWhenZero());
    }

    private static FieldType ofField(FieldDescriptor field, FieldTags.Tag tag) {
        if (field.isMapField()) {
            FieldDescriptor value = field.getMessageType().findFieldByName("value");
            return new FieldType(Shape.MAP, null, tag, single(value, FieldTags.Tag.NONE));
        }
        if (field.isRepeated()) {
            return new FieldType(Shape.LIST, null, tag, single(field, FieldTags.Tag.NONE));
        }
        return single(field, tag);
    }

    private static FieldType single(FieldDescriptor field, FieldTags.Tag tag) {
        if (field.getType() == FieldDescriptor.Type.MESSAGE) {
            return struct(field.getMessageType(), tag);
        }
        return SCALAR;
    }

    Shape shape() {
        return shape;
    }

    /** The type of a member: a struct's field by JSON name, a map's values; UNKNOWN otherwise. */
    FieldType child(String key) {
        return switch (shape) {
            case STRUCT -> children.computeIfAbsent(key, this::lookUp);
            case MAP -> element;
            default -> UNKNOWN;
        };
    }

    /** The type of a list's items. */
    FieldType element() {
        return shape == Shape.LIST ? element : UNKNOWN;
    }

    private FieldType lookUp(String key) {
        FieldType found = lookUp(message, key);
        return found == null ? UNKNOWN : found;
    }

    private static FieldType lookUp(Descriptor in, String key) {
        FieldDescriptor field = in.findFieldByName(key);
        if (field != null) {
            return ofField(field, TAGS.field(in.getFullName(), key));
        }
        for (String inline : TAGS.inlined(in.getFullName())) {
            FieldDescriptor embedded = in.findFieldByName(inline);
            if (embedded != null && embedded.getType() == FieldDescriptor.Type.MESSAGE) {
                FieldType found = lookUp(embedded.getMessageType(), key);
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
    }

    /** The strategic-merge strategy of this field: "merge", "replace" or null (replace lists, merge maps). */
    String patchStrategy() {
        return tag.mergeStrategy();
    }

    String patchMergeKey() {
        return tag.patchMergeKey();
    }

    /** True when a strategic merge patch is meant to carry $retainKeys for this field. */
    boolean retainKeys() {
        return tag.retainKeys();
    }

    /**
     * The list's type for server-side apply: "atomic", "set" or "map", as the OpenAPI conversion
     * derives it: an explicit +listType, else a merge strategy (by key: map, without: set), else atomic.
     */
    String listType() {
        if (tag.listType() != null) {
            return tag.listType();
        }
        if ("merge".equals(tag.mergeStrategy())) {
            return tag.patchMergeKey() != null ? "map" : "set";
        }
        return "atomic";
    }

    /** The keys of a list of type map. */
    List<String> listKeys() {
        if (!tag.listKeys().isEmpty()) {
            return tag.listKeys();
        }
        return tag.patchMergeKey() == null ? List.of() : List.of(tag.patchMergeKey());
    }

    /** The default of a key field missing from a list-map item, as the schema gives it (protocol: TCP). */
    String keyDefault(String key) {
        if (shape != Shape.STRUCT) {
            return null;
        }
        return TAGS.field(message.getFullName(), key).defaultValue();
    }

    /**
     * The fields Go never omits from this struct, true for a non-pointer struct ({}), false for a
     * list, map or pointer without omitempty (null): an object decoded into Go types and written
     * back carries them even when unset, which is what the ownership of a write is computed against.
     */
    Map<String, Boolean> zeroFields() {
        if (shape != Shape.STRUCT) {
            return Map.of();
        }
        Map<String, Boolean> fields = new java.util.HashMap<>(TAGS.zeroFields(message.getFullName()));
        collectInlined(message, fields);
        return fields;
    }

    private static void collectInlined(Descriptor in, Map<String, Boolean> fields) {
        for (String inline : TAGS.inlined(in.getFullName())) {
            FieldDescriptor embedded = in.findFieldByName(inline);
            if (embedded != null && embedded.getType() == FieldDescriptor.Type.MESSAGE) {
                fields.putAll(TAGS.zeroFields(embedded.getMessageType().getFullName()));
                collectInlined(embedded.getMessageType(), fields);
            }
        }
    }

    /** True for a map or struct that server-side apply owns as one value (+mapType=atomic, +structType=atomic). */
    boolean atomic() {
        return tag.atomic();
    }

    @Override
    public String toString() {
        return shape + (message == null ? "" : " " + message.getFullName());
    }
}
