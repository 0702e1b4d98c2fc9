package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;
import java.util.Map;

/**
 * Kubernetes {@code ServiceSpec}: ports, the pods selected, the type ({@code ClusterIP} by
 * default, {@code NodePort}, {@code LoadBalancer}, {@code ExternalName}) and the addresses
 * given. {@code clusterIP: None} makes a headless service.
 */
public class ServiceSpec extends Extensible {

    public static final String CLUSTER_IP = "ClusterIP";
    public static final String NODE_PORT = "NodePort";
    public static final String LOAD_BALANCER = "LoadBalancer";
    public static final String EXTERNAL_NAME = "ExternalName";

    public List<ServicePort> ports;
    public Map<String, String> selector;
    public String clusterIP;
    public List<String> clusterIPs;
    public String type;
    public List<String> externalIPs;
    /** {@code None} (default) or {@code ClientIP}. */
    public String sessionAffinity;
    public SessionAffinityConfig sessionAffinityConfig;
    public String loadBalancerIP;
    public List<String> loadBalancerSourceRanges;
    public String externalName;
    /** {@code Cluster} (default) or {@code Local}. */
    public String externalTrafficPolicy;
    public Integer healthCheckNodePort;
    public Boolean publishNotReadyAddresses;
    /** {@code IPv4}, {@code IPv6}. */
    public List<String> ipFamilies;
    /** {@code SingleStack}, {@code PreferDualStack}, {@code RequireDualStack}. */
    public String ipFamilyPolicy;
    public Boolean allocateLoadBalancerNodePorts;
    public String loadBalancerClass;
    /** {@code Cluster} (default) or {@code Local}. */
    public String internalTrafficPolicy;
    public String trafficDistribution;

    /** Kubernetes {@code SessionAffinityConfig}: how long a client IP sticks to one endpoint. */
    public static class SessionAffinityConfig extends Extensible {
        public ClientIPConfig clientIP;
    }

    /** Kubernetes {@code ClientIPConfig}: {@code timeoutSeconds}, 10800 (3 hours) by default. */
    public static class ClientIPConfig extends Extensible {
        public Integer timeoutSeconds;
    }
}
