package io.gantry.proxy;

/** A frontend as the datapath serves it: where its new connections go can be changed live. */
interface Listener extends AutoCloseable {

    /** New connections (or UDP flows) go to this service port from now on. */
    void route(ServicePortState port);

    /** Stops listening; connections and flows already established go on. */
    @Override
    void close();
}
