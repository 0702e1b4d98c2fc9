package io.gantry.benchmarks;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.Configs;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.api.store.StorageBackend;
import io.gantry.store.embedded.EmbeddedStore;
import io.gantry.store.etcd.EtcdStore;
import io.gantry.store.hazelcast.HazelcastStore;
import io.gantry.store.hazelcast.StoreSerialization;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The storage backends built as Gantry's OSGi runtime builds them, but in this plain JVM: each
 * backend's component constructed with its configuration, its dependencies started beside it,
 * and its {@code deactivate} method called at the end as Declarative Services calls it.
 */
final class StoreBackends {

    static final List<String> NAMES = List.of("memory", "hazelcast", "embedded", "etcd");

    private StoreBackends() {
    }

    /** A started backend and how to stop it and everything started for it. */
    record Started(StorageBackend backend, String description, AutoCloseable stop) {
    }

    static Started start(String name) throws Exception {
        return switch (name) {
            case "memory" -> new Started(new InMemoryStorageBackend(), "in this JVM's memory (the api test artifact's)", () -> { });
            case "hazelcast" -> hazelcast();
            case "embedded" -> embedded();
            case "etcd" -> etcd();
            default -> throw new IllegalArgumentException("no storage backend " + name + "; one of " + NAMES + " or all");
        };
    }

    /** One Hazelcast member on a free loopback port, configured as the cluster bundle does for one node. */
    private static Started hazelcast() throws IOException {
        int port = freePort();
        Config config = new Config().setClusterName("gantry-bench-" + port)
                .setProperty("hazelcast.phone.home.enabled", "false")
                .setProperty("hazelcast.shutdownhook.enabled", "false")
                .setProperty("hazelcast.logging.type", "slf4j")
                .setProperty("hazelcast.wait.seconds.before.join", "0");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
        // the cluster bundle registers the store's factory on every member
        config.getSerializationConfig().addDataSerializableFactory(StoreSerialization.FACTORY_ID, new StoreSerialization());
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        HazelcastStore store = new HazelcastStore(member, Configs.of(HazelcastStore.Config.class, Map.of()));
        return new Started(store, "one Hazelcast member on 127.0.0.1:" + port + " (no backup member to copy to)", () -> {
            deactivate(store);
            member.shutdown();
        });
    }

    /** The embedded store (H2 MVStore) in a temporary folder, with its default group commit. */
    private static Started embedded() throws IOException {
        Path folder = Files.createTempDirectory("gantry-bench-embedded");
        EmbeddedStore store = new EmbeddedStore(Configs.of(EmbeddedStore.Config.class, Map.of("dataFolder", folder.toString())));
        return new Started(store, "H2 MVStore in " + folder + ", group commit, fsync before every acknowledgement", () -> {
            deactivate(store);
            delete(folder);
        });
    }

    /** The etcd store against an etcd server started here, on a temporary data folder. */
    private static Started etcd() throws Exception {
        Path folder = Files.createTempDirectory("gantry-bench-etcd");
        EtcdProcess etcd = new EtcdProcess(folder);
        EtcdStore store = new EtcdStore(Configs.of(EtcdStore.Config.class,
                Map.of("endpoints", etcd.endpoint().toString(), "compactionIntervalMinutes", 0)));
        return new Started(store, "etcd " + etcdVersion() + " at " + etcd.endpoint() + ", data in " + folder, () -> {
            deactivate(store);
            etcd.close();
            delete(folder);
        });
    }

    /**
     * Calls the component's deactivate method as Declarative Services does, by reflection: it is
     * not public, since only the OSGi runtime should call it.
     */
    private static void deactivate(Object component) throws ReflectiveOperationException {
        var method = component.getClass().getDeclaredMethod("deactivate");
        method.setAccessible(true);
        method.invoke(component);
    }

    private static String etcdVersion() {
        try {
            Process version = new ProcessBuilder("/usr/bin/etcd", "--version").redirectErrorStream(true).start();
            String out = new String(version.getInputStream().readAllBytes());
            version.waitFor();
            return out.lines().filter(l -> l.startsWith("etcd Version")).map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .findFirst().orElse("?");
        } catch (IOException | InterruptedException e) {
            return "?";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 0, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    static void delete(Path folder) throws IOException {
        try (Stream<Path> paths = Files.walk(folder)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
    }
}
