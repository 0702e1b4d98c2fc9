package io.gantry.kubelet;

/**
 * A container cannot be set up from its pod's spec and what it refers to (a missing secret, key
 * or volume source); the container waits with this reason and message.
 */
final class PodSetupException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String reason;

    PodSetupException(String reason, String message) {
        super(message);
        this.reason = reason;
    }

    Waiting waiting() {
        return new Waiting(reason, getMessage());
    }
}
