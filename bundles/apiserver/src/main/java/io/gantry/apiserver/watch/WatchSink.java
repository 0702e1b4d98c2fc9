package io.gantry.apiserver.watch;

import io.gantry.api.client.ApiException;

/**
 * Receives a watcher's items on a thread of the cache's delivery pool, one at a time and in
 * order. It may take its time: only this watcher waits (and is ended with 410 Expired once its
 * queue is full); every other watcher goes on.
 */
public interface WatchSink {

    /** An ADDED, MODIFIED, DELETED or BOOKMARK item; shared with other watchers, read-only. */
    void onEvent(WatchItem item);

    /** The watch ended: null when its owner closed it, the reason (410 Expired, ...) otherwise. */
    default void onClose(ApiException cause) {
    }
}
