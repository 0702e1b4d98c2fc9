package io.gantry.api.lb;

import java.util.List;

/**
 * How a service spreads its connections: picks one ready backend for each new connection.
 * Implementations are stateless: what they need to remember per service (a counter) the proxy
 * keeps and passes in, so that a swap of the plugin takes effect at the next connection.
 *
 * <p>Implementations register with the {@code gantry.plugin} service property; a service picks
 * one by annotation, else the configured default is used.
 */
public interface LoadBalancer {

    /**
     * Picks the backend for a new connection.
     *
     * @param backends the ready backends, never empty
     * @param sequence the number of connections the service has had before this one
     */
    Backend pick(List<Backend> backends, long sequence);
}
