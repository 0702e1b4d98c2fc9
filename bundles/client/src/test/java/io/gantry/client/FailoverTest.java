package io.gantry.client;

import static io.gantry.client.HttpApiClientTest.configMap;
import static io.gantry.client.HttpApiClientTest.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.FreePorts;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.store.InMemoryStorageBackend;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two API servers of one cluster (two registries over one store, each in its own Jetty), and a
 * client of both: when one stops, calls, watches and informers carry on through the other.
 */
class FailoverTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private TestApiServer first;
    private TestApiServer second;
    private HttpApiClient client;

    @BeforeEach
    void start() throws Exception {
        InMemoryStorageBackend store = new InMemoryStorageBackend();
        first = TestApiServer.start(TestApiServer.registry(store));
        second = TestApiServer.start(TestApiServer.registry(store));
        client = new HttpApiClient(new ApiServers(List.of(first.uri(), second.uri())));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        first.close();
        second.close();
    }

    @Test
    void callsGoToTheNextServerWhenOneStops() throws Exception {
        client.create(ResourceKind.PODS, pod("before"));
        assertEquals(first.uri(), client.servers().current());

        first.stop();

        // a read is retried on the next server whatever became of its connection; later calls go there
        assertEquals(Set.of("before"), client.list(ResourceKind.PODS, "default", ListOptions.ALL).items.stream()
                .map(p -> p.metadata.name).collect(Collectors.toSet()));
        assertEquals(second.uri(), client.servers().current());
        Pod after = client.create(ResourceKind.PODS, pod("after"));
        assertEquals(after.metadata.uid, second.registry.get(ResourceKind.PODS, "default", "after").metadata.uid);
    }

    @Test
    void aServerThatRefusesConnectionsIsSkipped() throws Exception {
        // a port no server listens on
        URI nothing = URI.create("http://127.0.0.1:" + FreePorts.next());
        try (HttpApiClient skipping = new HttpApiClient(new ApiServers(List.of(nothing, second.uri())))) {
            // a write whose connection cannot be made reached no server: it is sent to the next one
            skipping.create(ResourceKind.CONFIG_MAPS, configMap("shared", Map.of()));
            assertEquals(second.uri(), skipping.servers().current());
            assertEquals("shared", first.registry.get(ResourceKind.CONFIG_MAPS, "default", "shared").metadata.name);
            assertEquals("shared", skipping.get(ResourceKind.CONFIG_MAPS, "default", "shared").metadata.name);
        }
    }

    @Test
    void aWatchContinuesOnTheNextServerFromItsLastResourceVersion() throws Exception {
        String from = client.list(ResourceKind.CONFIG_MAPS, null, ListOptions.ALL).metadata.resourceVersion;
        HttpApiClientTest.Recorder<ConfigMap> events = new HttpApiClientTest.Recorder<>();
        try (Watch ignored = client.watch(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL.from(from), events)) {
            for (int i = 0; i < 5; i++) {
                second.registry.create(ResourceKind.CONFIG_MAPS, configMap("cm-" + i, Map.of()));
            }
            await().atMost(DEADLINE).until(() -> events.events.size() == 5);

            first.stop();
            for (int i = 5; i < 10; i++) {
                second.registry.create(ResourceKind.CONFIG_MAPS, configMap("cm-" + i, Map.of()));
            }

            // every change once, in order, across the two servers; the watch did not end
            await().atMost(DEADLINE).until(() -> events.events.size() >= 10);
            assertEquals(IntStream.range(0, 10).mapToObj(i -> "ADDED cm-" + i).toList(), events.describe());
            assertFalse(events.closed.isDone());
            assertEquals(second.uri(), client.servers().current());
        }
    }

    @Test
    void aWatchThatFallsSilentIsLeftForTheNextServer() throws Exception {
        try (SilentServer silent = new SilentServer();
             HttpApiClient watching = new HttpApiClient(new ApiServers(List.of(silent.uri(), second.uri())),
                     new ApiTransport.Settings(Duration.ofSeconds(2), Duration.ofSeconds(5), 1, Duration.ofSeconds(3),
                             "test"), 500)) {
            String from = second.registry.list(ResourceKind.CONFIG_MAPS, null, ListOptions.ALL).metadata.resourceVersion;
            HttpApiClientTest.Recorder<ConfigMap> events = new HttpApiClientTest.Recorder<>();

            // the silent server answers the watch's headers, then nothing, as a partitioned server would
            try (Watch ignored = watching.watch(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL.from(from), events)) {
                for (int i = 0; i < 3; i++) {
                    second.registry.create(ResourceKind.CONFIG_MAPS, configMap("quiet-" + i, Map.of()));
                }

                await().atMost(DEADLINE).until(() -> events.events.size() >= 3);
                assertEquals(IntStream.range(0, 3).mapToObj(i -> "ADDED quiet-" + i).toList(), events.describe());
                assertEquals(second.uri(), watching.servers().current());
                assertFalse(events.closed.isDone());
            }
        }
    }

    @Test
    void aWatchThatEveryServerEndsAtOnceIsClosedRatherThanReopenedForever() throws Exception {
        try (SilentServer ending = new SilentServer(true);
             HttpApiClient watching = new HttpApiClient(new ApiServers(List.of(ending.uri())))) {
            HttpApiClientTest.Recorder<ConfigMap> events = new HttpApiClientTest.Recorder<>();

            watching.watch(ResourceKind.CONFIG_MAPS, null, ListOptions.ALL.from("5"), events);

            io.gantry.api.client.ApiException cause = events.closed.get(20, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals(503, cause.code());
            assertTrue(cause.getMessage().contains("as soon as it opens"), cause.getMessage());
        }
    }

    @Test
    void anInformerStaysInSyncWhileItsServerStops() throws Exception {
        Informer<Pod> informer = new Informer<>(client, ResourceKind.PODS, null, ListOptions.ALL, null).start();
        try {
            client.create(ResourceKind.PODS, pod("one"));
            await().atMost(DEADLINE).until(() -> informer.get("default", "one").isPresent());

            first.stop();
            client.create(ResourceKind.PODS, pod("two"));
            second.registry.delete(ResourceKind.PODS, "default", "one", null);

            await().atMost(DEADLINE).until(() -> informer.get("default", "two").isPresent()
                    && informer.get("default", "one").isEmpty());
            assertTrue(informer.hasSynced());
        } finally {
            informer.close();
        }
    }

    /**
     * A server that accepts connections and answers 200 with a streaming body, then stays silent (or,
     * {@code endAtOnce}, ends the body at once).
     */
    private static final class SilentServer implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
        private final List<java.net.Socket> held = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final Thread acceptor;

        SilentServer() throws java.io.IOException {
            this(false);
        }

        SilentServer(boolean endAtOnce) throws java.io.IOException {
            acceptor = new Thread(() -> {
                while (!socket.isClosed()) {
                    try {
                        java.net.Socket connection = socket.accept();
                        held.add(connection);
                        java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                                connection.getInputStream(), java.nio.charset.StandardCharsets.US_ASCII));
                        for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                            // the request's headers
                        }
                        connection.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                                + "Transfer-Encoding: chunked\r\n\r\n" + (endAtOnce ? "0\r\n\r\n" : ""))
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                        connection.getOutputStream().flush();
                        if (endAtOnce) {
                            connection.close(); // one request per connection: the next one comes on a new one
                        }
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            }, "silent-server");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        URI uri() {
            return URI.create("http://127.0.0.1:" + socket.getLocalPort());
        }

        @Override
        public void close() throws Exception {
            socket.close();
            for (java.net.Socket connection : held) {
                connection.close();
            }
            acceptor.join(5000);
        }
    }
}
