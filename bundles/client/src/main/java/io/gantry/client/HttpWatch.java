package io.gantry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch over HTTP: {@code GET ...?watch=1}, read as newline-delimited JSON events, that
 * outlives the connection it started on. When the stream ends (the server's deadline, a server
 * that stops, a connection lost or silent for longer than the idle timeout) the watch opens again
 * from the last resourceVersion it saw, on the next API server if that one failed; bookmarks keep
 * that version fresh and are not handed on (in-process watches send none). The listener is told
 * {@code onClose} once: with null when the client closes the watch, with the server's Status (410
 * Expired, ...) when the server ends it, with a 503 when no server takes it back.
 *
 * <p>Events are delivered one at a time, under this watch's lock, and never after {@code onClose}.
 */
final class HttpWatch<T extends KubeObject> implements Watch {

    private static final Logger LOG = LoggerFactory.getLogger(HttpWatch.class);
    private static final int MAX_EMPTY_STREAMS = 3;

    private final ApiTransport transport;
    private final ResourceKind<T> kind;
    private final String path;
    private final Map<String, String> selectors;
    private final WatchListener<T> listener;
    /** Reads the kind's type from an event's object, with or without its managedFields. */
    private final ObjectReader reader;
    /** Guards the state below and every delivery to the listener. */
    private final Object lock = new Object();
    private String resourceVersion;
    /** The stream events are taken from; null between streams. */
    private EventStream current;
    private boolean closed;
    /** Streams in a row that ended before they carried a byte: a server that ends every watch at once. */
    private int emptyStreams;
    private ScheduledFuture<?> watchdog;

    private HttpWatch(ApiTransport transport, ResourceKind<T> kind, String path, Map<String, String> selectors,
                      String resourceVersion, ObjectReader reader, WatchListener<T> listener) {
        this.transport = transport;
        this.reader = reader;
        this.kind = kind;
        this.path = path;
        this.selectors = selectors;
        this.resourceVersion = resourceVersion;
        this.listener = listener;
    }

    /**
     * Opens a watch; a server's refusal (410 Expired, 504 too large resource version, ...) is thrown
     * here, as the in-process client throws it.
     */
    static <T extends KubeObject> HttpWatch<T> open(ApiTransport transport, ResourceKind<T> kind, String path,
                                                    Map<String, String> selectors, String resourceVersion,
                                                    ObjectReader reader, WatchListener<T> listener) {
        HttpWatch<T> watch = new HttpWatch<>(transport, kind, path, selectors, resourceVersion, reader, listener);
        watch.connect(resourceVersion);
        long idle = transport.settings().watchIdleTimeout().toMillis();
        long period = Math.max(200, Math.min(1000, idle / 3));
        synchronized (watch.lock) {
            if (!watch.closed) {
                watch.watchdog = transport.timer().scheduleWithFixedDelay(watch::checkIdle, period, period,
                        TimeUnit.MILLISECONDS);
            }
        }
        return watch;
    }

    @Override
    public void close() {
        end(null);
    }

