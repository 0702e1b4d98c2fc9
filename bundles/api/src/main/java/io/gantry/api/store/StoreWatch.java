package io.gantry.api.store;

/** An open store watch; closing it stops the events. */
public interface StoreWatch extends AutoCloseable {

    @Override
    void close();
}
