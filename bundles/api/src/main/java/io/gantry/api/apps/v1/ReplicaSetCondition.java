package io.gantry.api.apps.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code ReplicaSetCondition}: {@code ReplicaFailure}. */
public class ReplicaSetCondition extends Extensible {

    public String type;
    public String status;
    public String lastTransitionTime;
    public String reason;
    public String message;
}
