package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.KubeObject;

/**
 * Kubernetes {@code v1 ReplicationController}: keeps a number of pods from a template running,
 * selected by equal labels (the predecessor of the ReplicaSet).
 */
public class ReplicationController extends KubeObject {

    public ReplicationControllerSpec spec = new ReplicationControllerSpec();
    public ReplicationControllerStatus status;

    public ReplicationController() {
        super("v1", "ReplicationController");
    }

    /** The status, created empty if missing, for writing. */
    public ReplicationControllerStatus status() {
        if (status == null) {
            status = new ReplicationControllerStatus();
        }
        return status;
    }
}
