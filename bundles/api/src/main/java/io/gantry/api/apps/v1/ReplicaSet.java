package io.gantry.api.apps.v1;

import io.gantry.api.meta.v1.KubeObject;

/**
 * Kubernetes {@code apps/v1 ReplicaSet}: keeps a number of pods from a template running,
 * selected by a label selector; usually owned by a Deployment.
 */
public class ReplicaSet extends KubeObject {

    public ReplicaSetSpec spec = new ReplicaSetSpec();
    public ReplicaSetStatus status;

    public ReplicaSet() {
        super("apps/v1", "ReplicaSet");
    }

    /** The status, created empty if missing, for writing. */
    public ReplicaSetStatus status() {
        if (status == null) {
            status = new ReplicaSetStatus();
        }
        return status;
    }
}
