package io.gantry.api.runtime;

/** The container engine cannot be reached; the message says how to get one. */
public class RuntimeUnavailableException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public RuntimeUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
