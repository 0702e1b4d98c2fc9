package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.KubeObject;

/** Kubernetes {@code v1 Pod}: containers run together on one node, with one pod IP. */
public class Pod extends KubeObject {

    public PodSpec spec = new PodSpec();
    public PodStatus status;

    public Pod() {
        super("v1", "Pod");
    }

    /** The status, created empty if missing, for writing. */
    public PodStatus status() {
        if (status == null) {
            status = new PodStatus();
        }
        return status;
    }
}
