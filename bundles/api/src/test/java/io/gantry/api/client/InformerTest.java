package io.gantry.api.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.OwnerReference;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Shared informers over a real (in-memory) store and real watch threads. */
class InformerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private InMemoryApiClient api;
    private RecordingClient client;
    private Informers informers;

    @BeforeEach
    void setUp() {
        api = new InMemoryApiClient();
        client = new RecordingClient(api);
        informers = new Informers(client);
    }

    @AfterEach
    void tearDown() {
        informers.close();
    }

    @Test
    void oneInformerPerKindListsAndWatchesOnceForEveryComponent() {
        api.create(ResourceKind.PODS, pod("a", "default", null));
        Informer<Pod> pods = informers.informer(ResourceKind.PODS);
        assertSame(pods, informers.informer(ResourceKind.PODS));
        Calls scheduler = new Calls();
        Calls controller = new Calls();
        pods.addHandler(scheduler);
        await().atMost(DEADLINE).until(informers::hasSynced);
        pods.addHandler(controller); // late: told about what is cached first

        api.create(ResourceKind.PODS, pod("b", "default", null));
        await().atMost(DEADLINE).until(() -> scheduler.calls.size() == 2 && controller.calls.size() == 2);
        assertEquals(List.of("add default/a", "add default/b"), scheduler.calls);
        assertEquals(List.of("add default/a", "add default/b"), controller.calls);
        assertEquals(1, client.lists.get());
        assertEquals(1, client.watches.size());
        assertThrows(IllegalStateException.class, pods::close);
    }

    @Test
    void handlersSeeAddUpdateDeleteInOrder() {
        Informer<Pod> pods = informers.informer(ResourceKind.PODS);
        Calls calls = new Calls();
        Informer.Registration registration = pods.addHandler(calls);
        await().atMost(DEADLINE).until(pods::hasSynced);
        Pod created = api.create(ResourceKind.PODS, pod("a", "default", null));
        Pod changed = Json.copy(created);
        changed.metadata.labels().put("app", "web");
        api.update(ResourceKind.PODS, changed);
        api.delete(ResourceKind.PODS, "default", "a", null);
        await().atMost(DEADLINE).until(() -> calls.calls.size() == 3);
        assertEquals(List.of("add default/a", "update default/a", "delete default/a"), calls.calls);
        assertTrue(pods.list().isEmpty());

        registration.close();
        api.create(ResourceKind.PODS, pod("b", "default", null));
        await().atMost(DEADLINE).until(() -> pods.get("default", "b").isPresent());
        assertEquals(3, calls.calls.size());
    }

    @Test
    void indexesFindObjectsByNamespaceNodeLabelOwnerAndACustomIndex() {
        Pod web = pod("web", "a", null);
        web.metadata.labels().put("app", "web");
        OwnerReference owner = new OwnerReference();
        owner.uid = "rs-1";
        owner.kind = "ReplicaSet";
        owner.name = "rs";
        web.metadata.ownerReferences().add(owner);
        api.create(ResourceKind.PODS, web);
        api.create(ResourceKind.PODS, pod("db", "b", "node-1"));
        Informer<Pod> pods = informers.informer(ResourceKind.PODS);
        assertTrue(pods.addIndex("spec.schedulerName", p -> p.spec.schedulerName == null ? List.of() : List.of(p.spec.schedulerName)));
        await().atMost(DEADLINE).until(pods::hasSynced);

        assertEquals(Set.of("web"), names(pods.byIndex(Indexes.NAMESPACE, "a")));
        assertEquals(Set.of("web"), names(pods.byIndex(Indexes.LABEL, Indexes.label("app", "web"))));
        assertEquals(Set.of("web"), names(pods.byIndex(Indexes.OWNER, "rs-1")));
        assertEquals(Set.of("web"), names(pods.byIndex(Indexes.NODE_NAME, "")));
        assertEquals(Set.of("db"), names(pods.byIndex(Indexes.NODE_NAME, "node-1")));
        assertEquals(Set.of("db"), names(pods.byIndex("spec.schedulerName", "gantry")));

        // A change moves the object between values.
        Binding binding = new Binding();
        binding.metadata.namespace = "a";
        binding.metadata.name = "web";
        binding.target.name = "node-1";
        api.bind(binding);
        await().atMost(DEADLINE).until(() -> pods.byIndex(Indexes.NODE_NAME, "node-1").size() == 2);
        assertTrue(pods.byIndex(Indexes.NODE_NAME, "").isEmpty());
        api.delete(ResourceKind.PODS, "b", "db", null);
        await().atMost(DEADLINE).until(() -> names(pods.byIndex(Indexes.NODE_NAME, "node-1")).equals(Set.of("web")));
        assertThrows(IllegalArgumentException.class, () -> pods.byIndex("no-such-index", "x"));
        assertFalse(informers.informer(ResourceKind.NODES).addIndex(Indexes.NAMESPACE, n -> List.of()));
    }

    @Test
    void anEventOlderThanTheCachedObjectNeverOverwritesIt() {
        Pod created = api.create(ResourceKind.PODS, pod("a", "default", null));
        Informer<Pod> pods = informers.informer(ResourceKind.PODS);
        Calls calls = new Calls();
        pods.addHandler(calls);
        await().atMost(DEADLINE).until(pods::hasSynced);
        Pod changed = Json.copy(created);
        changed.metadata.labels().put("app", "web");
        Pod current = api.update(ResourceKind.PODS, changed);
        await().atMost(DEADLINE).until(() -> version(pods, "a").equals(current.metadata.resourceVersion));

        // A late copy of the first version, on the open watch: dropped.
        client.lastListener().onEvent(new WatchEvent<>(WatchEvent.Type.MODIFIED, created));
        client.lastListener().onEvent(new WatchEvent<>(WatchEvent.Type.DELETED, created));
        assertEquals(current.metadata.resourceVersion, version(pods, "a"));
        assertEquals("web", pods.get("default", "a").orElseThrow().metadata.labels.get("app"));
        await().atMost(DEADLINE).until(() -> calls.calls.size() == 2);
        assertEquals(List.of("add default/a", "update default/a"), calls.calls);
    }

    @Test
    void anEventOfAClosedWatchIsNeverAppliedOverAFreshList() {
        Pod created = api.create(ResourceKind.PODS, pod("a", "default", null));
        Informer<Pod> pods = informers.informer(ResourceKind.PODS);
        await().atMost(DEADLINE).until(pods::hasSynced);
        Pod changed = Json.copy(created);
        changed.metadata.labels().put("app", "web");
        Pod modified = api.update(ResourceKind.PODS, changed);
        await().atMost(DEADLINE).until(() -> version(pods, "a").equals(modified.metadata.resourceVersion));
        WatchListener<Pod> old = client.lastListener();

        pods.resync();
        await().atMost(DEADLINE).until(() -> client.watches.size() == 2);
        api.delete(ResourceKind.PODS, "default", "a", null);
        await().atMost(DEADLINE).until(() -> pods.get("default", "a").isEmpty());

        // The old watch's thread was still delivering this event when the informer listed again.
        old.onEvent(new WatchEvent<>(WatchEvent.Type.MODIFIED, modified));
        assertTrue(pods.get("default", "a").isEmpty(), "a deleted pod came back from a closed watch");
        assertTrue(pods.list().isEmpty());
    }

    @Test
    void afterA410TheInformerListsAgainAndTellsHandlersWhatChangedMeanwhile() {
        Pod kept = api.create(ResourceKind.PODS, pod("kept", "default", null));
        api.create(ResourceKind.PODS, pod("changed", "default", null));
        api.create(ResourceKind.PODS, pod("deleted", "default", null));
        Informer<Pod> pods = informers.informer(ResourceKind.PODS);
        Calls calls = new Calls();
        pods.addHandler(calls);
        await().atMost(DEADLINE).until(() -> calls.calls.size() == 3);

        api.severWatches();
        Pod changed = api.get(ResourceKind.PODS, "default", "changed");
        changed.metadata.labels().put("app", "web");
        api.update(ResourceKind.PODS, changed);
        api.delete(ResourceKind.PODS, "default", "deleted", null);
        api.create(ResourceKind.PODS, pod("added", "default", null));
        api.expireWatches();

        await().atMost(DEADLINE).until(() -> calls.calls.size() == 6);
        assertEquals(Set.of("update default/changed", "delete default/deleted", "add default/added"),
                Set.copyOf(calls.calls.subList(3, 6)));
        assertEquals(Set.of("kept", "changed", "added"), names(pods.list()));
        assertEquals(kept.metadata.resourceVersion, version(pods, "kept"));
        assertEquals(2, client.lists.get());

        // And it follows the new watch.
        api.delete(ResourceKind.PODS, "default", "kept", null);
        await().atMost(DEADLINE).until(() -> calls.calls.size() == 7);
        assertEquals("delete default/kept", calls.calls.get(6));
    }

    @Test
    void aSlowHandlerDelaysOnlyItself() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Informer<Pod> pods = informers.informer(ResourceKind.PODS);
        Calls slow = new Calls() {
            @Override
            public void onAdd(Pod pod) {
                super.onAdd(pod);
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        };
        Calls fast = new Calls();
        pods.addHandler(slow);
        pods.addHandler(fast);
        for (int i = 0; i < 5; i++) {
            api.create(ResourceKind.PODS, pod("p" + i, "default", null));
        }
        await().atMost(DEADLINE).until(() -> fast.calls.size() == 5);
        assertEquals(1, slow.calls.size());
        release.countDown();
        await().atMost(DEADLINE).until(() -> slow.calls.size() == 5);
        assertEquals(fast.calls, slow.calls);
    }

    @Test
    void aPrivateInformerWithASelectorKeepsItsConstructorAndHandler() throws Exception {
        Calls calls = new Calls();
        try (Informer<Pod> mine = new Informer<>(client, ResourceKind.PODS, null, ListOptions.fields("spec.nodeName=node-1"), calls)) {
            mine.start();
            api.create(ResourceKind.PODS, pod("other", "default", "node-2"));
            api.create(ResourceKind.PODS, pod("mine", "default", "node-1"));
            await().atMost(DEADLINE).until(() -> calls.calls.size() == 1);
            assertEquals(List.of("add default/mine"), calls.calls);
            assertEquals(Set.of("mine"), names(mine.list()));
        }
        assertEquals(0, api.openWatches());
    }

    @Test
    void informersOfClusterScopedKinds() {
        Node node = new Node();
        node.metadata.name = "node-1";
        api.create(ResourceKind.NODES, node);
        Informer<Node> nodes = informers.informer(ResourceKind.NODES);
        await().atMost(DEADLINE).until(nodes::hasSynced);
        assertTrue(nodes.get(null, "node-1").isPresent());
    }

    // --- helpers ---

    private static Pod pod(String name, String namespace, String node) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.namespace = namespace;
        pod.spec.nodeName = node;
        if (node != null) {
            pod.spec.schedulerName = "gantry";
        }
        return pod;
    }

    private static String version(Informer<Pod> pods, String name) {
        return pods.get("default", name).map(p -> p.metadata.resourceVersion).orElse("");
    }

    private static Set<String> names(List<? extends KubeObject> objects) {
        return objects.stream().map(o -> o.metadata.name).collect(Collectors.toSet());
    }

    /** What a handler was told, in order. */
    private static class Calls implements Informer.Handler<Pod> {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void onAdd(Pod pod) {
            calls.add("add " + pod.metadata.namespace + "/" + pod.metadata.name);
        }

        @Override
        public void onUpdate(Pod previous, Pod current) {
            calls.add("update " + current.metadata.namespace + "/" + current.metadata.name);
        }

        @Override
        public void onDelete(Pod pod) {
            calls.add("delete " + pod.metadata.namespace + "/" + pod.metadata.name);
        }
    }

    /** The client components get, counting lists and keeping each watch's listener. */
    private static final class RecordingClient implements ApiClient {
        private final ApiClient api;
        final AtomicInteger lists = new AtomicInteger();
        final List<WatchListener<?>> watches = new CopyOnWriteArrayList<>();

        RecordingClient(ApiClient api) {
            this.api = api;
        }

        @SuppressWarnings("unchecked")
        <T> WatchListener<T> lastListener() {
            return (WatchListener<T>) watches.get(watches.size() - 1);
        }

        @Override
        public <T extends KubeObject> T create(ResourceKind<T> kind, T object) {
            return api.create(kind, object);
        }

        @Override
        public <T extends KubeObject> T get(ResourceKind<T> kind, String namespace, String name) {
            return api.get(kind, namespace, name);
        }

        @Override
        public <T extends KubeObject> KubeList<T> list(ResourceKind<T> kind, String namespace, ListOptions options) {
            if (kind == ResourceKind.PODS) {
                lists.incrementAndGet();
            }
            return api.list(kind, namespace, options);
        }

        @Override
        public <T extends KubeObject> T update(ResourceKind<T> kind, T object) {
            return api.update(kind, object);
        }

        @Override
        public <T extends KubeObject> T updateStatus(ResourceKind<T> kind, T object) {
            return api.updateStatus(kind, object);
        }

        @Override
        public <T extends KubeObject> T delete(ResourceKind<T> kind, String namespace, String name, DeleteOptions options) {
            return api.delete(kind, namespace, name, options);
        }

        @Override
        public void bind(Binding binding) {
            api.bind(binding);
        }

        @Override
        public <T extends KubeObject> Watch watch(ResourceKind<T> kind, String namespace, ListOptions options,
                                                  WatchListener<T> listener) {
            Watch watch = api.watch(kind, namespace, options, listener);
            if (kind == ResourceKind.PODS) {
                watches.add(listener);
            }
            return watch;
        }
    }
}
