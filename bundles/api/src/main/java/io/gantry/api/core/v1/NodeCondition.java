package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code NodeCondition}: {@code Ready}, {@code MemoryPressure}, ... with heartbeat. */
public class NodeCondition extends Extensible {

    public String type;
    public String status;
    public String lastHeartbeatTime;
    public String lastTransitionTime;
    public String reason;
    public String message;
}
