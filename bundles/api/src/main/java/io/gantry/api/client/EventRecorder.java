package io.gantry.api.client;

import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.EventSource;
import io.gantry.api.core.v1.ObjectReference;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.Times;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records v1 Events about objects, as client-go's event recorder does, for {@code kubectl
 * describe} and {@code kubectl get events}. A repeat of an event (same object, type, reason and
 * message from the same source) raises the stored event's {@code count} and
 * {@code lastTimestamp} instead of adding another.
 *
 * <p>Events are best effort: they are written in the background, one at a time, and dropped
 * (with a log line) when the API is unavailable or the backlog is full, so that recording one
 * never blocks or fails the work it describes.
 */
public final class EventRecorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EventRecorder.class);
    private static final int BACKLOG = 1000;
    private static final int REMEMBERED = 4096;

    private final ApiClient api;
    private final EventSource source;
    private final ThreadPoolExecutor writer;
    /** The event stored for each recent distinct event, to raise its count on a repeat; writer thread only. */
    private final Map<String, Event> recent = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Event> eldest) {
            return size() > REMEMBERED;
        }
    };

    /**
     * A recorder reporting as one component.
     *
     * @param component the source component, as Kubernetes names them ({@code default-scheduler},
     *     {@code replicaset-controller}, {@code kubelet})
     * @param host the node the component runs on, or null
     */
    public EventRecorder(ApiClient api, String component, String host) {
        this.api = api;
        this.source = new EventSource(component, host);
        this.writer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(BACKLOG), r -> {
            Thread thread = new Thread(r, "gantry-events-" + component);
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Records a {@code Normal} event. */
    public void normal(KubeObject involved, String reason, String message) {
        event(involved, Event.NORMAL, reason, message);
    }

    /** Records a {@code Warning} event. */
    public void warning(KubeObject involved, String reason, String message) {
        event(involved, Event.WARNING, reason, message);
    }

    /**
     * Records an event about an object.
     *
     * @param type {@link Event#NORMAL} or {@link Event#WARNING}
     * @param reason a short CamelCase word ({@code SuccessfulCreate})
     */
    public void event(KubeObject involved, String type, String reason, String message) {
        event(involved, null, type, reason, message);
    }

    /**
     * Records an event about a part of an object, as the kubelet's events name a container:
     * {@code fieldPath} {@code spec.containers{web}}.
     */
    public void event(KubeObject involved, String fieldPath, String type, String reason, String message) {
        ObjectReference reference = reference(involved);
        reference.fieldPath = fieldPath;
        Instant now = Instant.now();
        try {
            writer.execute(() -> write(reference, type, reason, message, now));
        } catch (RuntimeException rejected) {
            LOG.debug("Event {} about {} {} dropped: the backlog is full or the recorder closed", reason,
                    reference.kind, reference.name);
        }
    }

    /** Stops writing; events not yet written are dropped. */
    @Override
    public void close() {
        writer.shutdownNow();
    }

    /** A reference to an object as events carry it. */
    public static ObjectReference reference(KubeObject object) {
        ObjectReference reference = new ObjectReference();
        reference.apiVersion = object.apiVersion;
        reference.kind = object.kind;
        reference.namespace = object.metadata.namespace;
        reference.name = object.metadata.name;
        reference.uid = object.metadata.uid;
        reference.resourceVersion = object.metadata.resourceVersion;
        return reference;
    }

    private void write(ObjectReference involved, String type, String reason, String message, Instant when) {
        String key = String.join("\u0000", Objects.toString(involved.kind), Objects.toString(involved.namespace),
                Objects.toString(involved.name), Objects.toString(involved.uid), Objects.toString(involved.fieldPath), type,
                reason, Objects.toString(message));
        Event previous = recent.get(key);
        try {
            recent.put(key, previous == null ? create(involved, type, reason, message, when) : repeat(previous, when));
        } catch (ApiException e) {
            if (previous != null && (e.isNotFound() || e.code() == 409)) {
                // the stored event expired or moved on: start a fresh one
                try {
                    recent.put(key, create(involved, type, reason, message, when));
                    return;
                } catch (ApiException again) {
                    e = again;
                }
            }
            recent.remove(key);
            LOG.debug("Cannot record event {} about {} {}: {}", reason, involved.kind, involved.name, e.getMessage());
        } catch (RuntimeException e) {
            recent.remove(key);
            LOG.debug("Cannot record event {} about {} {}", reason, involved.kind, involved.name, e);
        }
    }

    private Event create(ObjectReference involved, String type, String reason, String message, Instant when) {
        Event event = new Event();
        String namespace = involved.namespace == null || involved.namespace.isEmpty() ? "default" : involved.namespace;
        // named as client-go names events: the object's name and the time in hex nanoseconds
        long nanos = when.getEpochSecond() * 1_000_000_000L + when.getNano();
        event.metadata.name = involved.name + "." + Long.toHexString(nanos);
        event.metadata.namespace = namespace;
        event.involvedObject = involved;
        event.type = type;
        event.reason = reason;
        event.message = message;
        event.source = source;
        event.firstTimestamp = Times.format(when);
        event.lastTimestamp = event.firstTimestamp;
        event.count = 1;
        event.reportingComponent = source.component;
        event.reportingInstance = source.host;
        return api.create(ResourceKind.EVENTS, event);
    }

    private Event repeat(Event stored, Instant when) {
        stored.count = stored.count == null ? 2 : stored.count + 1;
        stored.lastTimestamp = Times.format(when);
        return api.update(ResourceKind.EVENTS, stored);
    }
}
