package io.gantry.proxy;

import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One endpoint as the datapath uses it: its address and the connections open to it now. A
 * connection holds its BackendRef until it closes, so that an endpoint that left the ready set
 * still counts the connections it drains.
 */
final class BackendRef {

    final Endpoint endpoint;
    final InetSocketAddress address;
    final AtomicInteger active = new AtomicInteger();

    BackendRef(Endpoint endpoint) {
        this.endpoint = endpoint;
        this.address = new InetSocketAddress(endpoint.ip(), endpoint.port());
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }
}
