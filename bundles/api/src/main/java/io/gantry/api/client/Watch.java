package io.gantry.api.client;

/** An open watch; closing it stops the events. */
public interface Watch extends AutoCloseable {

    @Override
    void close();
}
