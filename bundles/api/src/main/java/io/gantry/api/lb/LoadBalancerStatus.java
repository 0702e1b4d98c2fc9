package io.gantry.api.lb;

import java.util.Map;

/**
 * What a node's service proxy uses now, for the shell ({@code gantry:plugins}): the default as it
 * resolves at this moment, and the services whose annotation names a plugin that is not
 * installed (their new connections fall back to the default).
 */
public interface LoadBalancerStatus {

    /**
     * The plugin new connections of services without the annotation get now: the configured
     * default, or {@code ""} while it is not installed (the proxy then takes endpoints in turn).
     */
    String defaultInUse();

    /** Services ({@code namespace/name}) whose plugin is not installed, with that plugin's name. */
    Map<String, String> fallbacks();
}
