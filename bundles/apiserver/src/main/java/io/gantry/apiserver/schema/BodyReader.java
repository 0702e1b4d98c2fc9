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
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import io.gantry.api.client.ApiException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;

/**
 * A request body, JSON, YAML or Kubernetes protobuf by its Content-Type, read into one JSON
 * object. Duplicate fields are collected with their paths rather than silently merged, so the
 * caller can reject them (fieldValidation=Strict) or warn about them (Warn) as kube-apiserver
 * does; the last value wins, as in Go. Every malformed body is a 400 BadRequest that says where.
 */
public final class BodyReader {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    /**
     * How deep a body may nest: far deeper than any Kubernetes object (a pod template's deepest
     * field is about fifteen levels down), and shallow enough that no walk over the tree (this
     * reader, the schema check, the patchers) can exhaust a request thread's stack.
     */
    static final int MAX_DEPTH = 100;

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
            root = new TreeBuilder(parser, duplicates).value("");
            if (parser.nextToken() != null) {
                throw ApiException.badRequest(format == Format.YAML
                        ? "the request body holds more than one YAML document: send one object"
                        : "the request body has more content after its JSON object" + at(parser.currentLocation()));
            }
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the request body is not valid " + language + at(e.getLocation()) + ": "
                    + problem(e));
        } catch (IOException e) {
            throw ApiException.badRequest("the request body cannot be read: " + withoutClassNames(e.getMessage()));
        }
        if (!root.isObject()) {
            throw ApiException.badRequest("the request body must be an object (a " + language + " "
                    + (format == Format.YAML ? "mapping" : "object") + "), not " + describe(root));
        }
        return new Body((ObjectNode) root, List.copyOf(duplicates));
    }

    /**
     * Builds the tree token by token, so that duplicate fields are seen (a tree reader keeps the
     * last silently) and YAML anchors, aliases and merge keys ({@code <<: *base}) resolve as
     * in Kubernetes' YAML reading (Jackson gives an alias as its name).
     */
    private static final class TreeBuilder {

        private final JsonParser parser;
        private final List<String> duplicates;
        private final Map<String, JsonNode> anchors = new HashMap<>();
        private int depth;

        TreeBuilder(JsonParser parser, List<String> duplicates) {
            this.parser = parser;
            this.duplicates = duplicates;
        }

        JsonNode value(String path) throws IOException {
            if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
                JsonNode anchored = anchors.get(parser.getText());
                if (anchored == null) {
                    throw ApiException.badRequest("the request body is not valid YAML" + at(parser.currentTokenLocation())
                            + ": unknown anchor '" + parser.getText() + "' referenced");
                }
                return anchored.deepCopy();
            }
            String anchor = parser.getObjectId() instanceof String id ? id : null;
            boolean nested = parser.currentToken().isStructStart();
            if (nested && ++depth > MAX_DEPTH) {
                throw ApiException.badRequest("the request body nests deeper than " + MAX_DEPTH + " levels, at "
                        + path);
            }
            JsonNode value = token(path);
            if (nested) {
                depth--;
            }
            if (anchor != null) {
                anchors.put(anchor, value);
            }
            return value;
        }

        private JsonNode token(String path) throws IOException {
            switch (parser.currentToken()) {
                case START_OBJECT: {
                    ObjectNode object = NODES.objectNode();
                    List<ObjectNode> merged = new ArrayList<>();
                    while (parser.nextToken() == JsonToken.FIELD_NAME) {
                        String name = parser.currentName();
                        String child = path.isEmpty() ? name : path + "." + name;
                        parser.nextToken();
                        JsonNode value = value(child);
                        if (name.equals("<<") && parser instanceof YAMLParser && mergeable(value)) {
                            if (value.isObject()) {
                                merged.add((ObjectNode) value);
                            } else {
                                value.forEach(item -> merged.add((ObjectNode) item));
                            }
                            continue;
                        }
                        if (object.has(name)) {
                            duplicates.add(child);
                        }
                        object.set(name, value);
                    }
                    // Keys written in the mapping win over merged ones; earlier merged maps over later ones.
                    for (ObjectNode source : merged) {
                        source.fields().forEachRemaining(entry -> {
                            if (!object.has(entry.getKey())) {
                                object.set(entry.getKey(), entry.getValue().deepCopy());
                            }
                        });
                    }
                    return object;
                }
                case START_ARRAY: {
                    ArrayNode array = NODES.arrayNode();
                    while (parser.nextToken() != JsonToken.END_ARRAY) {
                        array.add(value(path + "[" + array.size() + "]"));
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
                case VALUE_NUMBER_FLOAT: {
                    // a double, as Jackson's own tree reading (and Go's float64) gives; JSON has no
                    // infinity or NaN to write back (a YAML .inf, a 1e999)
                    double number = parser.getDoubleValue();
                    if (!Double.isFinite(number)) {
                        throw ApiException.badRequest("the request body is not valid" + at(parser.currentTokenLocation())
                                + ": " + path + ": the number " + parser.getText() + " is out of range");
                    }
                    return NODES.numberNode(number);
                }
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

        private static boolean mergeable(JsonNode value) {
            if (value.isObject()) {
                return true;
            }
            if (!value.isArray() || value.isEmpty()) {
                return false;
            }
            for (JsonNode item : value) {
                if (!item.isObject()) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The parser's complaint on one line, without snakeyaml's copy of the position and the source line. */
    private static String problem(JsonProcessingException e) {
        return withoutClassNames(e.getOriginalMessage().replaceAll("(?s)\\s*in 'reader', line \\d+, column \\d+:.*", "")
                .replaceAll("\\s+", " ").trim());
    }

    /** A parser's message without the Java exception it wraps ({@code java.io.CharConversionException: ...}). */
    private static String withoutClassNames(String message) {
        return String.valueOf(message).replaceAll("(?:[a-z][\\w$]*\\.)+[A-Z][\\w$]*(?:Exception|Error):\\s*", "");
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
