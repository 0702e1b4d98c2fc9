package io.gantry.api.apps.v1;

import io.gantry.api.meta.v1.KubeObject;

/**
 * Kubernetes {@code apps/v1 Deployment}: declares pods from a template and rolls changes out
 * through ReplicaSets, one per template revision.
 */
public class Deployment extends KubeObject {

    public DeploymentSpec spec = new DeploymentSpec();
    public DeploymentStatus status;

    public Deployment() {
        super("apps/v1", "Deployment");
    }

    /** The status, created empty if missing, for writing. */
    public DeploymentStatus status() {
        if (status == null) {
            status = new DeploymentStatus();
        }
        return status;
    }
}
