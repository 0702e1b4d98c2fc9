package io.gantry.api.lb;

import java.util.Optional;

/**
 * How a service spreads its connections: picks one ready backend for each new connection (or,
 * for UDP, each new client flow).
 *
 * <p>Implementations are stateless: what an algorithm needs to remember per service (a sequence
 * number) the proxy keeps and passes in with the live connection counts, so that installing,
 * updating or swapping a plugin takes effect at the next connection and never touches an
 * established one. Session affinity ({@code sessionAffinity: ClientIP}) is the proxy's, not a
 * plugin's: a client that sticks to a backend is not asked about.
 *
 * <p>Implementations register with the {@code gantry.plugin} service property (their name, as
 * the {@code gantry.io/load-balancer} annotation of a service and {@code gantry:use loadbalancer}
 * spell it); the proxy picks one by name per new connection.
 */
public interface LoadBalancer {

    /**
     * Picks the backend for a new connection. Called on the proxy's IO threads: must not block.
     *
     * @param request the service, the client and the ready backends (never empty)
     * @return one of {@code request.backends()}
     */
    Backend pick(PickRequest request);

    /**
     * The kernel's form of this algorithm, if it has one and needs nothing {@link #pick} sees
     * beyond the ready backends (no connection counts): a proxy with a kernel datapath may then
     * let the kernel pick, with the same spread, instead of calling {@link #pick}. Empty by
     * default: the proxy calls {@link #pick} for every connection.
     */
    default Optional<KernelAlgorithm> kernelAlgorithm() {
        return Optional.empty();
    }
}
