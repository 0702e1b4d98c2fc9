package io.gantry.api.runtime;

import java.time.Instant;

/**
 * Which part of a container's log to read, as {@code kubectl logs} asks for it.
 *
 * @param follow     keep streaming what the container writes until it stops or the reader goes away
 * @param tailLines  only the last lines of the log; null for all of it
 * @param since      only lines written at or after this time; null for all of them
 * @param timestamps prefix each line with the time it was written (RFC 3339 with nanoseconds)
 */
public record LogOptions(boolean follow, Integer tailLines, Instant since, boolean timestamps) {

    /** The whole log, once, without timestamps. */
    public static LogOptions all() {
        return new LogOptions(false, null, null, false);
    }
}
