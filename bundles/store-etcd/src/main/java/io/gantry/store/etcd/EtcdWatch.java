package io.gantry.store.etcd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import io.gantry.api.store.StoredEntry;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One etcd watch stream under a key prefix, read by its own thread, that turns etcd's events into
 * store events. If the stream breaks (etcd restarts, a connection drops) it resumes after the last
 * revision it delivered, so each change still arrives exactly once; if it cannot resume within
 * the deadline, or etcd has compacted the revisions it needs, the watch ends.
 */
final class EtcdWatch implements StoreWatch {

    private static final Logger LOG = LoggerFactory.getLogger(EtcdWatch.class);

    private final EtcdGateway etcd;
    private final Keys keys;
    private final String prefix;
    private final long offset;
    private final StoreWatchListener listener;
    private final Consumer<EtcdWatch> ended;
    private final Duration resumeDeadline;
    private final AtomicBoolean open = new AtomicBoolean(true);
    private final Thread reader;
    private volatile InputStream stream;
    private long healthy = System.nanoTime();
    private String lastError;
    // etcd revision of the last change delivered (or the one the watch starts after)
    private long delivered;

    EtcdWatch(EtcdGateway etcd, Keys keys, String prefix, long afterEtcdRevision, long offset,
            StoreWatchListener listener, Consumer<EtcdWatch> ended, Duration resumeDeadline) {
        this.etcd = etcd;
        this.keys = keys;
        this.prefix = prefix;
        this.offset = offset;
        this.listener = listener;
        this.ended = ended;
        this.resumeDeadline = resumeDeadline;
        this.delivered = afterEtcdRevision;
        this.stream = open();
        this.reader = new Thread(this::read, "gantry-store-etcd-watch " + prefix);
        reader.setDaemon(true);
        reader.start();
    }

    private InputStream open() {
        ObjectNode create = etcd.object();
        create.put("key", EtcdGateway.base64(keys.etcdKey(prefix)));
        create.put("range_end", EtcdGateway.base64(EtcdGateway.prefixEnd(keys.etcdKey(prefix))));
        create.put("start_revision", Long.toString(delivered + 1));
        create.put("prev_kv", true);
        ObjectNode body = etcd.object();
        body.set("create_request", create);
        return etcd.stream("/v3/watch", body);
    }

    private void read() {
        while (open.get()) {
            try (MappingIterator<JsonNode> messages = etcd.json().readerFor(JsonNode.class).readValues(stream)) {
                while (open.get() && messages.hasNextValue()) {
                    if (!handle(messages.nextValue())) {
                        return;
                    }
                }
            } catch (StreamBroken e) {
                LOG.debug("etcd broke the watch stream under {}: {}; resuming after revision {}", prefix, lastError, delivered);
            } catch (IOException | RuntimeException e) {
                lastError = e.toString();
                if (open.get()) {
                    LOG.debug("etcd watch stream under {} broke; resuming after revision {}", prefix, delivered, e);
                }
            }
            if (open.get() && !resume()) {
                return;
            }
        }
    }

    /** Handles one message of the stream; false when the watch has ended. */
    private boolean handle(JsonNode message) {
        if (message.has("error")) {
            // the gateway lost its stream to etcd (etcd stopping, a leader change): resume
            lastError = message.path("error").path("message").asText(message.path("error").toString());
            throw new StreamBroken();
        }
        JsonNode result = message.path("result");
        healthy = System.nanoTime();
        if (result.path("canceled").asBoolean(false)) {
            long compactRevision = result.path("compact_revision").asLong(0);
            if (compactRevision > 0) {
                end(new StoreException.Compacted(delivered + offset, compactRevision + offset + 1));
            } else {
                end(new StoreException("etcd cancelled the watch under " + prefix + ": " + result.path("cancel_reason").asText("")));
            }
            return false;
        }
        for (JsonNode event : result.path("events")) {
            StoreEvent converted = event(event);
            long etcdRevision = converted.revision() - offset;
            if (etcdRevision > delivered && open.get()) {
                delivered = etcdRevision;
                try {
                    listener.onEvent(converted);
                } catch (RuntimeException e) {
                    LOG.error("Watch listener failed on revision {}; ending the watch", converted.revision(), e);
                    end(new StoreException("watch listener failed: " + e));
                    return false;
                }
            }
        }
        return true;
    }

    private StoreEvent event(JsonNode event) {
        JsonNode kv = event.path("kv");
        String key = keys.storeKey(EtcdGateway.text(kv.path("key")));
        long modRevision = kv.path("mod_revision").asLong() + offset;
        if ("DELETE".equals(event.path("type").asText("PUT"))) {
            JsonNode prev = event.path("prev_kv");
            return new StoreEvent(StoreEvent.Type.DELETE, new StoredEntry(key, EtcdGateway.bytes(prev.get("value")),
                    prev.path("create_revision").asLong() + offset, modRevision));
        }
        return new StoreEvent(StoreEvent.Type.PUT, new StoredEntry(key, EtcdGateway.bytes(kv.get("value")),
                kv.path("create_revision").asLong() + offset, modRevision));
    }

    /** Opens the stream again after the last delivered revision; false if that failed for good. */
    private boolean resume() {
        // measured from the last good message, so that a stream that opens and fails again and
        // again also ends
        long deadline = healthy + resumeDeadline.toNanos();
        StoreException last = null;
        while (open.get() && System.nanoTime() < deadline) {
            try {
                stream = open();
                return true;
            } catch (StoreException e) {
                last = e;
                try {
                    Thread.sleep(200); // etcd is away: try again shortly, until the deadline
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
        }
        end(new StoreException("lost the etcd watch under " + prefix + " after revision " + (delivered + offset)
                + ": " + (last == null ? lastError : last.getMessage())));
        return false;
    }

    void end(StoreException cause) {
        if (open.compareAndSet(true, false)) {
            closeStream();
            ended.accept(this);
            listener.onClose(cause);
        }
    }

    private void closeStream() {
        try {
            stream.close();
        } catch (IOException e) {
            // closing only to stop the stream
        }
    }

    @Override
    public void close() {
        end(null);
    }

    /** The stream broke in a way that a new stream may mend. */
    private static final class StreamBroken extends RuntimeException {
        private static final long serialVersionUID = 1L;

        StreamBroken() {
            super(null, null, false, false);
        }
    }
}
