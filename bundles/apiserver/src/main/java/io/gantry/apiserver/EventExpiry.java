package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.Daemons;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.Times;
import io.gantry.apiserver.registry.KindStrategy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes events once they were last seen longer ago than the event TTL, as kube-apiserver's
 * {@code --event-ttl} (1 hour by default) does through etcd leases: without it every pod start,
 * probe failure and scaling step would stay in the store for good. An event's last sighting is the
 * latest of its {@code lastTimestamp}, {@code series.lastObservedTime}, {@code eventTime} and
 * {@code creationTimestamp}, so an event that repeats lives on. Each API server sweeps; a delete
 * names the resourceVersion it saw, so an event that changed in between stays.
 */
final class EventExpiry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventExpiry.class);

    private final Registry registry;
    private final Duration ttl;
    private final Clock clock;
    private final ScheduledExecutorService executor;

    EventExpiry(Registry registry, Duration ttl, Clock clock) {
        this.registry = registry;
        this.ttl = ttl;
        this.clock = clock;
        this.executor = Daemons.scheduler("gantry-event-expiry");
        // a sweep every quarter of the TTL (a minute at most): an event outlives its TTL by that much at most
        long period = Math.max(1000, Math.min(60_000, ttl.toMillis() / 4));
        executor.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    /** How long after its last sighting an event is deleted. */
    Duration ttl() {
        return ttl;
    }

    /** Deletes the expired events now; returns how many. */
    int sweep() {
        if (!registry.hasBackend()) {
            return 0;
        }
        KindStrategy events = registry.kinds().of(ResourceKind.EVENTS);
        Instant oldest = clock.instant().minus(ttl);
        int deleted = 0;
        try {
            for (JsonNode event : registry.store().list(events, null, Selection.all(), 0, null).path("items")) {
                if (lastSeen(event).isBefore(oldest) && delete(events, event)) {
                    deleted++;
                }
            }
        } catch (RuntimeException e) {
            LOG.debug("Event expiry deferred: {}", e.getMessage());
        }
        if (deleted > 0) {
            LOG.debug("Deleted {} event(s) last seen more than {} ago", deleted, ttl);
        }
        return deleted;
    }

    private boolean delete(KindStrategy events, JsonNode event) {
        JsonNode metadata = event.path("metadata");
        DeleteOptions options = new DeleteOptions();
        options.preconditions = new DeleteOptions.Preconditions();
        options.preconditions.resourceVersion = metadata.path("resourceVersion").asText();
        try {
            registry.store().delete(events, metadata.path("namespace").asText(), metadata.path("name").asText(), options,
                    WriteOptions.internal());
            return true;
        } catch (ApiException e) {
            if (e.isNotFound() || e.isConflict()) {
                return false; // gone already, or seen again since the list
            }
            throw e;
        }
    }

    /** When the event was last seen: the latest of its timestamps. */
    static Instant lastSeen(JsonNode event) {
        Instant latest = Instant.EPOCH;
        for (JsonNode time : new JsonNode[] {event.path("lastTimestamp"), event.path("series").path("lastObservedTime"),
                event.path("eventTime"), event.path("metadata").path("creationTimestamp")}) {
            if (time.isTextual() && !time.asText().isEmpty()) {
                try {
                    Instant at = Times.parse(time.asText());
                    latest = at.isAfter(latest) ? at : latest;
                } catch (DateTimeParseException e) {
                    // a time the schema let through but Java cannot read: the others decide
                }
            }
        }
        return latest;
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
