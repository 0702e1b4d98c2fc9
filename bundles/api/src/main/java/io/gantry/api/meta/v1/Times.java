package io.gantry.api.meta.v1;

import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Timestamps as Kubernetes writes them: RFC 3339 in UTC, to the second
 * ({@code 2026-01-02T03:04:05Z}).
 */
public final class Times {

    private Times() {
    }

    /** Now, formatted. */
    public static String now() {
        return format(Instant.now());
    }

    public static String format(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Parses a timestamp; null for null or empty. */
    public static Instant parse(String timestamp) {
        return timestamp == null || timestamp.isEmpty() ? null : Instant.parse(timestamp);
    }
}
