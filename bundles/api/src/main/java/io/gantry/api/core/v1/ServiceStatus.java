package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Condition;
import io.gantry.api.meta.v1.Extensible;
import java.util.List;

/** Kubernetes {@code ServiceStatus}: the load balancer's addresses, and conditions. */
public class ServiceStatus extends Extensible {

    public LoadBalancerStatus loadBalancer;
    public List<Condition> conditions;

    /** Kubernetes {@code LoadBalancerStatus}: the ingress points of a LoadBalancer service. */
    public static class LoadBalancerStatus extends Extensible {
        public List<LoadBalancerIngress> ingress;
    }

    /** Kubernetes {@code LoadBalancerIngress}: an IP or hostname that reaches the service. */
    public static class LoadBalancerIngress extends Extensible {
        public String ip;
        public String hostname;
        /** {@code VIP} or {@code Proxy}. */
        public String ipMode;
        public List<PortStatus> ports;
    }

    /** Kubernetes {@code PortStatus}: the state of one port of an ingress point. */
    public static class PortStatus extends Extensible {
        public Integer port;
        public String protocol;
        public String error;
    }
}
