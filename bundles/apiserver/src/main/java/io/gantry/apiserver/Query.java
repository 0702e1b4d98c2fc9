package io.gantry.apiserver;

import io.gantry.api.client.ApiException;
import java.util.List;
import javax.servlet.http.HttpServletRequest;

/**
 * Query parameters read as kube-apiserver reads them: booleans as Go's strconv.ParseBool
 * ({@code 1 t T TRUE true True}, {@code 0 f F FALSE false False}), integers strictly, and a
 * 400 naming the parameter for anything else.
 */
final class Query {

    private static final List<String> TRUE = List.of("1", "t", "T", "TRUE", "true", "True");
    private static final List<String> FALSE = List.of("0", "f", "F", "FALSE", "false", "False");

    private final HttpServletRequest request;

    Query(HttpServletRequest request) {
        this.request = request;
    }

    String text(String name) {
        String value = request.getParameter(name);
        return value == null || value.isEmpty() ? null : value;
    }

    boolean bool(String name) {
        String value = request.getParameter(name);
        if (value == null || value.isEmpty()) {
            return false;
        }
        if (TRUE.contains(value)) {
            return true;
        }
        if (FALSE.contains(value)) {
            return false;
        }
        throw ApiException.badRequest("invalid value for query parameter \"" + name + "\": strconv.ParseBool: parsing \""
                + value + "\": invalid syntax");
    }

    Long number(String name) {
        String value = request.getParameter(name);
        if (value == null || value.isEmpty()) {
            return null;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("invalid value for query parameter \"" + name + "\": strconv.ParseInt: "
                    + "parsing \"" + value + "\": invalid syntax");
        }
    }

    /** {@code dryRun}: absent, or {@code All}; anything else is refused as kube-apiserver does. */
    boolean dryRun() {
        String[] values = request.getParameterValues("dryRun");
        if (values == null) {
            return false;
        }
        for (String value : values) {
            if (!value.equals("All")) {
                throw ApiException.invalidParameter("dryRun", value, "supported values: \"All\"");
            }
        }
        return true;
    }

    /** The options of a write: dry run, field manager (at most 128 characters), field validation. */
    WriteOptions writeOptions() {
        String manager = text("fieldManager");
        if (manager != null && manager.length() > 128) {
            throw ApiException.invalidParameter("fieldManager", manager, "must be no more than 128 characters");
        }
        return new WriteOptions(dryRun(), manager, FieldValidation.of(text("fieldValidation")),
                new java.util.ArrayList<>());
    }
}
