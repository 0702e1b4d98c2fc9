package io.gantry.proxy;

import java.util.List;

/**
 * What the proxy does for one port of one service, as computed from the Service and its
 * Endpoints.
 *
 * @param portName           the service port's name ({@code ""} for a single unnamed port)
 * @param protocol           {@code TCP} or {@code UDP}
 * @param frontends          where it listens (cluster IPs, the node port)
 * @param endpoints          the ready endpoints, sorted, without duplicates
 * @param loadBalancer       the plugin the service names by annotation, or null for the default
 * @param affinitySeconds    the ClientIP affinity's timeout, 0 without affinity
 */
record PortRule(String portName, String protocol, List<Frontend> frontends, List<Endpoint> endpoints,
        String loadBalancer, int affinitySeconds) {

    /** Identifies the port within its service: name and protocol (names are unique per protocol). */
    String id() {
        return portName + "/" + protocol;
    }
}
