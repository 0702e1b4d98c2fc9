package io.gantry.kubelet;

import java.time.Instant;

/**
 * The image of a container could not be pulled, {@code count} times in a row, the last at {@code at}.
 *
 * @param reason {@code ErrImagePull}, or {@code ErrImageNeverPull} when the policy forbids pulling
 */
record PullFailure(int count, Instant at, String reason, String message) {
}
