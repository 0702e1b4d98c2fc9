package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.json.Json;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoredEntry;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One store change, decoded once and shared by every watcher: the object after it (for a delete,
 * the last value) with {@code metadata.resourceVersion} set to the change's revision, and the
 * object before it, which decides whether a watcher with a selector sees an ADDED, MODIFIED or
 * DELETED event. The watch items are made at most once per type.
 */
final class Change {

    final String key;
    final long revision;
    final boolean deleted;
    final ObjectNode object;
    /** Dropped once the change leaves the history: only a replay needs it. Guarded by the cache's lock. */
    private ObjectNode previous;
    private WatchItem added;
    private WatchItem modified;
    private WatchItem removed;
    private WatchItem leftSelection;

    private Change(String key, long revision, boolean deleted, ObjectNode object, ObjectNode previous) {
        this.key = key;
        this.revision = revision;
        this.deleted = deleted;
        this.object = object;
        this.previous = previous;
    }

    /** A stored entry as the cache first listed it. */
    static Change listed(StoredEntry entry, StoredView view) {
        return new Change(entry.key(), entry.modRevision(), false, view.convert().apply(decode(entry)), null);
    }

    /** A watched change, after {@code before} (null if the key was absent). */
    static Change of(StoreEvent event, Change before, StoredView view) {
        boolean deleted = event.type() == StoreEvent.Type.DELETE;
        ObjectNode previous = before == null || before.deleted ? null : before.object;
        return new Change(event.entry().key(), event.revision(), deleted, view.convert().apply(decode(event.entry())),
                previous);
    }

    /**
     * What a watcher with this request sees of the change, or null if nothing: an object that
     * starts matching its selector is ADDED, one that stops matching is DELETED, as
     * kube-apiserver's watch cache does. Under the cache's lock.
     */
    WatchItem itemFor(WatchRequest request) {
        boolean now = !deleted && request.sees(key, object);
        boolean before = deleted ? request.sees(key, object) : previous != null && request.sees(key, previous);
        if (now) {
            return before ? item(WatchEvent.Type.MODIFIED) : item(WatchEvent.Type.ADDED);
        }
        if (before) {
            return deleted ? item(WatchEvent.Type.DELETED) : leftSelection();
        }
        return null;
    }

    /** Forgets the object before the change, which no watcher will ask about again. Under the cache's lock. */
    void forgetPrevious() {
        previous = null;
    }

    /** The item of one type, made once. */
    synchronized WatchItem item(WatchEvent.Type type) {
        switch (type) {
            case ADDED -> {
                if (added == null) {
                    added = WatchItem.event(type, object, revision);
                }
                return added;
            }
            case MODIFIED -> {
                if (modified == null) {
                    modified = WatchItem.event(type, object, revision);
                }
                return modified;
            }
            case DELETED -> {
                if (removed == null) {
                    removed = WatchItem.event(type, object, revision);
                }
                return removed;
            }
            default -> throw new IllegalArgumentException(type.name());
        }
    }

    /** The object left a watcher's selection: DELETED with its previous content at this revision. */
    private synchronized WatchItem leftSelection() {
        if (leftSelection == null) {
            ObjectNode last = previous.deepCopy();
            metadata(last).put("resourceVersion", String.valueOf(revision));
            leftSelection = WatchItem.event(WatchEvent.Type.DELETED, last, revision);
        }
        return leftSelection;
    }

    private static ObjectNode decode(StoredEntry entry) {
        JsonNode tree;
        try {
            tree = Json.mapper().readTree(entry.value());
        } catch (IOException e) {
            throw new UncheckedIOException("stored value of " + entry.key() + " is not JSON", e);
        }
        if (!(tree instanceof ObjectNode object)) {
            throw new IllegalStateException("stored value of " + entry.key() + " is not a JSON object");
        }
        metadata(object).put("resourceVersion", String.valueOf(entry.modRevision()));
        return object;
    }

    private static ObjectNode metadata(ObjectNode object) {
        JsonNode metadata = object.get("metadata");
        return metadata instanceof ObjectNode found ? found : object.putObject("metadata");
    }
}