    /**
     * Opens a stream from a revision on the first server that takes it, and makes it the current one.
     *
     * @throws ApiException a server's refusal, or 503 when none could be reached
     */
    private void connect(String from) {
        Map<String, String> parameters = ApiPaths.parameters("watch", "1", "allowWatchBookmarks", "true",
                "resourceVersion", from);
        parameters.putAll(selectors);
        String pathAndQuery = path + ApiPaths.query(parameters);
        List<URI> candidates = transport.servers().inOrder();
        if (candidates.isEmpty()) {
            throw ApiTransport.noServer();
        }
        IOException lastFailure = null;
        ApiTransport.Answer lastAnswer = null;
        long timeout = transport.settings().requestTimeout().toMillis();
        for (URI server : candidates) {
            EventStream stream = new EventStream(server);
            synchronized (lock) {
                if (closed) {
                    return;
                }
                current = stream; // before the request: events may come as soon as the headers did
            }
            CompletableFuture<HttpResponse.ResponseInfo> head = new CompletableFuture<>();
            HttpResponse.BodyHandler<byte[]> handler = info -> {
                head.complete(info);
                return info.statusCode() == 200 ? HttpResponse.BodySubscribers.fromSubscriber(stream, s -> null)
                        : HttpResponse.BodySubscribers.ofByteArray();
            };
            HttpRequest request = transport.request(server, "GET", pathAndQuery, null, null).build();
            CompletableFuture<HttpResponse<byte[]>> response = transport.http().sendAsync(request, handler);
            response.whenComplete((answer, failure) -> {
                if (failure != null) {
                    head.completeExceptionally(failure);
                }
            });
            try {
                HttpResponse.ResponseInfo info = head.get(timeout, TimeUnit.MILLISECONDS);
                if (info.statusCode() == 200) {
                    return;
                }
                stream.cancel();
                HttpResponse<byte[]> refused = response.get(timeout, TimeUnit.MILLISECONDS);
                lastAnswer = new ApiTransport.Answer(refused.statusCode(), refused.body(), server);
                if (refused.statusCode() != 503) {
                    synchronized (lock) {
                        current = null;
                    }
                    throw ApiTransport.error(lastAnswer);
                }
                transport.servers().failed(server); // that server's backend cannot answer; another's may
            } catch (ExecutionException e) {
                stream.cancel();
                lastFailure = e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
                transport.servers().failed(server);
                LOG.debug("Watch of {} on {} failed ({}); trying the next API server", kind, server,
                        ApiTransport.describe(lastFailure));
            } catch (TimeoutException e) {
                stream.cancel();
                response.cancel(true);
                lastFailure = new IOException("no answer within " + timeout + " ms");
                transport.servers().failed(server);
            } catch (InterruptedException e) {
                stream.cancel();
                Thread.currentThread().interrupt();
                throw ApiException.unavailable("interrupted while opening the watch of " + kind);
            }
        }
        synchronized (lock) {
            current = null;
        }
        throw lastAnswer != null ? ApiTransport.error(lastAnswer) : transport.unreachable(lastFailure);
    }

    /** One line of the stream: an event, or blanks the server writes to keep an idle watch alive. */
    private void onLine(EventStream stream, byte[] bytes, int length) {
        JsonNode event;
        try {
            event = Json.mapper().readTree(bytes, 0, length);
        } catch (IOException e) {
            LOG.warn("Watch of {} on {} sent a line that is no JSON event ({}); watching again", kind, stream.server,
                    e.getMessage());
            stream.cancel();
            streamEnded(stream, true);
            return;
        }
        if (event == null || event.isMissingNode()) {
            return; // blanks only
        }
        String type = event.path("type").asText();
        if (type.equals("ERROR")) {
            Status status = ApiTransport.status(Json.bytes(event.path("object")));
            ApiException cause = status != null ? new ApiException(status)
                    : ApiException.internal("the watch of " + kind + " ended with an error without a Status");
            synchronized (lock) {
                if (stream != current) {
                    return;
                }
            }
            end(cause, false);
            return;
        }
        WatchEvent.Type eventType;
        T object;
        try {
            eventType = WatchEvent.Type.valueOf(type);
            object = reader.readValue(event.path("object"));
        } catch (IllegalArgumentException | IOException e) {
            LOG.warn("Watch of {} on {} sent an event that is no {} ({}); watching again", kind, stream.server,
                    kind.kind(), e.getMessage());
            stream.cancel();
            streamEnded(stream, true);
            return;
        }
        synchronized (lock) {
            if (closed || stream != current) {
                return; // a stream left behind: the one that replaced it carries on from its version
            }
            if (object.metadata != null && object.metadata.resourceVersion != null) {
                resourceVersion = object.metadata.resourceVersion;
            }
            if (eventType != WatchEvent.Type.BOOKMARK) {
                listener.onEvent(new WatchEvent<>(eventType, object));
            }
        }
    }

