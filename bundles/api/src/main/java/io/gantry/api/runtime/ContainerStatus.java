package io.gantry.api.runtime;

import java.time.Instant;

/**
 * A container as the runtime sees it.
 *
 * @param name     the container's name in its pod spec
 * @param attempt  as created ({@link ContainerConfig#attempt()})
 * @param exitCode meaningful when {@code state} is {@link State#EXITED}
 * @param reason   why it exited, such as {@code OOMKilled}, {@code Error} or {@code Completed}
 * @param message  what the runtime said when the container could not start or run (its start
 *                 error), else null. Since 2.5.
 */
public record ContainerStatus(String id, String podUid, String name, int attempt, State state, String image,
                              String imageId, int exitCode, String reason, Instant createdAt, Instant startedAt,
                              Instant finishedAt, String message) {

    /** A container without a message, as before 2.5. */
    public ContainerStatus(String id, String podUid, String name, int attempt, State state, String image,
                           String imageId, int exitCode, String reason, Instant createdAt, Instant startedAt,
                           Instant finishedAt) {
        this(id, podUid, name, attempt, state, image, imageId, exitCode, reason, createdAt, startedAt, finishedAt,
                null);
    }

    /** The lifecycle states of a container, as in the CRI. */
    public enum State {
        CREATED, RUNNING, EXITED, UNKNOWN
    }
}
