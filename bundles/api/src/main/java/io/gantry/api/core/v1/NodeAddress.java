package io.gantry.api.core.v1;

/** Kubernetes {@code NodeAddress}: {@code InternalIP} or {@code Hostname}. */
public class NodeAddress {

    public String type;
    public String address;

    public NodeAddress() {
    }

    public NodeAddress(String type, String address) {
        this.type = type;
        this.address = address;
    }
}
