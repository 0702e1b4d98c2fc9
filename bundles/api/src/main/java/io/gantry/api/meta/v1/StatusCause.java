package io.gantry.api.meta.v1;

/**
 * Kubernetes {@code StatusCause}: one reason an object was rejected, with the field path
 * ({@code spec.containers[0].image}) and a type such as {@code FieldValueRequired}.
 */
public class StatusCause extends Extensible {

    public String reason;
    public String message;
    public String field;

    public StatusCause() {
    }

    public StatusCause(String reason, String message, String field) {
        this.reason = reason;
        this.message = message;
        this.field = field;
    }
}
