package io.gantry.api.discovery.v1;

import io.gantry.api.meta.v1.Extensible;

/**
 * Kubernetes {@code EndpointPort} of an EndpointSlice: a port the endpoints serve, named as the
 * service port.
 */
public class EndpointPort extends Extensible {

    public String name;
    /** {@code TCP} (default), {@code UDP} or {@code SCTP}. */
    public String protocol;
    public Integer port;
    public String appProtocol;

    public EndpointPort() {
    }

    public EndpointPort(String name, int port, String protocol) {
        this.name = name;
        this.port = port;
        this.protocol = protocol;
    }
}
