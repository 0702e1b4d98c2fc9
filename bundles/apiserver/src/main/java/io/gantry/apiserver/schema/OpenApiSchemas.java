package io.gantry.apiserver.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.gantry.apiserver.patch.MergeExtensions;
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.Deque;
import java.util.Map;
import java.util.TreeMap;

/**
 * OpenAPI schemas of protobuf messages, named as Kubernetes names its definitions
 * ({@code io.k8s.api.core.v1.PodSpec}) and shaped like kube-openapi's: special apimachinery
 * types as their JSON form, embedded structs flattened, {@code x-kubernetes-group-version-kind}
 * on kinds, and the merge tags of lists and maps that kubectl's client-side apply reads. The
 * descriptors carry no documentation, so there are no descriptions.
 */
final class OpenApiSchemas {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** Swagger 2.0 and OpenAPI 3.0 differ in where definitions live and in oneOf. */
    enum Flavor {
        V2("#/definitions/"), V3("#/components/schemas/");

        final String refPrefix;

        Flavor(String refPrefix) {
            this.refPrefix = refPrefix;
        }
    }

    private final Flavor flavor;

    OpenApiSchemas(Flavor flavor) {
        this.flavor = flavor;
    }

    /** A reference to a message's definition. */
    ObjectNode ref(Descriptor message) {
        return NODES.objectNode().put("$ref", flavor.refPrefix + Schemas.definitionName(message));
    }

    /**
     * The definitions of some messages and of every message they reach, sorted by name.
     *
     * @param kinds the group-version-kinds of each root that is a kind (several for DeleteOptions)
     */
    Map<String, ObjectNode> definitions(Collection<Descriptor> roots, Map<Descriptor, ArrayNode> kinds) {
        Map<String, ObjectNode> definitions = new TreeMap<>();
        Deque<Descriptor> pending = new ArrayDeque<>(roots);
        while (!pending.isEmpty()) {
            Descriptor message = pending.poll();
            String name = Schemas.definitionName(message);
            if (definitions.containsKey(name)) {
                continue;
            }
            ObjectNode definition = definition(message, pending);
            ArrayNode gvks = kinds.get(message);
            if (gvks != null) {
                ObjectNode properties = (ObjectNode) definition.get("properties");
                ObjectNode withTypeMeta = NODES.objectNode();
                withTypeMeta.set("apiVersion", NODES.objectNode().put("type", "string"));
                withTypeMeta.set("kind", NODES.objectNode().put("type", "string"));
                withTypeMeta.setAll(properties);
                definition.set("properties", withTypeMeta);
                definition.set("x-kubernetes-group-version-kind", gvks);
            }
            definitions.put(name, definition);
        }
        return definitions;
    }

    private ObjectNode definition(Descriptor message, Deque<Descriptor> pending) {
        switch (JsonShape.of(message)) {
            case TIME:
            case MICRO_TIME:
                return NODES.objectNode().put("type", "string").put("format", "date-time");
            case DURATION:
                return NODES.objectNode().put("type", "string");
            case INT_OR_STRING:
                return flavor == Flavor.V2 ? NODES.objectNode().put("type", "string").put("format", "int-or-string")
                        : oneOf("integer", "string").put("format", "int-or-string").put("x-kubernetes-int-or-string", true);
            case QUANTITY:
                return flavor == Flavor.V2 ? NODES.objectNode().put("type", "string") : oneOf("string", "number");
            case RAW_EXTENSION:
            case FIELDS_V1:
                return NODES.objectNode().put("type", "object");
            default:
                ObjectNode properties = NODES.objectNode();
                addProperties(message, properties, pending);
                ObjectNode definition = NODES.objectNode().put("type", "object");
                definition.set("properties", properties);
                return definition;
        }
    }

    private void addProperties(Descriptor message, ObjectNode properties, Deque<Descriptor> pending) {
        for (FieldDescriptor field : message.getFields()) {
            if (JsonShape.inline(field)) {
                addProperties(field.getMessageType(), properties, pending);
            } else if (field.isMapField()) {
                ObjectNode map = NODES.objectNode().put("type", "object");
                map.set("additionalProperties", element(field.getMessageType().findFieldByNumber(2), pending));
                MergeExtensions.addTo(map, message.getFullName(), field.getName(), true);
                properties.set(field.getName(), map);
            } else if (field.isRepeated()) {
                ObjectNode array = NODES.objectNode().put("type", "array");
                array.set("items", element(field, pending));
                MergeExtensions.addTo(array, message.getFullName(), field.getName(), false);
                properties.set(field.getName(), array);
            } else {
                properties.set(field.getName(), element(field, pending));
            }
        }
    }

    private ObjectNode element(FieldDescriptor field, Deque<Descriptor> pending) {
        switch (field.getJavaType()) {
            case MESSAGE:
                pending.add(field.getMessageType());
                return ref(field.getMessageType());
            case STRING:
                return NODES.objectNode().put("type", "string");
            case BYTE_STRING:
                return NODES.objectNode().put("type", "string").put("format", "byte");
            case BOOLEAN:
                return NODES.objectNode().put("type", "boolean");
            case INT:
                return NODES.objectNode().put("type", "integer").put("format", "int32");
            case LONG:
                return NODES.objectNode().put("type", "integer").put("format", "int64");
            case FLOAT:
            case DOUBLE:
                return NODES.objectNode().put("type", "number").put("format", "double");
            default:
                return NODES.objectNode().put("type", "string");
        }
    }

    private static ObjectNode oneOf(String... types) {
        ObjectNode schema = NODES.objectNode();
        ArrayNode oneOf = schema.putArray("oneOf");
        for (String type : types) {
            oneOf.addObject().put("type", type);
        }
        return schema;
    }
}
