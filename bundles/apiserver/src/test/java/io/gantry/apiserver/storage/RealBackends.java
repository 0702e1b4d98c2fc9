package io.gantry.apiserver.storage;

import static org.awaitility.Awaitility.await;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.Configs;
import io.gantry.api.FreePorts;
import io.gantry.api.store.StorageBackend;
import io.gantry.store.embedded.EmbeddedStore;
import io.gantry.store.etcd.EtcdStore;
import io.gantry.store.hazelcast.HazelcastStore;
import io.gantry.store.hazelcast.StoreSerialization;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The three real storage backends for the API server's tests, built as their bundles' own tests
 * build them: a one-member Hazelcast cluster on loopback (TCP/IP join, a port of 15800-15899),
 * the embedded store in a folder, and Debian's etcd server started on free loopback ports.
 */
final class RealBackends {

    private static final Path ETCD = Path.of("/usr/bin/etcd");
    private static final int FIRST_HAZELCAST_PORT = 15800;
    private static final int LAST_HAZELCAST_PORT = 15899;

    private RealBackends() {
    }

    /** A one-member Hazelcast cluster of its own, with the store's serialization as the cluster bundle sets it. */
    static HazelcastInstance hazelcastMember() throws IOException {
        int port = freePortIn(FIRST_HAZELCAST_PORT, LAST_HAZELCAST_PORT);
        Config config = new Config().setClusterName("apiserver-test-" + UUID.randomUUID())
                .setProperty("hazelcast.phone.home.enabled", "false")
                .setProperty("hazelcast.shutdownhook.enabled", "false")
                .setProperty("hazelcast.logging.type", "slf4j")
                .setProperty("hazelcast.wait.seconds.before.join", "0");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getRestApiConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).setMembers(List.of("127.0.0.1:" + port));
        config.getSerializationConfig().addDataSerializableFactory(StoreSerialization.FACTORY_ID, new StoreSerialization());
        return Hazelcast.newHazelcastInstance(config);
    }

    static HazelcastStore hazelcast(HazelcastInstance member) {
        return new HazelcastStore(member, Configs.of(HazelcastStore.Config.class,
                Map.of("backupCount", 0))); // one member: nothing to back up to
    }

    static EmbeddedStore embedded(Path folder) {
        return new EmbeddedStore(Configs.of(EmbeddedStore.Config.class, Map.of("dataFolder", folder.toString())));
    }

    static EtcdStore etcd(URI endpoint) {
        return new EtcdStore(Configs.of(EtcdStore.Config.class,
                Map.of("endpoints", endpoint.toString(), "compactionIntervalMinutes", 0)));
    }

    /**
     * Stops a backend as Declarative Services does, through its deactivate method (package-private
     * in the backend's bundle, since only SCR calls it): the embedded store must release its file
     * before a new one opens the same folder.
     */
    static void deactivate(StorageBackend backend) {
        try {
            Method deactivate = backend.getClass().getDeclaredMethod("deactivate");
            deactivate.setAccessible(true);
            deactivate.invoke(backend);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("cannot stop " + backend, e);
        }
    }

    /** A real etcd server on free loopback ports with a data folder of the test's; closing stops it. */
    static final class EtcdServer implements AutoCloseable {
        private final Process process;
        private final URI endpoint;

        EtcdServer(Path data) throws IOException {
            if (!Files.isExecutable(ETCD)) {
                throw new IllegalStateException("this test runs a real etcd: install Debian's etcd-server (apt-get install etcd-server)");
            }
            String client = "http://127.0.0.1:" + FreePorts.next();
            String peer = "http://127.0.0.1:" + FreePorts.next();
            this.endpoint = URI.create(client);
            this.process = new ProcessBuilder(List.of(ETCD.toString(),
                    "--name", "gantry-apiserver-test",
                    "--data-dir", data.resolve("etcd").toString(),
                    "--listen-client-urls", client, "--advertise-client-urls", client,
                    "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
                    "--initial-cluster", "gantry-apiserver-test=" + peer,
                    "--log-level", "error"))
                    .redirectErrorStream(true)
                    .redirectOutput(data.resolve("etcd.log").toFile())
                    .start();
            HttpClient http = HttpClient.newHttpClient();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                if (!process.isAlive()) {
                    throw new AssertionError("etcd ended: " + Files.readString(data.resolve("etcd.log")));
                }
                HttpResponse<String> answer = http.send(HttpRequest.newBuilder(endpoint.resolve("/v3/kv/range"))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"key\":\"AA==\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                return answer.statusCode() == 200;
            });
        }

        URI endpoint() {
            return endpoint;
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }

    private static int freePortIn(int first, int last) throws IOException {
        for (int port = first; port <= last; port++) {
            try (ServerSocket socket = new ServerSocket(port, 0, InetAddress.getLoopbackAddress())) {
                return socket.getLocalPort();
            } catch (IOException taken) {
                // another test's member: try the next
            }
        }
        throw new IOException("no free port in " + first + "-" + last + " for a Hazelcast member");
    }
}
