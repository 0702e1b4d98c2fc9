package io.gantry.apiserver;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.meta.v1.Status;
import io.gantry.api.meta.v1.StatusCause;
import io.gantry.api.meta.v1.StatusDetails;
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
                throw unsupportedOption(request.getMethod(), "dryRun", value, "\"All\"");
            }
        }
        return true;
    }

    /** The options of a write: dry run, field manager (at most 128 characters), field validation. */
    WriteOptions writeOptions() {
        String validation = text("fieldValidation");
        if (validation != null && !List.of("Ignore", "Strict", "Warn").contains(validation)) {
            throw unsupportedOption(request.getMethod(), "fieldValidation", validation, "\"Ignore\", \"Strict\", \"Warn\"");
        }
        String manager = text("fieldManager");
        if (manager != null && manager.length() > 128) {
            throw invalidOption(request.getMethod(), "fieldManager", "FieldValueTooLong",
                    "Too long: may not be more than 128 bytes");
        }
        if (manager == null) {
            // kube-apiserver names an unnamed manager after the client program, from its User-Agent
            String agent = request.getHeader("User-Agent");
            manager = agent == null || agent.isBlank() ? null : agent.split("/", 2)[0].trim();
        }
        return new WriteOptions(dryRun(), manager, FieldValidation.of(validation),
                new java.util.ArrayList<>(), leaderTerm());
    }

    /** The leader term a fenced client writes in ({@value ApiClient#LEADER_TERM_HEADER}), or null. */
    private LeaderElection.Term leaderTerm() {
        String token = request.getHeader(ApiClient.LEADER_TERM_HEADER);
        if (token == null) {
            return null;
        }
        try {
            return LeaderElection.Term.parse(token.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("header " + ApiClient.LEADER_TERM_HEADER + ": " + e.getMessage());
        }
    }

    /**
     * A query parameter of a write that kube-apiserver's options validation refuses: 422 Invalid
     * on the verb's options kind ({@code CreateOptions.meta.k8s.io "" is invalid: dryRun: ...}),
     * with the parameter as the cause's field.
     */
    static ApiException unsupportedOption(String method, String field, String value, String supported) {
        return invalidOption(method, field, "FieldValueNotSupported",
                "Unsupported value: \"" + value + "\": supported values: " + supported);
    }

    /** The same for a value that is refused in its context: {@code Invalid value: "x": why}. */
    static ApiException invalidValueOption(String method, String field, String value, String detail) {
        return invalidOption(method, field, "FieldValueInvalid", "Invalid value: \"" + value + "\": " + detail);
    }

    /** The same for a parameter the verb requires, such as the field manager of an apply. */
    static ApiException requiredOption(String method, String field, String detail) {
        return invalidOption(method, field, "FieldValueRequired", "Required value: " + detail);
    }

    private static ApiException invalidOption(String method, String field, String reason, String cause) {
        String kind = switch (method) {
            case "POST" -> "CreateOptions";
            case "PUT" -> "UpdateOptions";
            case "PATCH" -> "PatchOptions";
            default -> "DeleteOptions";
        };
        Status status = Status.failure(422, "Invalid", kind + ".meta.k8s.io \"\" is invalid: " + field + ": " + cause);
        status.details = new StatusDetails();
        status.details.group = "meta.k8s.io";
        status.details.kind = kind;
        status.details.causes = List.of(new StatusCause(reason, cause, field));
        return new ApiException(status);
    }
}
