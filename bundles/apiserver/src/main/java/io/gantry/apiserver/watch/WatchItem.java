package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.store.StoredEntry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One event as watchers see it: its type, the object and the revision. The same item is handed to
 * every watcher that sees the change the same way, so the object is decoded once and the line
 * written to HTTP watchers is encoded once: both are shared and must not be changed.
 *
 * <p>An item of a stored value is decoded when first asked for: a watcher in this JVM that
 * wants the kind's Java type gets it straight from the stored bytes ({@link #as}), and the tree
 * is made only for a watcher that needs it (an HTTP stream, a selector).
 */
public final class WatchItem {

    private final WatchEvent.Type type;
    private final long revision;
    private final ApiException error;
    /** The stored value and its view, for an item decoded on demand; null once decoded or for a made tree. */
    private StoredEntry stored;
    private StoredView view;
    private volatile ObjectNode object;
    private volatile byte[] line;

    private WatchItem(WatchEvent.Type type, ObjectNode object, long revision, ApiException error) {
        this.type = type;
        this.object = object;
        this.revision = revision;
        this.error = error;
    }

    private WatchItem(WatchEvent.Type type, StoredEntry stored, StoredView view, long revision) {
        this(type, (ObjectNode) null, revision, null);
        this.stored = stored;
        this.view = view;
    }

    static WatchItem event(WatchEvent.Type type, ObjectNode object, long revision) {
        return new WatchItem(type, object, revision, null);
    }

    /** An event of a stored value, with its modRevision as resourceVersion, decoded on demand. */
    static WatchItem event(WatchEvent.Type type, StoredEntry stored, StoredView view, long revision) {
        return new WatchItem(type, stored, view, revision);
    }

    static WatchItem bookmark(String kind, String apiVersion, long revision) {
        ObjectNode object = Json.mapper().createObjectNode();
        object.put("kind", kind);
        object.put("apiVersion", apiVersion);
        object.putObject("metadata").put("resourceVersion", String.valueOf(revision));
        return new WatchItem(WatchEvent.Type.BOOKMARK, object, revision, null);
    }

    static WatchItem error(ApiException cause) {
        return new WatchItem(WatchEvent.Type.ERROR, Json.mapper().valueToTree(cause.status()), 0, cause);
    }

    /** ADDED, MODIFIED, DELETED, BOOKMARK, or ERROR (the last item of a watch the cache ended). */
    public WatchEvent.Type type() {
        return type;
    }

    /** The object (with its resourceVersion), a bookmark's stub, or the Status of an ERROR; shared, read-only. */
    public ObjectNode object() {
        ObjectNode decoded = object;
        if (decoded == null) {
            synchronized (this) {
                decoded = object;
                if (decoded == null) {
                    decoded = decode(stored, view);
                    object = decoded;
                    stored = null;
                    view = null;
                }
            }
        }
        return decoded;
    }

    /**
     * The object as the Java type of its kind, read by the reader, a new one for each call (the
     * caller's to change): from the stored bytes when no tree has been made and the view is the
     * stored form, else from the tree.
     */
    public <T extends KubeObject> T as(ObjectReader reader) throws IOException {
        StoredEntry value;
        synchronized (this) {
            value = object == null && view != null && view.isStoredForm() ? stored : null;
        }
        if (value == null) {
            return reader.readValue(object());
        }
        T typed = reader.readValue(value.value());
        typed.metadata.resourceVersion = String.valueOf(value.modRevision());
        return typed;
    }

    /** A stored value as watchers of the view see it, with its modRevision as resourceVersion. */
    static ObjectNode decode(StoredEntry entry, StoredView view) {
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(entry.value());
        } catch (IOException e) {
            throw new UncheckedIOException("stored value of " + entry.key() + " is not JSON", e);
        }
        if (!(tree instanceof ObjectNode decoded)) {
            throw new IllegalStateException("stored value of " + entry.key() + " is not a JSON object");
        }
        metadata(decoded).put("resourceVersion", String.valueOf(entry.modRevision()));
        return view.convert().apply(decoded);
    }

    /** An object's metadata, made if it has none. */
    static ObjectNode metadata(ObjectNode object) {
        JsonNode metadata = object.get("metadata");
        return metadata instanceof ObjectNode found ? found : object.putObject("metadata");
    }

    /** The revision of the change or bookmark; 0 for an ERROR. */
    public long revision() {
        return revision;
    }

    /** Why the watch was ended, for an ERROR item; null otherwise. */
    public ApiException error() {
        return error;
    }

    /** The event as a line of a Kubernetes watch stream, {@code {"type":..,"object":..}\n}; shared, read-only. */
    public byte[] line() {
        byte[] encoded = line;
        if (encoded == null) {
            synchronized (this) {
                encoded = line;
                if (encoded == null) {
                    encoded = encode();
                    line = encoded;
                }
            }
        }
        return encoded;
    }

    private byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        out.writeBytes(("{\"type\":\"" + type.name() + "\",\"object\":").getBytes(StandardCharsets.US_ASCII));
        try {
            Json.mapper().writeValue(out, object());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.writeBytes("}\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Override
    public String toString() {
        return type + "@" + revision;
    }
}
