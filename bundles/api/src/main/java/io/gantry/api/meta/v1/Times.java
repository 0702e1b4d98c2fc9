package io.gantry.api.meta.v1;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;

/**
 * Timestamps as Kubernetes writes them: RFC 3339 in UTC, to the second
 * ({@code 2026-01-02T03:04:05Z}) for {@code Time}, to the microsecond
 * ({@code 2026-01-02T03:04:05.123456Z}) for {@code MicroTime} (a Lease's renewTime, an
 * events.k8s.io Event's eventTime).
 */
public final class Times {

    private static final DateTimeFormatter MICRO =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    private Times() {
    }

    /** Now, formatted. */
    public static String now() {
        return format(Instant.now());
    }

    public static String format(Instant instant) {
        return instant == null ? null : DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    /** Now, as a MicroTime. */
    public static String nowMicro() {
        return formatMicro(Instant.now());
    }

    /** A MicroTime: always six fractional digits, as Kubernetes' RFC3339Micro. */
    public static String formatMicro(Instant instant) {
        return instant == null ? null : MICRO.format(instant);
    }

    /** Parses a timestamp; null for null or empty. */
    public static Instant parse(String timestamp) {
        return timestamp == null || timestamp.isEmpty() ? null : Instant.parse(timestamp);
    }
}
