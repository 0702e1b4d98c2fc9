package io.gantry.api.runtime;

import java.time.Instant;

/**
 * A container as the runtime sees it.
 *
 * @param name     the container's name in its pod spec
 * @param attempt  as created ({@link ContainerConfig#attempt()})
 * @param exitCode meaningful when {@code state} is {@link State#EXITED}
 * @param reason   why it exited, such as {@code OOMKilled}, {@code Error} or {@code Completed}
 */
public record ContainerStatus(String id, String podUid, String name, int attempt, State state, String image,
                              String imageId, int exitCode, String reason, Instant createdAt, Instant startedAt,
                              Instant finishedAt) {

    /** The lifecycle states of a container, as in the CRI. */
    public enum State {
        CREATED, RUNNING, EXITED, UNKNOWN
    }
}
