package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.KubeObject;

/** Kubernetes {@code v1 Node}: a Gantry node (one Karaf instance) that runs pods. */
public class Node extends KubeObject {

    public NodeSpec spec = new NodeSpec();
    public NodeStatus status;

    public Node() {
        super("v1", "Node");
    }

    /** The status, created empty if missing, for writing. */
    public NodeStatus status() {
        if (status == null) {
            status = new NodeStatus();
        }
        return status;
    }
}
