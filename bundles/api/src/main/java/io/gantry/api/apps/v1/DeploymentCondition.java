package io.gantry.api.apps.v1;

import io.gantry.api.meta.v1.Extensible;

/**
 * Kubernetes {@code DeploymentCondition}: {@code Available}, {@code Progressing} or
 * {@code ReplicaFailure}, with when it last changed and was last updated.
 */
public class DeploymentCondition extends Extensible {

    public String type;
    public String status;
    public String lastUpdateTime;
    public String lastTransitionTime;
    public String reason;
    public String message;
}
