package io.gantry.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * A Swagger 2.0 document in the protobuf form client-go asks {@code /openapi/v2} for
 * ({@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf}): gnostic's
 * {@code openapi.v2.Document}. kubectl up to 1.30 or so reads this form (not JSON) to explain
 * kinds and to learn whether the server validates fields. Covers what {@link OpenApiV2} writes:
 * paths, operations, parameters, responses, schemas and {@code x-} extensions (as JSON text,
 * which is YAML to gnostic's readers). Field numbers from gnostic's OpenAPIv2.proto.
 */
final class GnosticV2Writer {

    private GnosticV2Writer() {
    }

    static byte[] document(JsonNode swagger) {
        return new Message()
                .string(1, swagger.path("swagger").asText())
                .message(2, new Message().string(1, swagger.path("info").path("title").asText())
                        .string(2, swagger.path("info").path("version").asText()))
                .message(8, paths(swagger.path("paths")))
                .message(9, named(swagger.path("definitions"), GnosticV2Writer::schema))
                .bytes().toByteArray();
    }

    private static Message paths(JsonNode paths) {
        Message message = new Message();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            message.message(2, new Message().string(1, path.getKey()).message(2, pathItem(path.getValue())));
        }
        return message;
    }

    private static Message pathItem(JsonNode item) {
        Message message = new Message();
        String[] methods = {"get", "put", "post", "delete", "options", "head", "patch"};
        for (int i = 0; i < methods.length; i++) {
            if (item.has(methods[i])) {
                message.message(2 + i, operation(item.get(methods[i])));
            }
        }
        item.path("parameters").forEach(parameter -> message.message(9, parametersItem(parameter)));
        return message;
    }

    private static Message operation(JsonNode operation) {
        Message message = new Message();
        operation.path("tags").forEach(tag -> message.string(1, tag.asText()));
        message.string(3, operation.path("description").asText());
        message.string(5, operation.path("operationId").asText());
        operation.path("produces").forEach(type -> message.string(6, type.asText()));
        operation.path("consumes").forEach(type -> message.string(7, type.asText()));
        operation.path("parameters").forEach(parameter -> message.message(8, parametersItem(parameter)));
        Message responses = new Message();
        for (Iterator<Map.Entry<String, JsonNode>> it = operation.path("responses").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> response = it.next();
            Message body = new Message().string(1, response.getValue().path("description").asText());
            if (response.getValue().has("schema")) {
                body.message(2, new Message().message(1, schema(response.getValue().get("schema"))));
            }
            responses.message(1, new Message().string(1, response.getKey()).message(2, new Message().message(1, body)));
        }
        message.message(9, responses);
        extensions(operation, message, 13);
        return message;
    }

    /** A parameter: a body parameter with its schema, or a query or path parameter of a simple type. */
    private static Message parametersItem(JsonNode parameter) {
        String in = parameter.path("in").asText();
        Message common = new Message();
        Message wrapped;
        if (in.equals("body")) {
            common.string(1, parameter.path("description").asText()).string(2, parameter.path("name").asText())
                    .string(3, in).bool(4, parameter.path("required").asBoolean())
                    .message(5, schema(parameter.path("schema")));
            wrapped = new Message().message(1, common);
        } else {
            boolean query = in.equals("query");
            common.bool(1, parameter.path("required").asBoolean()).string(2, in)
                    .string(3, parameter.path("description").asText()).string(4, parameter.path("name").asText())
                    .string(query ? 6 : 5, parameter.path("type").asText())
                    .bool(query ? 20 : 19, parameter.path("uniqueItems").asBoolean());
            wrapped = new Message().message(2, new Message().message(query ? 3 : 4, common));
        }
        return new Message().message(1, wrapped);
    }

    private static Message schema(JsonNode schema) {
        Message message = new Message()
                .string(1, schema.path("$ref").asText())
                .string(2, schema.path("format").asText())
                .string(4, schema.path("description").asText());
        if (schema.has("additionalProperties")) {
            message.message(21, new Message().message(1, schema(schema.get("additionalProperties"))));
        }
        if (schema.has("type")) {
            message.message(22, new Message().string(1, schema.get("type").asText()));
        }
        if (schema.has("items")) {
            message.message(23, new Message().message(1, schema(schema.get("items"))));
        }
        if (schema.has("properties")) {
            message.message(25, named(schema.get("properties"), GnosticV2Writer::schema));
        }
        extensions(schema, message, 31);
        return message;
    }

    /** A JSON object as gnostic's ordered (name, value) pairs, field 1 of a wrapper message. */
    private static Message named(JsonNode object, java.util.function.Function<JsonNode, Message> value) {
        Message message = new Message();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            message.message(1, new Message().string(1, entry.getKey()).message(2, value.apply(entry.getValue())));
        }
        return message;
    }

    private static void extensions(JsonNode object, Message message, int field) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            if (entry.getKey().startsWith("x-")) {
                message.message(field, new Message().string(1, entry.getKey())
                        .message(2, new Message().string(2, entry.getValue().toString())));
            }
        }
    }

    /** A protobuf message being written; proto3, so empty values are left out. */
    private static final class Message {

        private final ByteString.Output out = ByteString.newOutput();
        private final CodedOutputStream coded = CodedOutputStream.newInstance(out);

        Message string(int field, String value) {
            try {
                if (value != null && !value.isEmpty()) {
                    coded.writeString(field, value);
                }
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Message bool(int field, boolean value) {
            try {
                if (value) {
                    coded.writeBool(field, true);
                }
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        Message message(int field, Message value) {
            try {
                coded.writeBytes(field, value.bytes());
                return this;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        ByteString bytes() {
            try {
                coded.flush();
                return out.toByteString();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
