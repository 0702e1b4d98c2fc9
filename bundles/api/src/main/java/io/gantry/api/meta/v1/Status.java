package io.gantry.api.meta.v1;

/**
 * Kubernetes {@code Status}: the body of every error the API returns, and of some successes.
 * {@code reason} is one of Kubernetes' StatusReasons (NotFound, AlreadyExists, Conflict,
 * Invalid, BadRequest, Expired, ...), {@code code} the HTTP status.
 */
public class Status extends Extensible {

    public String kind = "Status";
    public String apiVersion = "v1";
    public ListMeta metadata = new ListMeta();
    public String status;
    public String message;
    public String reason;
    public StatusDetails details;
    public Integer code;

    public Status() {
    }

    public static Status failure(int code, String reason, String message) {
        Status status = new Status();
        status.status = "Failure";
        status.code = code;
        status.reason = reason;
        status.message = message;
        return status;
    }

    public static Status success() {
        Status status = new Status();
        status.status = "Success";
        return status;
    }
}
