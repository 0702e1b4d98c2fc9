package io.gantry.api.coordination.v1;

import io.gantry.api.meta.v1.KubeObject;

/**
 * Kubernetes {@code coordination.k8s.io/v1 Lease}: who holds a role (the active scheduler or
 * controller manager) or a node's heartbeat, until when.
 */
public class Lease extends KubeObject {

    public LeaseSpec spec = new LeaseSpec();

    public Lease() {
        super("coordination.k8s.io/v1", "Lease");
    }
}
