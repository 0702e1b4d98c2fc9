package io.gantry.api.store;

/** Receives the changes of a store watch, in revision order, from one thread; must not block. */
public interface StoreWatchListener {

    void onEvent(StoreEvent event);

    /** The watch ended: null when closed by its owner, the reason otherwise. */
    default void onClose(StoreException cause) {
    }
}
