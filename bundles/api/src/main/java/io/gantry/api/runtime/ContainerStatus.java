package io.gantry.api.runtime;

import java.time.Instant;
import java.util.Map;

/**
 * A container as the runtime sees it.
 *
 * @param exitCode meaningful when {@code state} is {@link State#EXITED}
 * @param reason why it exited, such as {@code OOMKilled}, {@code Error} or {@code Completed}
 */
public record ContainerStatus(String id, String name, State state, String image, String imageId, int exitCode,
                              String reason, Instant createdAt, Instant startedAt, Instant finishedAt,
                              Map<String, String> labels) {

    /** The lifecycle states of a container, as in the CRI. */
    public enum State {
        CREATED, RUNNING, EXITED, UNKNOWN
    }
}
