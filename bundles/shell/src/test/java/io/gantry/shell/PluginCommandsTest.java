package io.gantry.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.json.Json;
import io.gantry.api.lb.LoadBalancer;
import io.gantry.api.lb.LoadBalancerStatus;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.scheduler.SchedulerPolicy;
import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.migration.Migration;
import io.gantry.api.store.migration.StorageMigrations;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/** gantry:plugins and gantry:use on fakes of the service registry and configuration admin. */
class PluginCommandsTest {

    private final Map<String, SortedSet<String>> services = new HashMap<>(Map.of(
            ContainerRuntime.class.getName(), new TreeSet<>(Set.of("docker", "process", "sim")),
            SchedulerPolicy.class.getName(), new TreeSet<>(Set.of("spread")),
            StorageBackend.class.getName(), new TreeSet<>(Set.of("embedded", "etcd", "hazelcast")),
            LoadBalancer.class.getName(), new TreeSet<>(Set.of("leastconn", "random", "roundrobin"))));
    /** Configuration by PID, as configuration admin holds it. */
    private final Map<String, Map<String, String>> configuration = new HashMap<>(Map.of(
            "io.gantry.kubelet", new HashMap<>(Map.of("defaultRuntime", "docker", "maxPods", "110")),
            "io.gantry.apiserver", new HashMap<>(Map.of("storage", "embedded"))));
    private String storageInUse = "embedded";
    /** The node's proxy, when the test has one. */
    private LoadBalancerStatus proxy;
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @Test
    void listsEverySpiWithItsPluginsTheDefaultAndTheOneInUse() throws IOException {
        plugins(null);

        assertEquals("""
                SPI            PLUGIN       DEFAULT   IN USE
                runtime        docker       *         *
                runtime        process
                runtime        sim
                scheduler      spread       *         *
                store          embedded     *         *
                store          etcd
                store          hazelcast
                loadbalancer   leastconn
                loadbalancer   random
                loadbalancer   roundrobin   *         *
                """, printed());
    }

    @Test
    void showsADefaultThatIsNotInstalledAndAStoreMigrationUnderWay() throws IOException {
        services.get(ContainerRuntime.class.getName()).remove("docker");
        configuration.get("io.gantry.apiserver").put("storage", "etcd");
        services.get(LoadBalancer.class.getName()).clear(); // a node without plugins: the proxy takes endpoints in turn

        plugins(null);

        assertEquals("""
                SPI            PLUGIN       DEFAULT             IN USE
                runtime        process
                runtime        sim
                runtime        docker       * (not installed)
                scheduler      spread       *                   *
                store          embedded                         *
                store          etcd         *
                store          hazelcast
                loadbalancer   roundrobin   * (not installed)
                """, printed());
    }

    @Test
    void showsTheSchedulerPolicyInUseWhileTheDefaultIsMissing() throws IOException {
        services.get(SchedulerPolicy.class.getName()).add("binpack");
        configuration.put("io.gantry.scheduler", new HashMap<>(Map.of("defaultPolicy", "binpack")));
        services.get(SchedulerPolicy.class.getName()).remove("binpack");

        plugins(null);

        assertTrue(printed().contains("scheduler      spread                           *\n"), printed());
        assertTrue(printed().contains("scheduler      binpack      * (not installed)\n"), printed());
    }

    @Test
    void showsServicesWhosePluginIsMissingAndWhatTheProxyUses() throws IOException {
        services.get(LoadBalancer.class.getName()).remove("leastconn"); // feature:uninstall gantry-lb-leastconn
        proxy = new LoadBalancerStatus() {
            @Override
            public String defaultInUse() {
                return "roundrobin";
            }

            @Override
            public Map<String, String> fallbacks() {
                return Map.of("default/web", "leastconn", "team/api", "leastconn");
            }
        };

        plugins(null);

        assertTrue(printed().endsWith("""
                loadbalancer   random
                loadbalancer   roundrobin   *                 *
                loadbalancer   leastconn    (not installed)   default/web, team/api use the default
                """), printed());
        printed.reset();
        plugins("json");
        assertTrue(printed().contains("\"fallbacks\" : {"), printed());
    }

