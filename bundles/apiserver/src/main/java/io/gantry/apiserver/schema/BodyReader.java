package io.gantry.apiserver.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gantry.api.client.ApiException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * A request body, JSON, YAML or Kubernetes protobuf by its Content-Type, read into one JSON
 * object. Duplicate fields are collected with their paths rather than silently merged, so the
 * caller can reject them (fieldValidation=Strict) or warn about them (Warn) as kube-apiserver
 * does; the last value wins, as in Go. Every malformed body is a 400 BadRequest that says where.
 */
public final class BodyReader {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ProtobufCodec protobuf;
    private final JsonFactory json = new JsonFactory();
    private final YAMLFactory yaml = new YAMLFactory();

    public BodyReader(ProtobufCodec protobuf) {
        this.protobuf = protobuf;
    }

    /** A body read into an object, with the paths of the fields it set twice ({@code metadata.name}). */
    public record Body(ObjectNode object, List<String> duplicateFields) {

        /** The duplicates as kube-apiserver words them, for a Warning header or a strict decoding error. */
        public List<String> warnings() {
            return duplicateFields.stream().map(path -> "duplicate field \"" + path + "\"").toList();
        }
    }

    /** The media types a body can have: JSON, YAML, protobuf. */
    public enum Format {
        JSON, YAML, PROTOBUF;

        /**
         * The format of a Content-Type ({@code application/json; charset=utf-8},
         * {@code application/merge-patch+json}, {@code application/apply-patch+yaml}, ...); none means JSON.
         *
         * @throws ApiException 415 for any other media type
         */
        public static Format of(String contentType) {
            if (contentType == null || contentType.isBlank()) {
                return JSON;
            }
            String media = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (media.equals("application/json") || media.endsWith("+json")) {
                return JSON;
            }
            if (media.equals("application/yaml") || media.endsWith("+yaml")) {
                return YAML;
            }
            if (media.equals(ProtobufCodec.CONTENT_TYPE)) {
                return PROTOBUF;
            }
            throw ApiException.unsupportedMediaType("the body of the request was in an unknown format - accepted media "
                    + "types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");
        }
    }

    /**
     * Reads a body by its Content-Type.
     *
     * @throws ApiException 400 for a malformed or empty body, or one that is not a single object;
     *     415 for an unknown Content-Type
     */
    public Body read(byte[] body, String contentType) {
        Format format = Format.of(contentType);
        if (format == Format.PROTOBUF) {
            return new Body(protobuf.decode(body), List.of());
        }
        String language = format == Format.YAML ? "YAML" : "JSON";
        List<String> duplicates = new ArrayList<>();
        JsonNode root;
        try (JsonParser parser = (format == Format.YAML ? yaml : json).createParser(body)) {
            JsonToken first = parser.nextToken();
            if (first == null) {
                throw ApiException.badRequest("the request body is empty");
            }
            root = value(parser, "", duplicates);
            if (parser.nextToken() != null) {
                throw ApiException.badRequest(format == Format.YAML
                        ? "the request body holds more than one YAML document: send one object"
                        : "the request body has more content after its JSON object" + at(parser.currentLocation()));
            }
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid " + language + at(e.getLocation()) + ": "
                    + problem(e));
        } catch (IOException e) {
            throw ApiException.badRequest("the request body cannot be read: " + e.getMessage());
        }
        if (!root.isObject()) {
            throw ApiException.badRequest("the request body must be an object (a " + language + " "
                    + (format == Format.YAML ? "mapping" : "object") + "), not " + describe(root));
        }
        return new Body((ObjectNode) root, List.copyOf(duplicates));
    }

    private JsonNode value(JsonParser parser, String path, List<String> duplicates) throws IOException {
        switch (parser.currentToken()) {
            case START_OBJECT: {
                ObjectNode object = NODES.objectNode();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    String child = path.isEmpty() ? name : path + "." + name;
                    if (object.has(name)) {
                        duplicates.add(child);
                    }
                    parser.nextToken();
                    object.set(name, value(parser, child, duplicates));
                }
                return object;
            }
            case START_ARRAY: {
                ArrayNode array = NODES.arrayNode();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    array.add(value(parser, path + "[" + array.size() + "]", duplicates));
                }
                return array;
            }
            case VALUE_STRING:
                return NODES.textNode(parser.getText());
            case VALUE_NUMBER_INT:
                switch (parser.getNumberType()) {
                    case INT:
                        return NODES.numberNode(parser.getIntValue());
                    case LONG:
                        return NODES.numberNode(parser.getLongValue());
                    default:
                        return NODES.numberNode(parser.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(parser.getDecimalValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            case VALUE_EMBEDDED_OBJECT: {
                // YAML !!binary: Kubernetes' YAML to JSON conversion gives its base64 text.
                Object embedded = parser.getEmbeddedObject();
                return embedded instanceof byte[] bytes ? NODES.textNode(Base64.getEncoder().encodeToString(bytes))
                        : NODES.textNode(String.valueOf(embedded));
            }
            default:
                throw ApiException.badRequest("the request body is not valid" + at(parser.currentLocation()));
        }
    }

    /** The parser's complaint on one line, without snakeyaml's copy of the position and the source line. */
    private static String problem(JsonProcessingException e) {
        return e.getOriginalMessage().replaceAll("(?s)\\s*in 'reader', line \\d+, column \\d+:.*", "")
                .replaceAll("\\s+", " ").trim();
    }

    private static String at(JsonLocation location) {
        if (location == null || location.getLineNr() < 1) {
            return "";
        }
        return " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    private static String describe(JsonNode node) {
        if (node.isArray()) {
            return "an array";
        }
        if (node.isTextual()) {
            return "a string";
        }
        if (node.isNumber()) {
            return "a number";
        }
        if (node.isBoolean()) {
            return "a boolean";
        }
        return "null";
    }
}
