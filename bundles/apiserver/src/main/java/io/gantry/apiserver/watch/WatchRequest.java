package io.gantry.apiserver.watch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * What one watcher asks of the {@link WatchCache}.
 *
 * @param resourcePrefix the storage prefix of the resource, {@code /registry/pods/}: one shared
 *                       store watch serves every watcher of it
 * @param keyPrefix      the keys this watcher sees, {@code /registry/pods/default/} for one
 *                       namespace; the resource prefix for all
 * @param kind           the kind in bookmarks, {@code Pod}
 * @param apiVersion     the apiVersion in bookmarks, {@code v1}
 * @param startRevision  the watcher gets every change after this revision; 0 means now, starting
 *                       with the current objects as ADDED events (as a watch without
 *                       resourceVersion does in Kubernetes)
 * @param predicate      the label and field selectors as one test of an object; null for all.
 *                       It runs on the cache's dispatch thread: it must be quick and must not
 *                       change the object
 * @param bookmarkInterval how often to send a BOOKMARK with the latest revision; null for never
 * @param view           how the watcher sees the stored objects; the predicate tests them so seen
 */
public record WatchRequest(String resourcePrefix, String keyPrefix, String kind, String apiVersion,
                           long startRevision, Predicate<ObjectNode> predicate, Duration bookmarkInterval,
                           StoredView view) {

    public WatchRequest {
        if (!resourcePrefix.endsWith("/")) {
            throw new IllegalArgumentException("a resource prefix ends with '/': " + resourcePrefix);
        }
        keyPrefix = keyPrefix == null ? resourcePrefix : keyPrefix;
        view = view == null ? StoredView.AS_STORED : view;
        if (!keyPrefix.startsWith(resourcePrefix)) {
            throw new IllegalArgumentException(keyPrefix + " is not under " + resourcePrefix);
        }
    }

    /** Every object of a resource, from a revision, no selector, no bookmarks. */
    public static WatchRequest of(String resourcePrefix, String kind, String apiVersion, long startRevision) {
        return new WatchRequest(resourcePrefix, resourcePrefix, kind, apiVersion, startRevision, null, null, null);
    }

    public WatchRequest withKeyPrefix(String prefix) {
        return new WatchRequest(resourcePrefix, prefix, kind, apiVersion, startRevision, predicate, bookmarkInterval, view);
    }

    public WatchRequest withPredicate(Predicate<ObjectNode> test) {
        return new WatchRequest(resourcePrefix, keyPrefix, kind, apiVersion, startRevision, test, bookmarkInterval, view);
    }

    public WatchRequest withBookmarks(Duration interval) {
        return new WatchRequest(resourcePrefix, keyPrefix, kind, apiVersion, startRevision, predicate, interval, view);
    }

    public WatchRequest withView(StoredView seenAs) {
        return new WatchRequest(resourcePrefix, keyPrefix, kind, apiVersion, startRevision, predicate, bookmarkInterval,
                seenAs);
    }
}
