package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;

/** Kubernetes {@code PodStatus}: phase, conditions, addresses and the state of each container. */
public class PodStatus extends Extensible {

    /** {@code Pending}, {@code Running}, {@code Succeeded}, {@code Failed} or {@code Unknown}. */
    public String phase;
    public List<PodCondition> conditions;
    public String message;
    public String reason;
    public String nominatedNodeName;
    public String hostIP;
    public List<PodIP> hostIPs;
    public String podIP;
    public List<PodIP> podIPs;
    public String startTime;
    public List<ContainerStatus> initContainerStatuses;
    public List<ContainerStatus> containerStatuses;
    public String qosClass;

    /** Kubernetes {@code PodIP}: one address of a pod or its host. */
    public static class PodIP extends Extensible {
        public String ip;

        public PodIP() {
        }

        public PodIP(String ip) {
            this.ip = ip;
        }
    }
}
