package io.gantry.shell;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gantry.api.lb.LoadBalancerStatus;
import io.gantry.api.store.migration.StorageMigrations;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.function.Supplier;

/**
 * What {@code gantry:plugins} shows and {@code gantry:use} changes, apart from OSGi: the installed
 * plugins come from a {@link Installed} source, the defaults from {@link Settings} (configuration
 * admin in Karaf), so the commands' logic is tested with fakes.
 */
final class PluginCatalog {

    /** The annotation by which a service names its load balancer (the proxy's). */
    static final String LOAD_BALANCER_ANNOTATION = "gantry.io/load-balancer";

    /** The names ({@code gantry.plugin}) of the registered services of one interface. */
    interface Installed {
        SortedSet<String> names(String serviceInterface);
    }

    /** Configuration values by PID and key; a set is persisted and reaches the component live. */
    interface Settings {
        /** The value, or null when the configuration or the key does not exist. */
        String get(String pid, String key) throws IOException;

        void set(String pid, String key, String value) throws IOException;
    }

    /**
     * One SPI's state.
     *
     * @param defaultPlugin what the configuration names ("" for none)
     * @param inUse         what runs now: the storage backend the API server uses (a migration may be
     *                      under way), the default as the node's proxy resolves it, else the default if
     *                      it is installed, else the policy the scheduler falls back to, else ""
     * @param fallbacks     load balancers only: services whose plugin is not installed, with its name
     */
    record SpiState(String spi, List<String> installed, String defaultPlugin, String inUse, String configuration,
            @JsonInclude(JsonInclude.Include.NON_EMPTY) Map<String, String> fallbacks) {
    }

    private final Installed installed;
    private final Settings settings;
    private final Supplier<StorageMigrations> storage;
    private final Supplier<LoadBalancerStatus> proxy;

    /**
     * @param storage the API server's storage switch, or a supplier of null where no API server runs here
     * @param proxy   the node's service proxy, or a supplier of null where none runs here
     */
    PluginCatalog(Installed installed, Settings settings, Supplier<StorageMigrations> storage,
            Supplier<LoadBalancerStatus> proxy) {
        this.installed = installed;
        this.settings = settings;
        this.storage = storage;
        this.proxy = proxy;
    }

    List<SpiState> states() throws IOException {
        List<SpiState> states = new ArrayList<>();
        for (PluginSpi spi : PluginSpi.ALL) {
            SortedSet<String> names = installed.names(spi.serviceInterface());
            String configured = settings.get(spi.pid(), spi.key());
            String defaultPlugin = configured == null || configured.isBlank() ? spi.fallback() : configured.trim();
            String inUse = names.contains(defaultPlugin) ? defaultPlugin : "";
            if (inUse.isEmpty() && spi.name().equals("scheduler") && !names.isEmpty()) {
                // the scheduler places default-scheduler pods by spread, else the first installed
                // policy, while its default is missing (io.gantry.scheduler.Scheduler#defaultPolicyName)
                inUse = names.contains(spi.fallback()) ? spi.fallback() : names.first();
            }
            StorageMigrations migrations = spi.name().equals("store") ? storage.get() : null;
            if (migrations != null) {
                inUse = migrations.inUse();
            }
            LoadBalancerStatus balancers = spi.name().equals("loadbalancer") ? proxy.get() : null;
            Map<String, String> fallbacks = Map.of();
            if (balancers != null) {
                inUse = balancers.defaultInUse();
                fallbacks = balancers.fallbacks();
            }
            states.add(new SpiState(spi.name(), List.copyOf(names), defaultPlugin, inUse,
                    spi.configFile() + " " + spi.key(), fallbacks));
        }
        return states;
    }

    /**
     * Makes the named plugin the SPI's default, live and persisted; returns what was done, for the
     * user.
     *
     * @throws IllegalArgumentException naming what is installed, for an unknown SPI or plugin
     */
    String use(String spiName, String plugin) throws IOException {
        PluginSpi spi = PluginSpi.named(spiName).orElseThrow(() -> new IllegalArgumentException(
                "unknown SPI '" + spiName + "': the SPIs are " + PluginSpi.names()));
        SortedSet<String> names = installed.names(spi.serviceInterface());
        if (plugin == null || plugin.isBlank()) {
            throw new IllegalArgumentException("gantry:use " + spi.name() + " needs the plugin to use (installed: "
                    + list(names) + ")");
        }
        if (!names.contains(plugin)) {
            throw new IllegalArgumentException("no " + spi.name() + " plugin '" + plugin + "' is installed (installed: "
                    + list(names) + ")" + (spi.name().equals("loadbalancer") ? "; feature:install gantry-lb-" + plugin + " installs it" : ""));
        }
        String before = settings.get(spi.pid(), spi.key());
        if (plugin.equals(before)) {
            return spi.name() + ": " + plugin + " is already the default";
        }
        settings.set(spi.pid(), spi.key(), plugin);
        return spi.name() + ": the default is now " + plugin + (before == null || before.isBlank() ? "" : " (was " + before + ")")
                + ", saved as " + spi.key() + " in " + spi.configFile() + switch (spi.name()) {
                    case "runtime" -> "; running pods keep the runtime that started them";
                    case "store" -> "; the API server moves the cluster state to it now (gantry:store shows how far)";
                    case "loadbalancer" -> "; new connections of services without a " + LOAD_BALANCER_ANNOTATION
                            + " annotation use it, established connections keep their endpoints";
                    default -> "";
                };
    }

    private static String list(SortedSet<String> names) {
        return names.isEmpty() ? "none" : String.join(", ", names);
    }
}
