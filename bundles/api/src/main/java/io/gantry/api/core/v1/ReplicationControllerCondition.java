package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code ReplicationControllerCondition}: {@code ReplicaFailure}. */
public class ReplicationControllerCondition extends Extensible {

    public String type;
    public String status;
    public String lastTransitionTime;
    public String reason;
    public String message;
}