    @Test
    void printsJsonAndYaml() throws IOException {
        plugins("json");
        List<?> states = Json.read(printed(), List.class);
        assertEquals(4, states.size());
        assertEquals(Map.of("spi", "runtime", "installed", List.of("docker", "process", "sim"), "defaultPlugin", "docker",
                "inUse", "docker", "configuration", "etc/io.gantry.kubelet.cfg defaultRuntime"), states.get(0));
        printed.reset();

        plugins("yaml");
        assertTrue(printed().startsWith("  - spi: runtime\n    installed:\n      - docker\n"), printed());
        assertThrows(IllegalArgumentException.class, () -> plugins("xml"));
    }

    @Test
    void useSetsTheDefaultInTheConfigurationKeepingTheOtherKeys() throws IOException {
        use("runtime", "process");

        assertEquals(Map.of("defaultRuntime", "process", "maxPods", "110"), configuration.get("io.gantry.kubelet"));
        assertEquals("runtime: the default is now process (was docker), saved as defaultRuntime in "
                + "etc/io.gantry.kubelet.cfg; running pods keep the runtime that started them\n", printed());
        printed.reset();
        plugins(null);
        assertTrue(printed().contains("runtime        process      *         *\n"), printed());
    }

    @Test
    void useOfTheStoreAndTheSchedulerWritesTheirKeys() throws IOException {
        use("store", "etcd");
        use("scheduler", "spread");

        assertEquals("etcd", configuration.get("io.gantry.apiserver").get("storage"));
        assertEquals("spread", configuration.get("io.gantry.scheduler").get("defaultPolicy"));
        assertTrue(printed().startsWith("store: the default is now etcd (was embedded), saved as storage in "
                + "etc/io.gantry.apiserver.cfg; the API server moves the cluster state to it now"), printed());
    }

    @Test
    void useOfALoadBalancerSaysWhatItChanges() throws IOException {
        use("loadbalancer", "leastconn");

        assertEquals("leastconn", configuration.get("io.gantry.proxy").get("defaultLoadBalancer"));
        assertEquals("loadbalancer: the default is now leastconn, saved as defaultLoadBalancer in etc/io.gantry.proxy.cfg;"
                + " new connections of services without a gantry.io/load-balancer annotation use it, established"
                + " connections keep their endpoints\n", printed());
    }

    @Test
    void unknownSpisAndPluginsAreErrorsThatNameWhatIsInstalled() {
        IllegalArgumentException spi = assertThrows(IllegalArgumentException.class, () -> use("network", "flannel"));
        assertEquals("unknown SPI 'network': the SPIs are runtime, scheduler, store, loadbalancer", spi.getMessage());

        IllegalArgumentException plugin = assertThrows(IllegalArgumentException.class, () -> use("runtime", "containerd"));
        assertEquals("no runtime plugin 'containerd' is installed (installed: docker, process, sim)", plugin.getMessage());

        IllegalArgumentException balancer = assertThrows(IllegalArgumentException.class, () -> use("loadbalancer", "maglev"));
        assertEquals("no loadbalancer plugin 'maglev' is installed (installed: leastconn, random, roundrobin);"
                + " feature:install gantry-lb-maglev installs it",
                balancer.getMessage());
        assertEquals("docker", configuration.get("io.gantry.kubelet").get("defaultRuntime"), "nothing changed");
    }

    private void plugins(String output) throws IOException {
        PluginsCommand command = new PluginsCommand();
        command.catalog = catalog();
        command.output = output;
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        command.execute();
    }

    private void use(String spi, String plugin) throws IOException {
        UseCommand command = new UseCommand();
        command.catalog = catalog();
        command.spi = spi;
        command.plugin = plugin;
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        command.execute();
    }

    private PluginCatalog catalog() {
        return new PluginCatalog(name -> services.getOrDefault(name, new TreeSet<>()), new PluginCatalog.Settings() {
            @Override
            public String get(String pid, String key) {
                Map<String, String> values = configuration.get(pid);
                return values == null ? null : values.get(key);
            }

            @Override
            public void set(String pid, String key, String value) {
                configuration.computeIfAbsent(pid, p -> new HashMap<>()).put(key, value);
            }
        }, () -> new InUse(storageInUse), () -> proxy);
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    /** Only what the plugin list reads of the API server's storage switch. */
    private record InUse(String inUse) implements StorageMigrations {
        @Override
        public Set<String> installed() {
            return Set.of("embedded", "etcd", "hazelcast");
        }

        @Override
        public Migration migrate(String target, Consumer<Migration> progress) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Optional<Migration> lastMigration() {
            return Optional.empty();
        }
    }
}
