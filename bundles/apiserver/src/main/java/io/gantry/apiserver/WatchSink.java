package io.gantry.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;

/** Receives one API watch's events, in order, from one thread at a time; must not block long. */
public interface WatchSink {

    /**
     * One event: {@code ADDED}, {@code MODIFIED}, {@code DELETED} or {@code BOOKMARK}. The object is
     * shared with other watchers: read it, never change it.
     */
    void onEvent(String type, ObjectNode object);

    /** The watch ended: null when closed by its owner, else why (410 Expired: relist). */
    void onClose(ApiException cause);
}
