package io.gantry.api.client;

/**
 * Receives the events of a watch in revision order, one at a time, from one thread. It must not
 * block: hand slow work to a queue of its own.
 */
public interface WatchListener<T> {

    void onEvent(WatchEvent<T> event);

    /**
     * The watch ended: {@code cause} is null when the client closed it, an {@link ApiException}
     * otherwise (410 Expired when the revision it started from was compacted away).
     */
    default void onClose(ApiException cause) {
    }
}
