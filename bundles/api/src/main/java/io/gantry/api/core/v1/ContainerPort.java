package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code ContainerPort}: a port the container listens on, published on the pod IP. */
public class ContainerPort extends Extensible {

    public String name;
    public Integer hostPort;
    public Integer containerPort;
    /** {@code TCP} (default), {@code UDP} or {@code SCTP}. */
    public String protocol;
    public String hostIP;

    public ContainerPort() {
    }

    public ContainerPort(int containerPort) {
        this.containerPort = containerPort;
    }
}
