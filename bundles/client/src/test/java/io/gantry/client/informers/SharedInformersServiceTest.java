package io.gantry.client.informers;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import io.gantry.client.ApiServers;
import io.gantry.client.HttpApiClient;
import io.gantry.client.TestApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The JVM's shared informers as a service, over the in-process registry and over the HTTP client. */
class SharedInformersServiceTest {

    private final Registry registry = new Registry("memory");
    private final SharedInformersService service;

    SharedInformersServiceTest() {
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
        service = new SharedInformersService(registry);
    }

    @AfterEach
    void stop() {
        service.deactivate();
    }

    @Test
    void everyComponentGetsTheSameInformerOfAKind() {
        Informer<ConfigMap> first = service.informer(ResourceKind.CONFIG_MAPS);

        assertSame(first, service.informer(ResourceKind.CONFIG_MAPS));
        await().atMost(Duration.ofSeconds(10)).until(service::hasSynced);
    }

    @Test
    void aHandlerAddedLateIsToldAboutWhatIsCachedThenAboutChanges() {
        registry.create(ResourceKind.CONFIG_MAPS, configMap("before"));
        Informer<ConfigMap> informer = service.informer(ResourceKind.CONFIG_MAPS);
        await().atMost(Duration.ofSeconds(10)).until(informer::hasSynced);
        List<String> seen = new CopyOnWriteArrayList<>();

        try (Informer.Registration ignored = informer.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(ConfigMap object) {
                seen.add(object.metadata.name);
            }
        })) {
            registry.create(ResourceKind.CONFIG_MAPS, configMap("after"));

            await().atMost(Duration.ofSeconds(10)).until(() -> seen.equals(List.of("before", "after")));
        }
    }

    @Test
    void podsAreIndexedByNode() {
        Informer<Pod> pods = service.informer(ResourceKind.PODS);
        registry.create(ResourceKind.PODS, pod("pending", null));
        registry.create(ResourceKind.PODS, pod("placed", "node-1"));

        await().atMost(Duration.ofSeconds(10)).until(() -> pods.list().size() == 2);
        assertEquals(List.of("pending"), pods.byIndex(Indexes.NODE_NAME, "").stream().map(p -> p.metadata.name).toList());
        assertEquals(List.of("placed"), pods.byIndex(Indexes.NODE_NAME, "node-1").stream().map(p -> p.metadata.name).toList());
    }

    @Test
    void aSharedInformerIsClosedByTheServiceNotByAComponent() {
        Informer<ConfigMap> informer = service.informer(ResourceKind.CONFIG_MAPS);

        assertThrows(IllegalStateException.class, informer::close);
        service.deactivate();
        IllegalStateException closed = assertThrows(IllegalStateException.class,
                () -> service.informer(ResourceKind.CONFIG_MAPS));
        assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
    }

    @Test
    void overTheHttpClientAsOnAWorker() throws Exception {
        try (TestApiServer server = TestApiServer.start();
             HttpApiClient client = new HttpApiClient(new ApiServers(List.of(server.uri())))) {
            SharedInformersService remote = new SharedInformersService(client);
            try {
                Informer<Pod> pods = remote.informer(ResourceKind.PODS);
                server.registry.create(ResourceKind.PODS, pod("placed", "node-1"));
                server.registry.create(ResourceKind.PODS, pod("pending", null));

                await().atMost(Duration.ofSeconds(20)).until(() -> remote.hasSynced() && pods.list().size() == 2);
                assertEquals(List.of("placed"), pods.byIndex(Indexes.NODE_NAME, "node-1").stream()
                        .map(p -> p.metadata.name).toList());
            } finally {
                remote.deactivate();
            }
        }
    }

    private static ConfigMap configMap(String name) {
        ConfigMap configMap = new ConfigMap();
        configMap.metadata.name = name;
        configMap.metadata.namespace = "default";
        configMap.data = Map.of("key", "value");
        return configMap;
    }

    private static Pod pod(String name, String node) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.namespace = "default";
        pod.spec.nodeName = node;
        var container = new io.gantry.api.core.v1.Container();
        container.name = "main";
        container.image = "busybox";
        pod.spec.containers = List.of(container);
        return pod;
    }
}
