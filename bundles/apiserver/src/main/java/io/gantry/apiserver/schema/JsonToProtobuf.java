package io.gantry.apiserver.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.Message;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A JSON tree as the Kubernetes protobuf message of a descriptor, the inverse of
 * {@link ProtobufToJson}. The tree is the server's own (stored, already checked), so a value
 * that does not fit is a server bug: it fails with {@link IllegalArgumentException} naming the path.
 * Fields the message does not know ({@code apiVersion}, {@code kind}) are left out.
 */
final class JsonToProtobuf {

    private final ObjectMapper mapper;

    JsonToProtobuf(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    Message message(JsonNode object, Descriptor type, String path) {
        switch (JsonShape.of(type)) {
            case TIME:
            case MICRO_TIME:
                return time(object, type, path);
            case DURATION: {
                OptionalLong nanos = GoDuration.parse(object.asText());
                return DynamicMessage.newBuilder(type)
                        .setField(type.findFieldByName("duration"), nanos.orElseThrow(() -> wrong(path, "duration"))).build();
            }
            case INT_OR_STRING: {
                DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
                if (object.isIntegralNumber()) {
                    builder.setField(type.findFieldByName("type"), 0L).setField(type.findFieldByName("intVal"), object.intValue());
                } else {
                    builder.setField(type.findFieldByName("type"), 1L).setField(type.findFieldByName("strVal"), object.asText());
                }
                return builder.build();
            }
            case QUANTITY:
                return DynamicMessage.newBuilder(type).setField(type.findFieldByName("string"), object.asText()).build();
            case RAW_EXTENSION:
                return DynamicMessage.newBuilder(type).setField(type.findFieldByName("raw"), json(object)).build();
            case FIELDS_V1:
                return DynamicMessage.newBuilder(type).setField(type.findFieldByName("Raw"), json(object)).build();
            default:
                return object(object, type, path);
        }
    }

    private Message object(JsonNode object, Descriptor type, String path) {
        if (!object.isObject()) {
            throw wrong(path, "object");
        }
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type);
        // Fields of embedded structs sit in this object; they go into the inline field's message.
        Map<FieldDescriptor, ObjectNode> inline = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            List<FieldDescriptor> through = new ArrayList<>();
            FieldDescriptor field = JsonShape.field(type, entry.getKey(), through);
            if (field == null || entry.getValue().isNull()) {
                continue;
            }
            if (!through.isEmpty()) {
                inline.computeIfAbsent(through.get(0), f -> JsonNodeFactory.instance.objectNode())
                        .set(entry.getKey(), entry.getValue());
                continue;
            }
            set(builder, field, entry.getValue(), join(path, entry.getKey()));
        }
        for (Map.Entry<FieldDescriptor, ObjectNode> entry : inline.entrySet()) {
            builder.setField(entry.getKey(), message(entry.getValue(), entry.getKey().getMessageType(), path));
        }
        return builder.build();
    }

    private void set(DynamicMessage.Builder builder, FieldDescriptor field, JsonNode value, String path) {
        if (field.isMapField()) {
            if (!value.isObject()) {
                throw wrong(path, "object");
            }
            Descriptor entryType = field.getMessageType();
            FieldDescriptor valueField = entryType.findFieldByNumber(2);
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                DynamicMessage.Builder pair = DynamicMessage.newBuilder(entryType)
                        .setField(entryType.findFieldByNumber(1), entry.getKey());
                if (!entry.getValue().isNull()) {
                    pair.setField(valueField, scalar(valueField, entry.getValue(), path + "." + entry.getKey()));
                }
                builder.addRepeatedField(field, pair.build());
            }
        } else if (field.isRepeated()) {
            if (!value.isArray()) {
                throw wrong(path, "array");
            }
            for (int i = 0; i < value.size(); i++) {
                if (!value.get(i).isNull()) {
                    builder.addRepeatedField(field, scalar(field, value.get(i), path + "[" + i + "]"));
                }
            }
        } else {
            builder.setField(field, scalar(field, value, path));
        }
    }

    private Object scalar(FieldDescriptor field, JsonNode value, String path) {
        switch (field.getJavaType()) {
            case MESSAGE:
                return message(value, field.getMessageType(), path);
            case BYTE_STRING:
                try {
                    return ByteString.copyFrom(Base64.getDecoder().decode(value.asText()));
                } catch (IllegalArgumentException e) {
                    throw wrong(path, "base64 string");
                }
            case STRING:
                if (!value.isTextual()) {
                    throw wrong(path, "string");
                }
                return value.textValue();
            case BOOLEAN:
                if (!value.isBoolean()) {
                    throw wrong(path, "boolean");
                }
                return value.booleanValue();
            case INT:
                if (!value.canConvertToInt() || !value.isIntegralNumber()) {
                    throw wrong(path, "integer");
                }
                return value.intValue();
            case LONG:
                if (!value.canConvertToLong() || !value.isIntegralNumber()) {
                    throw wrong(path, "integer");
                }
                return value.longValue();
            case FLOAT:
                return (float) value.asDouble();
            case DOUBLE:
                return value.asDouble();
            default:
                throw wrong(path, field.getType().name().toLowerCase());
        }
    }

    private Message time(JsonNode value, Descriptor type, String path) {
        Instant instant;
        try {
            instant = Instant.parse(value.asText());
        } catch (DateTimeParseException e) {
            try {
                instant = java.time.OffsetDateTime.parse(value.asText()).toInstant();
            } catch (DateTimeParseException again) {
                throw wrong(path, "date-time");
            }
        }
        DynamicMessage.Builder builder = DynamicMessage.newBuilder(type)
                .setField(type.findFieldByName("seconds"), instant.getEpochSecond());
        if (JsonShape.of(type) == JsonShape.MICRO_TIME) {
            builder.setField(type.findFieldByName("nanos"), instant.getNano() / 1000 * 1000);
        }
        return builder.build();
    }

    private ByteString json(JsonNode value) {
        try {
            return ByteString.copyFrom(mapper.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot write an embedded object", e);
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static IllegalArgumentException wrong(String path, String expected) {
        return new IllegalArgumentException(path + " must be of type " + expected);
    }
}
