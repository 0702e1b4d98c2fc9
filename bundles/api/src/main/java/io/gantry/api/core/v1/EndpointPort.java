package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code EndpointPort}: a port of an endpoints subset, named as the service port. */
public class EndpointPort extends Extensible {

    public String name;
    public Integer port;
    /** {@code TCP} (default), {@code UDP} or {@code SCTP}. */
    public String protocol;
    public String appProtocol;

    public EndpointPort() {
    }

    public EndpointPort(String name, int port, String protocol) {
        this.name = name;
        this.port = port;
        this.protocol = protocol;
    }
}
