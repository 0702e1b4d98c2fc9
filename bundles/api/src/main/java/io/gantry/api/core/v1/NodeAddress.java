package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code NodeAddress}: {@code InternalIP} or {@code Hostname}. */
public class NodeAddress extends Extensible {

    public String type;
    public String address;

    public NodeAddress() {
    }

    public NodeAddress(String type, String address) {
        this.type = type;
        this.address = address;
    }
}
