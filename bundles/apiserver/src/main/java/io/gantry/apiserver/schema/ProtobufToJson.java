package io.gantry.apiserver.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.gantry.api.client.ApiException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;

/**
 * A Kubernetes protobuf message as the JSON tree Go's encoding/json writes for the same object,
 * found by walking its descriptor: special apimachinery types in their JSON form, embedded
 * structs inline, unset fields, empty lists and maps, and the zeros of omitempty fields left out.
 */
final class ProtobufToJson {

    /** Time keeps seconds only, as metav1.Time's own protobuf decoding does. */
    static final DateTimeFormatter RFC3339 = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'")
            .withZone(ZoneOffset.UTC);
    static final DateTimeFormatter RFC3339_MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(ZoneOffset.UTC);

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ObjectMapper mapper;

    ProtobufToJson(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** The fields of a message as a JSON object. */
    ObjectNode object(Message message) {
        ObjectNode object = NODES.objectNode();
        addFields(object, message);
        return object;
    }

    private void addFields(ObjectNode object, Message message) {
        for (FieldDescriptor field : message.getDescriptorForType().getFields()) {
            if (field.isMapField()) {
                if (message.getRepeatedFieldCount(field) > 0) {
                    object.set(field.getName(), map(field, message));
                }
            } else if (field.isRepeated()) {
                if (message.getRepeatedFieldCount(field) > 0) {
                    ArrayNode array = object.putArray(field.getName());
                    for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
                        array.add(orNull(value(field, message.getRepeatedField(field, i))));
                    }
                }
            } else if (message.hasField(field)) {
                if (JsonShape.inline(field)) {
                    addFields(object, (Message) message.getField(field));
                    continue;
                }
                Object raw = message.getField(field);
                if (field.getJavaType() != FieldDescriptor.JavaType.MESSAGE && GoOmitEmpty.omitted(field, raw)) {
                    continue;
                }
                JsonNode value = value(field, raw);
                if (value != null) {
                    object.set(field.getName(), value);
                }
            }
        }
    }

    private ObjectNode map(FieldDescriptor field, Message message) {
        Descriptor entry = field.getMessageType();
        FieldDescriptor key = entry.findFieldByNumber(1);
        FieldDescriptor value = entry.findFieldByNumber(2);
        ObjectNode map = NODES.objectNode();
        for (int i = 0; i < message.getRepeatedFieldCount(field); i++) {
            Message pair = (Message) message.getRepeatedField(field, i);
            map.set(String.valueOf(pair.getField(key)), orNull(value(value, pair.getField(value))));
        }
        return map;
    }

    /** One value in its JSON form; null where Go writes null (a zero Time, an empty RawExtension). */
    private JsonNode value(FieldDescriptor field, Object value) {
        switch (field.getJavaType()) {
            case MESSAGE:
                return message((Message) value);
            case BYTE_STRING:
                return NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) value).toByteArray()));
            case STRING:
                return NODES.textNode((String) value);
            case BOOLEAN:
                return NODES.booleanNode((Boolean) value);
            case INT:
                return NODES.numberNode((Integer) value);
            case LONG:
                return NODES.numberNode((Long) value);
            case FLOAT:
                return NODES.numberNode((Float) value);
            case DOUBLE:
                return NODES.numberNode((Double) value);
            default:
                return NODES.textNode(String.valueOf(value));
        }
    }

    private JsonNode message(Message message) {
        Descriptor type = message.getDescriptorForType();
        switch (JsonShape.of(type)) {
            case TIME: {
                Long seconds = setLong(message, "seconds");
                return seconds == null ? null : NODES.textNode(RFC3339.format(Instant.ofEpochSecond(seconds)));
            }
            case MICRO_TIME: {
                Long seconds = setLong(message, "seconds");
                if (seconds == null) {
                    return null;
                }
                Object nanos = message.getField(type.findFieldByName("nanos"));
                long micros = ((Integer) nanos) / 1000 * 1000L;
                return NODES.textNode(RFC3339_MICRO.format(Instant.ofEpochSecond(seconds, micros)));
            }
            case DURATION:
                return NODES.textNode(GoDuration.format((Long) message.getField(type.findFieldByName("duration"))));
            case INT_OR_STRING: {
                long kind = (Long) message.getField(type.findFieldByName("type"));
                return kind == 1 ? NODES.textNode((String) message.getField(type.findFieldByName("strVal")))
                        : NODES.numberNode((Integer) message.getField(type.findFieldByName("intVal")));
            }
            case QUANTITY:
                return NODES.textNode((String) message.getField(type.findFieldByName("string")));
            case RAW_EXTENSION:
                return rawJson((ByteString) message.getField(type.findFieldByName("raw")));
            case FIELDS_V1:
                return rawJson((ByteString) message.getField(type.findFieldByName("Raw")));
            default:
                return object(message);
        }
    }

    private static Long setLong(Message message, String name) {
        FieldDescriptor field = message.getDescriptorForType().findFieldByName(name);
        FieldDescriptor nanos = message.getDescriptorForType().findFieldByName("nanos");
        if (!message.hasField(field) && !message.hasField(nanos)) {
            return null;
        }
        return (Long) message.getField(field);
    }

    /** RawExtension and FieldsV1 carry JSON bytes, which Go writes into the JSON as they are. */
    private JsonNode rawJson(ByteString raw) {
        if (raw.isEmpty()) {
            return null;
        }
        try {
            return mapper.readTree(raw.toByteArray());
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("an embedded object is not JSON: " + e.getOriginalMessage());
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("an embedded object cannot be read");
        }
    }

    private static JsonNode orNull(JsonNode value) {
        return value == null ? NODES.nullNode() : value;
    }

}
