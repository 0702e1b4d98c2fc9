package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code PodCondition}: {@code PodScheduled}, {@code Initialized}, {@code ContainersReady}, {@code Ready}. */
public class PodCondition extends Extensible {

    public String type;
    /** {@code True}, {@code False} or {@code Unknown}. */
    public String status;
    public String lastProbeTime;
    public String lastTransitionTime;
    public String reason;
    public String message;

    public PodCondition() {
    }

    public PodCondition(String type, String status, String lastTransitionTime) {
        this.type = type;
        this.status = status;
        this.lastTransitionTime = lastTransitionTime;
    }
}
