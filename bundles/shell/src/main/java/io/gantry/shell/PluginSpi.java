package io.gantry.shell;

import io.gantry.api.lb.LoadBalancer;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.scheduler.SchedulerPolicy;
import io.gantry.api.store.StorageBackend;
import java.util.List;
import java.util.Optional;

/**
 * One plugin interface of Gantry, as the shell shows and switches it: the service interface its
 * plugins register, and the configuration (PID and key) that names the default.
 *
 * @param fallback the default when the configuration names none, as the component's own default
 */
record PluginSpi(String name, String serviceInterface, String pid, String key, String fallback) {

    /** Every SPI, in the order the shell lists them. */
    static final List<PluginSpi> ALL = List.of(
            new PluginSpi("runtime", ContainerRuntime.class.getName(), "io.gantry.kubelet", "defaultRuntime", "docker"),
            new PluginSpi("scheduler", SchedulerPolicy.class.getName(), "io.gantry.scheduler", "defaultPolicy", "spread"),
            new PluginSpi("store", StorageBackend.class.getName(), "io.gantry.apiserver", "storage", "embedded"),
            new PluginSpi("loadbalancer", LoadBalancer.class.getName(), "io.gantry.proxy", "defaultLoadBalancer", "roundrobin"));

    static Optional<PluginSpi> named(String name) {
        return ALL.stream().filter(spi -> spi.name().equals(name)).findFirst();
    }

    static String names() {
        return String.join(", ", ALL.stream().map(PluginSpi::name).toList());
    }

    /** Where users edit the default by hand. */
    String configFile() {
        return "etc/" + pid + ".cfg";
    }
}
