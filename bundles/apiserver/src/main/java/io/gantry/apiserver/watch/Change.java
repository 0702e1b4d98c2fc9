package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoredEntry;

/**
 * One store change, shared by every watcher: the object after it (for a delete, the last value)
 * with {@code metadata.resourceVersion} set to the change's revision, and the object before it,
 * which decides whether a watcher with a selector sees an ADDED, MODIFIED or DELETED event.
 *
 * <p>A change keeps the stored bytes of both, not their trees: a decoded pod is some 200 Jackson
 * objects and thirty times its JSON, and a cache holds a change for every current object and
 * every change of its history. While the cache hands the change to its watchers it is
 * <em>live</em>: the object is decoded once, before, and each watch item is made at most once per
 * type, whatever the number of watchers. {@link #settle} ends that; a replay to a later watcher
 * decodes again, for that watcher alone.
 */
final class Change {

    final String key;
    final long revision;
    final boolean deleted;
    private final StoredView view;
    /** The value after the change, as the store gave it. */
    private final StoredEntry value;
    /** The value before the change; null if the key was absent. */
    private final StoredEntry before;
    /** Decoded while live, guarded by this change. */
    private boolean live;
    private ObjectNode object;
    private ObjectNode previous;
    private WatchItem added;
    private WatchItem modified;
    private WatchItem removed;
    private WatchItem leftSelection;

    private Change(String key, long revision, boolean deleted, StoredView view, StoredEntry value, StoredEntry before) {
        this.key = key;
        this.revision = revision;
        this.deleted = deleted;
        this.view = view;
        this.value = value;
        this.before = before;
    }

    /** A stored entry as the cache first listed it; settled. */
    static Change listed(StoredEntry entry, StoredView view) {
        return new Change(entry.key(), entry.modRevision(), false, view, entry, null);
    }

    /**
     * A watched change, after {@code before} (null if the key was absent), live. Its object is
     * decoded when a watcher first needs the tree: one in this JVM that takes the kind's Java
     * type reads it from the bytes, and one without a selector needs no tree to be chosen.
     */
    static Change of(StoreEvent event, Change before, StoredView view) {
        boolean deleted = event.type() == StoreEvent.Type.DELETE;
        StoredEntry previous = before == null || before.deleted ? null : before.value;
        Change change = new Change(event.entry().key(), event.revision(), deleted, view, event.entry(), previous);
        change.live = true;
        return change;
    }

    /**
     * What a watcher with this request sees of the change, or null if nothing: an object that
     * starts matching its selector is ADDED, one that stops matching is DELETED, as
     * kube-apiserver's watch cache does. Under the cache's lock.
     */
    synchronized WatchItem itemFor(WatchRequest request) {
        if (!key.startsWith(request.keyPrefix())) {
            return null;
        }
        if (request.predicate() == null) {
            return item(deleted ? WatchEvent.Type.DELETED : before != null ? WatchEvent.Type.MODIFIED : WatchEvent.Type.ADDED,
                    object);
        }
        ObjectNode after = object();
        boolean now = !deleted && request.predicate().test(after);
        boolean was = deleted ? request.predicate().test(after) : before != null && request.predicate().test(previous());
        if (now) {
            return item(was ? WatchEvent.Type.MODIFIED : WatchEvent.Type.ADDED, after);
        }
        if (was) {
            return deleted ? item(WatchEvent.Type.DELETED, after) : leftSelection();
        }
        return null;
    }

    /**
     * The object as it is after the change, as ADDED, if a watcher with this request sees it: what
     * a watch from no revision starts with.
     */
    synchronized WatchItem current(WatchRequest request) {
        if (deleted || !key.startsWith(request.keyPrefix())) {
            return null;
        }
        if (request.predicate() == null) {
            return item(WatchEvent.Type.ADDED, object);
        }
        ObjectNode after = object();
        return request.predicate().test(after) ? item(WatchEvent.Type.ADDED, after) : null;
    }

    /** The item of one type: made once while live, and for each replay after. */
    synchronized WatchItem item(WatchEvent.Type type) {
        return item(type, object);
    }

    /**
     * @param after the object after the change if a tree of it has been made (shared while live,
     *              the caller's own after), else null: the item decodes when asked
     */
    private WatchItem item(WatchEvent.Type type, ObjectNode after) {
        if (!live) {
            return made(type, after);
        }
        switch (type) {
            case ADDED -> {
                if (added == null) {
                    added = made(type, object);
                }
                return added;
            }
            case MODIFIED -> {
                if (modified == null) {
                    modified = made(type, object);
                }
                return modified;
            }
            case DELETED -> {
                if (removed == null) {
                    removed = made(type, object);
                }
                return removed;
            }
            default -> throw new IllegalArgumentException(type.name());
        }
    }

    private WatchItem made(WatchEvent.Type type, ObjectNode tree) {
        return tree != null ? WatchItem.event(type, tree, revision) : WatchItem.event(type, value, view, revision);
    }

    /**
     * Every current watcher has its item: the trees and items go (the watchers' queues hold what
     * they still need), the bytes stay for replays.
     */
    synchronized void settle() {
        live = false;
        object = null;
        previous = null;
        added = null;
        modified = null;
        removed = null;
        leftSelection = null;
    }

    /** The object left a watcher's selection: DELETED with its previous content at this revision. */
    private WatchItem leftSelection() {
        if (leftSelection != null) {
            return leftSelection;
        }
        ObjectNode last = WatchItem.decode(before, view); // a tree of its own: its resourceVersion changes
        WatchItem.metadata(last).put("resourceVersion", String.valueOf(revision));
        WatchItem item = WatchItem.event(WatchEvent.Type.DELETED, last, revision);
        if (live) {
            leftSelection = item;
        }
        return item;
    }

    /** Decoded once while live, when first needed; after that, for each caller. */
    private ObjectNode object() {
        if (object != null) {
            return object;
        }
        ObjectNode decoded = WatchItem.decode(value, view);
        if (live) {
            object = decoded;
        }
        return decoded;
    }

    private ObjectNode previous() {
        if (previous != null) {
            return previous;
        }
        ObjectNode decoded = WatchItem.decode(before, view);
        if (live) {
            previous = decoded;
        }
        return decoded;
    }

}
