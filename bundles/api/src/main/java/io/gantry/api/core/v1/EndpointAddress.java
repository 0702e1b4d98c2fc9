package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code EndpointAddress}: one pod's IP, its node, and a reference to the pod. */
public class EndpointAddress extends Extensible {

    public String ip;
    public String hostname;
    public String nodeName;
    public ObjectReference targetRef;

    public EndpointAddress() {
    }

    public EndpointAddress(String ip) {
        this.ip = ip;
    }
}
