package io.gantry.proxy;

import io.gantry.api.lb.KernelAlgorithm;
import java.util.List;

/**
 * A service port the kernel serves itself: new connections to its frontends are DNATed to one of
 * the endpoints by the algorithm, with no userspace hop; under ClientIP affinity a client that
 * connected within the timeout goes back to the endpoint it had.
 *
 * @param port            the service port ({@code namespace/name:port/protocol}), which names its affinity sets
 * @param frontends       its frontends served by the kernel
 * @param endpoints       its ready endpoints, at least one
 * @param algorithm       how a connection without affinity picks an endpoint
 * @param affinitySeconds the ClientIP affinity's timeout, 0 without affinity
 */
record KernelRule(String port, List<Frontend> frontends, List<Endpoint> endpoints, KernelAlgorithm algorithm,
        int affinitySeconds) {
}
