package io.gantry.kubelet;

import java.time.Instant;

/** The image of a container could not be pulled, {@code count} times in a row, the last at {@code at}. */
record PullFailure(int count, Instant at, String message) {
}