    /** The current stream ended: open another from the last version seen, elsewhere if it failed. */
    private void streamEnded(EventStream stream, boolean failed) {
        boolean endless;
        synchronized (lock) {
            if (closed || stream != current) {
                return;
            }
            current = null;
            emptyStreams = stream.received ? 0 : emptyStreams + 1;
            endless = emptyStreams >= MAX_EMPTY_STREAMS;
        }
        if (endless) {
            // reopening would only loop: let the caller decide (an informer lists again, later)
            end(ApiException.unavailable("the API servers end the watch of " + kind + " as soon as it opens"), false);
            return;
        }
        if (failed) {
            transport.servers().failed(stream.server);
        }
        try {
            transport.http().executor().orElseThrow().execute(this::reopen);
        } catch (RuntimeException rejected) {
            end(ApiException.unavailable("the client is closing"), false);
        }
    }

    private void reopen() {
        String from;
        synchronized (lock) {
            if (closed) {
                return;
            }
            from = resourceVersion;
        }
        if (from == null || from.isEmpty() || from.equals("0")) {
            // a watch from "now" that saw nothing: reopening from now could miss a change
            end(ApiException.unavailable("the watch of " + kind + " ended before its first event"), false);
            return;
        }
        try {
            connect(from);
            LOG.debug("Watch of {} continues from {} on {}", kind, from, transport.servers().current());
        } catch (ApiException e) {
            end(e, false);
        }
    }

    private void checkIdle() {
        EventStream stream;
        synchronized (lock) {
            stream = current;
        }
        long idleNanos = transport.settings().watchIdleTimeout().toNanos();
        if (stream != null && stream.started && System.nanoTime() - stream.lastActivity > idleNanos) {
            LOG.info("Watch of {} on {} silent for {} s; watching again from the next API server", kind, stream.server,
                    transport.settings().watchIdleTimeout().toSeconds());
            stream.cancel();
            streamEnded(stream, true);
        }
    }

    private void end(ApiException cause) {
        end(cause, true);
    }

    /** Ends the watch once: stops the stream and the watchdog, then tells the listener (if asked to). */
    private void end(ApiException cause, boolean byClient) {
        EventStream stream;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            stream = current;
            current = null;
            if (watchdog != null) {
                watchdog.cancel(false);
            }
        }
        if (stream != null) {
            stream.cancel();
        }
        if (!byClient && cause != null && cause.code() != 410) {
            LOG.debug("Watch of {} ended: {}", kind, cause.getMessage());
        }
        listener.onClose(cause);
    }

    /** The body of one watch response, split into lines as it comes. */
    private final class EventStream implements Flow.Subscriber<List<ByteBuffer>> {

        private final URI server;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();
        private volatile Flow.Subscription subscription;
        private volatile boolean cancelled;
        private volatile boolean started;
        private volatile boolean received;
        private volatile long lastActivity = System.nanoTime();

        EventStream(URI server) {
            this.server = server;
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            lastActivity = System.nanoTime();
            started = true;
            if (cancelled) {
                subscription.cancel();
            } else {
                subscription.request(1);
            }
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            lastActivity = System.nanoTime();
            for (ByteBuffer buffer : buffers) {
                if (buffer.hasRemaining()) {
                    received = true;
                }
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        byte[] bytes = line.toByteArray();
                        line.reset();
                        if (!cancelled && !blank(bytes)) {
                            onLine(this, bytes, bytes.length);
                        }
                    } else {
                        line.write(b);
                    }
                }
            }
            if (!cancelled) {
                subscription.request(1);
            }
        }

        @Override
        public void onError(Throwable failure) {
            if (!cancelled) {
                LOG.debug("Watch of {} on {} lost its connection: {}", kind, server, ApiTransport.describe(failure));
                streamEnded(this, true);
            }
        }

        @Override
        public void onComplete() {
            if (!cancelled) {
                streamEnded(this, false);
            }
        }

        void cancel() {
            cancelled = true;
            Flow.Subscription s = subscription;
            if (s != null) {
                s.cancel();
            }
        }

        private static boolean blank(byte[] bytes) {
            for (byte b : bytes) {
                if (b != ' ' && b != '\r' && b != '\t') {
                    return false;
                }
            }
            return true;
        }
    }
}
