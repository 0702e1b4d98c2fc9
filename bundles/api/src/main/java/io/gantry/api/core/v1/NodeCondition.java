package io.gantry.api.core.v1;

/** Kubernetes {@code NodeCondition}: {@code Ready}, {@code MemoryPressure}, ... with heartbeat. */
public class NodeCondition {

    public String type;
    public String status;
    public String lastHeartbeatTime;
    public String lastTransitionTime;
    public String reason;
    public String message;
}
