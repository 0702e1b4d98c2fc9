package io.gantry.api.store.migration;

import java.time.Instant;

/**
 * A migration of the cluster state between two storage backends, as far as it has come.
 *
 * @param objects the objects copied (or to copy, while copying)
 * @param revision while copying, the snapshot's revision; once done, the new backend's current one
 * @param message what happened, for the shell and the log
 */
public record Migration(String source, String target, State state, int objects, long revision, String message,
        Instant started, Instant finished) {

    /** Where a migration is. */
    public enum State {
        /** Waiting for the writes in progress to finish; new writes wait. */
        GATING,
        /** Copying the snapshot into the target backend. */
        COPYING,
        /** The target backend is in use. */
        DONE,
        /** The source backend is still in use; nothing was lost. */
        FAILED
    }

    /** The same migration at a later step; the finish time is set once it is over. */
    public Migration next(State state, int objects, long revision, String message) {
        boolean over = state == State.DONE || state == State.FAILED;
        return new Migration(source, target, state, objects, revision, message, started, over ? Instant.now() : null);
    }

    /** Whether the migration is still going on. */
    public boolean running() {
        return state == State.GATING || state == State.COPYING;
    }
}
