package io.gantry.apiserver;

import io.gantry.api.client.ApiException;

/**
 * What a client asked the server to do with unknown and duplicate fields ({@code fieldValidation}):
 * Strict rejects them, Warn drops them with a {@code Warning} header each, Ignore drops them.
 */
public enum FieldValidation {
    STRICT, WARN, IGNORE;

    /** The query parameter's value; absent means Warn, as kube-apiserver defaults it. */
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
}
