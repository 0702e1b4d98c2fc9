package io.gantry.apiserver.schema;

import io.gantry.api.client.ApiException;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code fieldValidation} query parameter: what to do about fields the schema does not know
 * and fields set twice. Strict rejects them in one BadRequest worded as kube-apiserver's strict
 * decoding error; Warn (the server's default) lets them pass with a warning each, for Warning
 * headers; Ignore says nothing. In every case the unknown fields are dropped before storing.
 */
public enum FieldValidation {
    IGNORE, WARN, STRICT;

    /**
     * The value of the query parameter; absent means Warn.
     *
     * @throws ApiException 400 for any other value
     */
    public static FieldValidation of(String value) {
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

    /**
     * Applies this setting to what reading and checking a body found.
     *
     * @param apiVersion      the object's apiVersion, for the message
     * @param kind            the object's kind, for the message
     * @param unknownFields   paths of unknown fields ({@link SchemaCheck.Result#unknownFieldPaths()})
     * @param duplicateFields paths of fields set twice ({@link BodyReader.Body#duplicateFields()})
     * @return the warnings to send (Warn), or none
     * @throws ApiException 400 under Strict when there is any, as {@code Pod in version "v1" cannot be
     *     handled as a Pod: strict decoding error: unknown field "spec.foo", duplicate field "metadata.name"}
     */
    public List<String> apply(String apiVersion, String kind, List<String> unknownFields, List<String> duplicateFields) {
        List<String> problems = new ArrayList<>();
        unknownFields.forEach(path -> problems.add("unknown field \"" + path + "\""));
        duplicateFields.forEach(path -> problems.add("duplicate field \"" + path + "\""));
        if (problems.isEmpty() || this == IGNORE) {
            return List.of();
        }
        if (this == WARN) {
            return List.copyOf(problems);
        }
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        throw ApiException.badRequest(kind + " in version \"" + version + "\" cannot be handled as a " + kind
                + ": strict decoding error: " + String.join(", ", problems));
    }
}
