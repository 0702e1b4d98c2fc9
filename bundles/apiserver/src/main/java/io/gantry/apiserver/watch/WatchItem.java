package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.json.Json;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * One event as watchers see it: its type, the object and the revision. The same item is handed to
 * every watcher that sees the change the same way, so the object is decoded once and the line
 * written to HTTP watchers is encoded once: both are shared and must not be changed.
 */
public final class WatchItem {

    private final WatchEvent.Type type;
    private final ObjectNode object;
    private final long revision;
    private final ApiException error;
    private volatile byte[] line;

    private WatchItem(WatchEvent.Type type, ObjectNode object, long revision, ApiException error) {
        this.type = type;
        this.object = object;
        this.revision = revision;
        this.error = error;
    }

    static WatchItem event(WatchEvent.Type type, ObjectNode object, long revision) {
        return new WatchItem(type, object, revision, null);
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
        return object;
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
            Json.mapper().writeValue(out, object);
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
