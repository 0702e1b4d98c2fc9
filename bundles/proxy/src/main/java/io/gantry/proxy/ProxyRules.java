package io.gantry.proxy;

import io.gantry.api.core.v1.EndpointAddress;
import io.gantry.api.core.v1.EndpointPort;
import io.gantry.api.core.v1.EndpointSubset;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.core.v1.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;

/**
 * The pure part of the proxy: from a Service and its Endpoints, what to listen on and where to
 * send each port's connections, as kube-proxy's service and endpoints change trackers derive it.
 *
 * <p>Endpoints ports are matched to service ports by name and protocol, never by
 * {@code targetPort}: the endpoints controller has resolved a named target port per pod already,
 * and hand-made Endpoints name their ports as the service does. Only {@code addresses} serve;
 * {@code notReadyAddresses} do not. Headless services ({@code clusterIP: None}) and ExternalName
 * services get nothing; SCTP ports are not served.
 */
final class ProxyRules {

    /** The annotation by which a service names its load balancer plugin. */
    static final String LOAD_BALANCER_ANNOTATION = "gantry.io/load-balancer";
    /** Kubernetes' default ClientIP affinity timeout: 3 hours. */
    static final int DEFAULT_AFFINITY_SECONDS = 10800;

    private ProxyRules() {
    }

    /**
     * The rules of one service.
     *
     * @param service         the service, or null once deleted (no rules)
     * @param endpoints       its Endpoints (same namespace and name), or null (no endpoints yet)
     * @param nodePortAddress where node ports listen on this node
     */
    static List<PortRule> of(Service service, Endpoints endpoints, String nodePortAddress) {
        if (service == null || service.spec == null || service.spec.ports == null) {
            return List.of();
        }
        ServiceSpec spec = service.spec;
        String type = spec.type == null ? ServiceSpec.CLUSTER_IP : spec.type;
        if (type.equals(ServiceSpec.EXTERNAL_NAME)) {
            return List.of();
        }
        List<String> clusterIPs = clusterIPs(spec);
        if (clusterIPs.isEmpty()) {
            return List.of(); // headless: DNS names the pods, there is nothing to proxy
        }
        boolean nodePorts = type.equals(ServiceSpec.NODE_PORT) || type.equals(ServiceSpec.LOAD_BALANCER);
        String loadBalancer = service.metadata.annotations == null ? null
                : blankToNull(service.metadata.annotations.get(LOAD_BALANCER_ANNOTATION));
        int affinity = affinitySeconds(spec);
        List<PortRule> rules = new ArrayList<>();
        for (ServicePort port : spec.ports) {
            String protocol = port.protocol == null ? "TCP" : port.protocol;
            if (port.port == null || !(protocol.equals("TCP") || protocol.equals("UDP"))) {
                continue;
            }
            String name = port.name == null ? "" : port.name;
            List<Frontend> frontends = new ArrayList<>();
            for (String ip : clusterIPs) {
                frontends.add(new Frontend(ip, port.port, protocol));
            }
            if (nodePorts && port.nodePort != null && port.nodePort > 0) {
                frontends.add(new Frontend(nodePortAddress, port.nodePort, protocol));
            }
            rules.add(new PortRule(name, protocol, List.copyOf(frontends), endpoints(endpoints, name, protocol),
                    loadBalancer, affinity));
        }
        return rules;
    }

    /** The ready endpoints of one service port: the ports named as it is, at every ready address. */
    static List<Endpoint> endpoints(Endpoints endpoints, String portName, String protocol) {
        if (endpoints == null || endpoints.subsets == null) {
            return List.of();
        }
        TreeSet<Endpoint> found = new TreeSet<>();
        for (EndpointSubset subset : endpoints.subsets) {
            if (subset.ports == null || subset.addresses == null) {
                continue;
            }
            for (EndpointPort port : subset.ports) {
                String name = port.name == null ? "" : port.name;
                String portProtocol = port.protocol == null ? "TCP" : port.protocol;
                if (!name.equals(portName) || !portProtocol.equals(protocol) || port.port == null) {
                    continue;
                }
                for (EndpointAddress address : subset.addresses) {
                    if (address.ip != null && !address.ip.isBlank()) {
                        found.add(new Endpoint(address.ip, port.port));
                    }
                }
            }
        }
        return List.copyOf(found);
    }

    private static List<String> clusterIPs(ServiceSpec spec) {
        List<String> ips = new ArrayList<>();
        if (spec.clusterIPs != null && !spec.clusterIPs.isEmpty()) {
            ips.addAll(spec.clusterIPs);
        } else if (spec.clusterIP != null) {
            ips.add(spec.clusterIP);
        }
        ips.removeIf(ip -> ip == null || ip.isBlank() || ip.equals("None") || ip.contains(":")); // no IPv6 here
        return ips.stream().filter(Objects::nonNull).distinct().toList();
    }

    private static int affinitySeconds(ServiceSpec spec) {
        if (!"ClientIP".equals(spec.sessionAffinity)) {
            return 0;
        }
        if (spec.sessionAffinityConfig != null && spec.sessionAffinityConfig.clientIP != null
                && spec.sessionAffinityConfig.clientIP.timeoutSeconds != null
                && spec.sessionAffinityConfig.clientIP.timeoutSeconds > 0) {
            return spec.sessionAffinityConfig.clientIP.timeoutSeconds;
        }
        return DEFAULT_AFFINITY_SECONDS;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
