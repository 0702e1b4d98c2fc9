package io.gantry.client;

import static io.gantry.client.HttpApiClientTest.configMap;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.client.Informer;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Informers fed by the HTTP client, as on a worker node: they list and watch the real API server
 * over HTTP, and stay in sync across the server's restart, changes made meanwhile included.
 */
class InformerOverHttpTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private InMemoryStorageBackend store;
    private TestApiServer server;
    private Registry registry;
    private HttpApiClient client;

    @BeforeEach
    void start() throws Exception {
        store = new InMemoryStorageBackend();
        server = TestApiServer.start(TestApiServer.registry(store));
        registry = server.registry;
        client = new HttpApiClient(new ApiServers(List.of(server.uri())));
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    @Test
    void anInformerStaysInSyncAcrossARestartOfItsServer() throws Exception {
        staysInSyncAcross(() -> server.restart());
    }

    @Test
    void anInformerStaysInSyncAcrossANewServerProcessOverTheSameStore() throws Exception {
        staysInSyncAcross(() -> server.restart(TestApiServer.registry(store)));
    }

    private interface Restart {
        void run() throws Exception;
    }

    private void staysInSyncAcross(Restart restart) throws Exception {
        registry.create(ResourceKind.CONFIG_MAPS, configMap("kept", Map.of()));
        registry.create(ResourceKind.CONFIG_MAPS, configMap("deleted-while-down", Map.of()));
        List<String> seen = new CopyOnWriteArrayList<>();
        Informer<ConfigMap> informer = new Informer<>(client, ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL,
                new Informer.Handler<>() {
                    @Override
                    public void onAdd(ConfigMap object) {
                        seen.add("add " + object.metadata.name);
                    }

                    @Override
                    public void onUpdate(ConfigMap previous, ConfigMap current) {
                        seen.add("update " + current.metadata.name);
                    }

                    @Override
                    public void onDelete(ConfigMap object) {
                        seen.add("delete " + object.metadata.name);
                    }
                }).start();
        try {
            await().atMost(DEADLINE).until(() -> informer.hasSynced() && informer.list().size() == 2);

            server.stop();
            registry.create(ResourceKind.CONFIG_MAPS, configMap("added-while-down", Map.of()));
            ConfigMap kept = registry.get(ResourceKind.CONFIG_MAPS, "default", "kept");
            kept.data = Map.of("key", "changed");
            registry.update(ResourceKind.CONFIG_MAPS, kept);
            registry.delete(ResourceKind.CONFIG_MAPS, "default", "deleted-while-down", null);
            restart.run();
            registry = server.registry;

            await().atMost(DEADLINE).until(() -> names(informer).equals(Set.of("kept", "added-while-down"))
                    && informer.get("default", "kept").orElseThrow().data.get("key").equals("changed"));
            // and it watches again: a change after the restart arrives too
            registry.create(ResourceKind.CONFIG_MAPS, configMap("after-restart", Map.of()));
            await().atMost(DEADLINE).until(() -> informer.get("default", "after-restart").isPresent());
            await().atMost(DEADLINE).until(() -> seen.size() == 6);
            assertEquals(Set.of("add kept", "add deleted-while-down", "add added-while-down", "update kept",
                    "delete deleted-while-down", "add after-restart"), Set.copyOf(seen));
        } finally {
            informer.close();
        }
    }

    private static Set<String> names(Informer<ConfigMap> informer) {
        return informer.list().stream().map(c -> c.metadata.name).collect(Collectors.toSet());
    }
}
