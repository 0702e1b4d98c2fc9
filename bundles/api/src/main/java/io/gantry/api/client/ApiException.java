package io.gantry.api.client;

import io.gantry.api.meta.v1.Status;
import io.gantry.api.meta.v1.StatusCause;
import io.gantry.api.meta.v1.StatusDetails;
import java.util.List;

/**
 * An API error, carrying the Kubernetes {@link Status} the API server answers with. The
 * factories word their messages as Kubernetes does, so kubectl prints what operators know.
 */
public class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient Status status;

    public ApiException(Status status) {
        super(status.message);
        this.status = status;
    }

    public Status status() {
        return status;
    }

    /** The HTTP status code. */
    public int code() {
        return status.code == null ? 500 : status.code;
    }

    /** The Kubernetes reason: {@code NotFound}, {@code Conflict}, ... */
    public String reason() {
        return status.reason;
    }

    public boolean isNotFound() {
        return code() == 404;
    }

    public boolean isConflict() {
        return code() == 409 && "Conflict".equals(status.reason);
    }

    public static ApiException notFound(ResourceKind<?> kind, String name) {
        return withDetails(404, "NotFound", kind.qualifiedName() + " \"" + name + "\" not found", kind, name);
    }

    public static ApiException alreadyExists(ResourceKind<?> kind, String name) {
        return withDetails(409, "AlreadyExists", kind.qualifiedName() + " \"" + name + "\" already exists", kind, name);
    }

    public static ApiException conflict(ResourceKind<?> kind, String name, String why) {
        return withDetails(409, "Conflict", "Operation cannot be fulfilled on " + kind.qualifiedName()
                + " \"" + name + "\": " + why, kind, name);
    }

    /** The object was changed since the client read it: a stale write. */
    public static ApiException modified(ResourceKind<?> kind, String name) {
        return conflict(kind, name,
                "the object has been modified; please apply your changes to the latest version and try again");
    }

    /** The object is invalid; each cause names a field, as {@code details.causes[].field}. */
    public static ApiException invalid(ResourceKind<?> kind, String name, List<StatusCause> causes) {
        StringBuilder message = new StringBuilder(kind.kind()).append(" \"").append(name).append("\" is invalid: ");
        if (causes.size() == 1) {
            message.append(causes.get(0).field).append(": ").append(causes.get(0).message);
        } else {
            message.append('[');
            for (int i = 0; i < causes.size(); i++) {
                message.append(i == 0 ? "" : ", ").append(causes.get(i).field).append(": ").append(causes.get(i).message);
            }
            message.append(']');
        }
        Status status = Status.failure(422, "Invalid", message.toString());
        status.details = new StatusDetails();
        status.details.name = name;
        status.details.group = kind.group();
        status.details.kind = kind.kind();
        status.details.causes = causes;
        return new ApiException(status);
    }

    public static ApiException badRequest(String message) {
        return new ApiException(Status.failure(400, "BadRequest", message));
    }

    /** A query parameter with a value the server does not take (400, as kube-apiserver words it). */
    public static ApiException invalidParameter(String parameter, String value, String detail) {
        return badRequest(parameter + ": Unsupported value: \"" + value + "\": " + detail);
    }

    public static ApiException forbidden(ResourceKind<?> kind, String name, String why) {
        return withDetails(403, "Forbidden", kind.qualifiedName() + " \"" + name + "\" is forbidden: " + why, kind, name);
    }

    /** A watch asked for a revision already compacted away; informers relist on it. */
    public static ApiException expired(String message) {
        return new ApiException(Status.failure(410, "Expired", message));
    }

    public static ApiException methodNotAllowed(String message) {
        return new ApiException(Status.failure(405, "MethodNotAllowed", message));
    }

    public static ApiException unsupportedMediaType(String message) {
        return new ApiException(Status.failure(415, "UnsupportedMediaType", message));
    }

    public static ApiException notAcceptable(String message) {
        return new ApiException(Status.failure(406, "NotAcceptable", message));
    }

    public static ApiException unavailable(String message) {
        return new ApiException(Status.failure(503, "ServiceUnavailable", message));
    }

    public static ApiException internal(String message) {
        return new ApiException(Status.failure(500, "InternalError", "Internal error occurred: " + message));
    }

    private static ApiException withDetails(int code, String reason, String message, ResourceKind<?> kind, String name) {
        Status status = Status.failure(code, reason, message);
        status.details = new StatusDetails();
        status.details.name = name;
        status.details.group = kind.group();
        status.details.kind = kind.plural();
        status.details.causes = null;
        return new ApiException(status);
    }
}
