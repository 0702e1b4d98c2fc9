package io.gantry.apiserver;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.Status;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;

/**
 * Request bodies: read with kube-apiserver's size limit (3 MiB, 413 beyond), and decoded from
 * JSON or YAML into a tree, with duplicate fields reported as Kubernetes does (an error under
 * {@code fieldValidation=Strict}, a warning under Warn). Malformed input is a 400 that says where.
 */
final class Bodies {

    /** kube-apiserver's limit for one request body. */
    static final int MAX_BYTES = 3 * 1024 * 1024;

    private Bodies() {
    }

    /**
     * How much of a too large body is read and dropped before the 413 is sent: a client still
     * sending when the server answers and closes would see its connection reset instead of the
     * answer. Beyond this the connection is closed.
     */
    private static final long MAX_DRAINED_BYTES = 64L * 1024 * 1024;

    /** The whole body, or 413 when it is larger than the limit. */
    static byte[] read(InputStream in, long declaredLength) throws IOException {
        if (declaredLength > MAX_BYTES) {
            drain(in);
            throw tooLarge();
        }
        byte[] body = in.readNBytes(MAX_BYTES + 1);
        if (body.length > MAX_BYTES) {
            drain(in);
            throw tooLarge();
        }
        return body;
    }

    private static void drain(InputStream in) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while (total < MAX_DRAINED_BYTES && (n = in.read(buffer)) > 0) {
            total += n;
        }
    }

    private static ApiException tooLarge() {
        return new ApiException(Status.failure(413, "RequestEntityTooLarge",
                "Request entity too large: limit is " + MAX_BYTES));
    }

    /** The media type of a Content-Type header, lower case, without parameters. */
    static String mediaType(String contentType) {
        if (contentType == null || contentType.isBlank()) {
            return "application/json";
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    /**
     * A JSON or YAML body as an object tree.
     *
     * @param what the kind expected, for messages
     */
    static ObjectNode object(byte[] body, String mediaType, FieldValidation validation, List<String> warnings,
                             String what) {
        boolean yaml = mediaType.endsWith("yaml");
        if (!yaml && !mediaType.endsWith("json")) {
            throw ApiException.unsupportedMediaType("the body of the request was in an unknown format - accepted media "
                    + "types include: application/json, application/yaml, application/vnd.kubernetes.protobuf");
        }
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: expected a " + what);
        }
        JsonNode tree = parse(body, yaml, validation, warnings, what);
        if (!(tree instanceof ObjectNode object)) {
            throw ApiException.badRequest(what + " cannot be handled: the body must be a JSON or YAML object, not "
                    + (tree == null || tree.isMissingNode() ? "nothing" : tree.getNodeType().toString().toLowerCase(
                    Locale.ROOT)));
        }
        return object;
    }

    private static JsonNode parse(byte[] body, boolean yaml, FieldValidation validation, List<String> warnings,
                                  String what) {
        ObjectMapper mapper = yaml ? Json.yamlMapper() : Json.mapper();
        try {
            return mapper.reader().with(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).readTree(body);
        } catch (JsonParseException e) {
            String message = e.getOriginalMessage();
            if (message != null && message.startsWith("Duplicate field")) {
                String field = message.substring(message.indexOf('\'') + 1, message.lastIndexOf('\''));
                if (validation == FieldValidation.STRICT) {
                    throw ApiException.badRequest(what + " cannot be handled: strict decoding error: duplicate field \""
                            + field + "\"");
                }
                if (validation == FieldValidation.WARN) {
                    warnings.add("duplicate field \"" + field + "\"");
                }
                return lenient(mapper, body, what);
            }
            throw malformed(what, e);
        } catch (JsonProcessingException e) {
            throw malformed(what, e);
        } catch (IOException e) {
            throw ApiException.badRequest("cannot read the request body: " + e.getMessage());
        }
    }

    private static JsonNode lenient(ObjectMapper mapper, byte[] body, String what) {
        try {
            return mapper.readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest(what + " cannot be handled: " + e.getMessage());
        }
    }

    private static ApiException malformed(String what, JsonProcessingException e) {
        var location = e.getLocation();
        String where = location == null ? "" : " (line " + location.getLineNr() + ", column " + location.getColumnNr()
                + ")";
        return ApiException.badRequest(what + " cannot be handled: the body is not valid JSON or YAML" + where + ": "
                + e.getOriginalMessage());
    }
}
