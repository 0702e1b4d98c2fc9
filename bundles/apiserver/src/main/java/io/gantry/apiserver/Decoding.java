package io.gantry.apiserver;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.deser.DeserializationProblemHandler;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.json.Json;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Reads request bodies into objects the way the API server's decoder does with
 * {@code fieldValidation}: Strict rejects unknown fields, naming each by its path; Warn and
 * Ignore drop them (Warn reports them as warnings).
 */
final class Decoding {

    /** What the client asked for unknown fields. */
    enum FieldValidation {
        STRICT, WARN, IGNORE;

        static FieldValidation of(String value) {
            if (value == null || value.isEmpty() || value.equals("Warn")) {
                return WARN;
            }
            if (value.equals("Strict")) {
                return STRICT;
            }
            if (value.equals("Ignore")) {
                return IGNORE;
            }
            throw ApiException.badRequest("fieldValidation: Unsupported value: \"" + value
                    + "\": supported values: \"Ignore\", \"Strict\", \"Warn\"");
        }
    }

    /** An object read from a body, with the unknown fields that were dropped. */
    record Decoded<T>(T object, List<String> unknownFields) {
    }

    private Decoding() {
    }

    static <T> Decoded<T> decode(byte[] body, ResourceKind<?> kind, Class<T> type, boolean yaml, FieldValidation validation) {
        List<String> unknown = new ArrayList<>();
        ObjectReader reader = Json.declaredFieldsReader(type, yaml)
                .without(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .withHandler(new DeserializationProblemHandler() {
                    @Override
                    public boolean handleUnknownProperty(DeserializationContext context, JsonParser parser,
                                                         JsonDeserializer<?> deserializer, Object bean, String property)
                            throws IOException {
                        unknown.add(path(parser.getParsingContext()));
                        parser.skipChildren();
                        return true;
                    }
                });
        T object;
        try {
            object = reader.readValue(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(kind.kind() + " in version \"" + kind.version() + "\" cannot be handled as a "
                    + kind.kind() + ": " + e.getOriginalMessage());
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the request body: " + e.getMessage());
        }
        if (object == null) {
            throw ApiException.badRequest("the request body is empty: expected a " + kind.kind());
        }
        if (validation == FieldValidation.STRICT && !unknown.isEmpty()) {
            StringBuilder message = new StringBuilder(kind.kind()).append(" in version \"").append(kind.version())
                    .append("\" cannot be handled as a ").append(kind.kind()).append(": strict decoding error: ");
            for (int i = 0; i < unknown.size(); i++) {
                message.append(i == 0 ? "" : ", ").append("unknown field \"").append(unknown.get(i)).append('"');
            }
            throw ApiException.badRequest(message.toString());
        }
        return new Decoded<>(object, validation == FieldValidation.IGNORE ? List.of() : unknown);
    }

    /** Reads a body as a JSON tree (JSON or YAML). */
    static JsonNode tree(byte[] body, boolean yaml) {
        try {
            return (yaml ? Json.yamlMapper() : Json.mapper()).readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    /** A parser position as Kubernetes writes field paths: {@code spec.containers[0].image}. */
    static String path(JsonStreamContext context) {
        List<String> parts = new ArrayList<>();
        for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
            if (c.inArray()) {
                parts.add("[" + c.getCurrentIndex() + "]");
            } else if (c.getCurrentName() != null) {
                parts.add(c.getCurrentName());
            }
        }
        Collections.reverse(parts);
        StringBuilder path = new StringBuilder();
        for (String part : parts) {
            if (path.length() > 0 && !part.startsWith("[")) {
                path.append('.');
            }
            path.append(part);
        }
        return path.toString();
    }
}
