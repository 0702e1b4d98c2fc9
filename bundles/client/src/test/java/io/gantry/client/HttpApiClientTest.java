package io.gantry.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.FreePorts;
import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ApiResource;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP client against the real API server over real HTTP: every call of the ApiClient
 * contract, checked against what the in-process registry gives for the same call, errors included.
 */
class HttpApiClientTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private TestApiServer server;
    private Registry registry;
    private HttpApiClient client;

    @BeforeEach
    void start() throws Exception {
        server = TestApiServer.start(TestApiServer.registry(new InMemoryStorageBackend(50)));
        registry = server.registry;
        client = new HttpApiClient(new ApiServers(List.of(server.uri())), ApiTransport.Settings.DEFAULTS, 7);
    }

    @AfterEach
    void stop() throws Exception {
        client.close();
        server.close();
    }

    @Test
    void createsReadsUpdatesAndDeletesWithTheServersDefaults() {
        Pod created = client.create(ResourceKind.PODS, pod("web"));

        assertNotNull(created.metadata.uid);
        assertEquals("default", created.metadata.namespace);
        assertEquals("Always", created.spec.restartPolicy);
        assertEquals("Pending", created.status.phase);
        Pod read = client.get(ResourceKind.PODS, "default", "web");
        assertEquals(created.metadata.uid, read.metadata.uid);
        assertEquals(created.metadata.resourceVersion, read.metadata.resourceVersion);

        read.metadata.labels = Map.of("tier", "front");
        Pod updated = client.update(ResourceKind.PODS, read);
        assertEquals("front", updated.metadata.labels.get("tier"));
        assertTrue(Long.parseLong(updated.metadata.resourceVersion) > Long.parseLong(read.metadata.resourceVersion));

        updated.status.phase = "Running";
        updated.status.podIP = "127.1.0.5";
        client.updateStatus(ResourceKind.PODS, updated);
        Pod stored = registry.get(ResourceKind.PODS, "default", "web");
        assertEquals("Running", stored.status.phase);
        assertEquals("127.1.0.5", stored.status.podIP);
        assertEquals("front", stored.metadata.labels.get("tier"));

        Pod deleted = client.delete(ResourceKind.PODS, "default", "web", DeleteOptions.immediately());
        assertEquals("web", deleted.metadata.name);
        assertTrue(registry.find(ResourceKind.PODS, "default", "web").isEmpty());
        assertTrue(client.find(ResourceKind.PODS, "default", "web").isEmpty());
    }

    @Test
    void aBoundPodIsMarkedOnDeleteAndGoneWithAZeroGracePeriodAsInProcess() {
        client.create(ResourceKind.PODS, pod("bound"));
        client.bind(binding("bound", "node-1"));

        Pod marked = client.delete(ResourceKind.PODS, "default", "bound", null);
        assertNotNull(marked.metadata.deletionTimestamp);
        assertEquals(30L, marked.metadata.deletionGracePeriodSeconds);
        assertTrue(registry.find(ResourceKind.PODS, "default", "bound").isPresent());

        DeleteOptions now = new DeleteOptions();
        now.gracePeriodSeconds = 0L;
        client.delete(ResourceKind.PODS, "default", "bound", now);
        assertTrue(registry.find(ResourceKind.PODS, "default", "bound").isEmpty());
    }

    @Test
    void errorsCarryTheStatusTheInProcessClientGives() {
        registry.create(ResourceKind.PODS, pod("taken"));
        sameError(api -> api.get(ResourceKind.PODS, "default", "missing"), 404, "NotFound");
        sameError(api -> api.create(ResourceKind.PODS, pod("taken")), 409, "AlreadyExists");
        sameError(api -> api.delete(ResourceKind.CONFIG_MAPS, "default", "missing", null), 404, "NotFound");

        Pod invalid = pod("Bad_Name");
        invalid.spec.containers.get(0).image = null;
        ApiException viaHttp = sameError(api -> api.create(ResourceKind.PODS, invalid), 422, "Invalid");
        assertEquals(List.of("metadata.name", "spec.containers[0].image"),
                viaHttp.status().details.causes.stream().map(c -> c.field).toList());
    }

    @Test
    void aWriteAtAStaleResourceVersionIsAConflictAsInProcess() {
        ConfigMap first = client.create(ResourceKind.CONFIG_MAPS, configMap("settings", Map.of()));
        ConfigMap stale = Json.copy(first);
        first.data = Map.of("mode", "one");
        client.update(ResourceKind.CONFIG_MAPS, first);

        stale.data = Map.of("mode", "two");
        ApiException conflict = sameError(api -> api.update(ResourceKind.CONFIG_MAPS, Json.copy(stale)), 409, "Conflict");
        assertTrue(conflict.isConflict());
        assertEquals("Operation cannot be fulfilled on configmaps \"settings\": the object has been modified; please "
                + "apply your changes to the latest version and try again", conflict.getMessage());
        assertEquals("one", registry.get(ResourceKind.CONFIG_MAPS, "default", "settings").data.get("mode"));
    }

    @Test
    void listsPageByPageFromOneSnapshotWithSelectors() {
        for (int i = 0; i < 30; i++) {
            registry.create(ResourceKind.CONFIG_MAPS, configMap("cm-" + i, Map.of("parity", i % 2 == 0 ? "even" : "odd")));
        }

        // pages of 7: 30 objects come in five requests, each a page of the first one's snapshot
        KubeList<ConfigMap> all = client.list(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL);
        assertEquals(30, all.items.size());
        assertEquals(30, all.items.stream().map(c -> c.metadata.name).distinct().count());
        assertEquals(registry.list(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL).metadata.resourceVersion,
                all.metadata.resourceVersion);
        assertNull(all.metadata.continueToken);

        KubeList<ConfigMap> even = client.list(ResourceKind.CONFIG_MAPS, "default", ListOptions.labels("parity=even"));
        assertEquals(15, even.items.size());
        assertTrue(even.items.stream().allMatch(c -> c.metadata.labels.get("parity").equals("even")));
        KubeList<ConfigMap> one = client.list(ResourceKind.CONFIG_MAPS, null, ListOptions.fields("metadata.name=cm-3"));
        assertEquals(List.of("cm-3"), one.items.stream().map(c -> c.metadata.name).toList());
        assertEquals(0, client.list(ResourceKind.CONFIG_MAPS, "kube-system", ListOptions.ALL).items.stream()
                .filter(c -> c.metadata.name.startsWith("cm-")).count());
    }

    @Test
    void aBadSelectorIsRefusedAsInProcess() {
        sameError(api -> api.list(ResourceKind.PODS, null, ListOptions.fields("spec.unknownField=x")), 400, "BadRequest");
    }

    @Test
    void watchesFromARevisionDeliverEveryLaterChangeInOrder() throws Exception {
        registry.create(ResourceKind.CONFIG_MAPS, configMap("before", Map.of()));
        String from = client.list(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL).metadata.resourceVersion;
        Recorder<ConfigMap> events = new Recorder<>();

        Watch watch = client.watch(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL.from(from), events);
        ConfigMap added = registry.create(ResourceKind.CONFIG_MAPS, configMap("after", Map.of()));
        added.data = Map.of("k", "v");
        registry.update(ResourceKind.CONFIG_MAPS, added);
        registry.delete(ResourceKind.CONFIG_MAPS, "default", "before", null);

        await().atMost(DEADLINE).until(() -> events.events.size() >= 3);
        assertEquals(List.of("ADDED after", "MODIFIED after", "DELETED before"), events.describe());
        List<Long> versions = events.events.stream().map(e -> Long.parseLong(e.object().metadata.resourceVersion)).toList();
        assertEquals(versions.stream().sorted().toList(), versions);
        assertTrue(versions.get(0) > Long.parseLong(from));

        watch.close();
        assertTrue(events.closed.isDone());
        assertNull(events.closed.get(), "a watch the client closes ends without a cause");
    }

    @Test
    void listsAndWatchesMayLeaveManagedFieldsOutAsInProcess() throws Exception {
        registry.create(ResourceKind.CONFIG_MAPS, configMap("kept", Map.of()));
        ListOptions stripped = ListOptions.ALL.withoutManagedFields();
        assertNotNull(client.list(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL).items.get(0).metadata
                .extra("managedFields"));
        KubeList<ConfigMap> listed = client.list(ResourceKind.CONFIG_MAPS, "default", stripped);
        assertEquals("kept", listed.items.get(0).metadata.name);
        assertNull(listed.items.get(0).metadata.extra("managedFields"));

        Recorder<ConfigMap> events = new Recorder<>();
        Watch watch = client.watch(ResourceKind.CONFIG_MAPS, "default", stripped.from(listed.metadata.resourceVersion),
                events);
        try {
            registry.create(ResourceKind.CONFIG_MAPS, configMap("new", Map.of()));
            await().atMost(DEADLINE).until(() -> events.events.size() >= 1);
            assertEquals(List.of("ADDED new"), events.describe());
            assertNull(events.events.get(0).object().metadata.extra("managedFields"));
        } finally {
            watch.close();
        }
    }

    @Test
    void aWatchFromNowStartsWithTheCurrentObjectsAsInProcess() {
        registry.create(ResourceKind.CONFIG_MAPS, configMap("present", Map.of()));
        Recorder<ConfigMap> events = new Recorder<>();

        try (Watch ignored = client.watch(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL, events)) {
            registry.create(ResourceKind.CONFIG_MAPS, configMap("later", Map.of()));
            await().atMost(DEADLINE).until(() -> events.events.size() >= 2);
            assertEquals(List.of("ADDED present", "ADDED later"), events.describe());
        }
    }

    @Test
    void aWatchFromACompactedRevisionIsExpiredAsInProcess() {
        for (int i = 0; i < 60; i++) {
            registry.create(ResourceKind.CONFIG_MAPS, configMap("c" + i, Map.of()));
        }
        ApiException expired = sameError(api -> api.watch(ResourceKind.CONFIG_MAPS, null, ListOptions.ALL.from("2"),
                new Recorder<>()), 410, "Expired");
        assertTrue(expired.isExpired());
    }

    @Test
    void aWatchTheServerEndsWithAnErrorIsClosedWithItsStatus() throws Exception {
        Recorder<ConfigMap> events = new Recorder<>();
        client.watch(ResourceKind.CONFIG_MAPS, null, ListOptions.ALL.from(
                registry.list(ResourceKind.CONFIG_MAPS, null, ListOptions.ALL).metadata.resourceVersion), events);

        registry.watches().reset(); // as after a switch of storage backend: every watcher must list again

        ApiException cause = events.closed.get(20, java.util.concurrent.TimeUnit.SECONDS);
        assertNotNull(cause);
        assertEquals(410, cause.code());
        assertEquals("Expired", cause.reason());
    }

    @Test
    void aWatchWithSelectorsSeesOnlyWhatTheyPick() {
        Recorder<ConfigMap> events = new Recorder<>();
        String from = registry.list(ResourceKind.CONFIG_MAPS, null, ListOptions.ALL).metadata.resourceVersion;

        try (Watch ignored = client.watch(ResourceKind.CONFIG_MAPS, null, ListOptions.labels("app=web").from(from), events)) {
            registry.create(ResourceKind.CONFIG_MAPS, configMap("other", Map.of("app", "db")));
            registry.create(ResourceKind.CONFIG_MAPS, configMap("picked", Map.of("app", "web")));
            ConfigMap leaving = registry.get(ResourceKind.CONFIG_MAPS, "default", "picked");
            leaving.metadata.labels = Map.of("app", "none");
            registry.update(ResourceKind.CONFIG_MAPS, leaving);

            await().atMost(DEADLINE).until(() -> events.events.size() >= 2);
            // an object that stops matching is DELETED for this watch, as Kubernetes says it
            assertEquals(List.of("ADDED picked", "DELETED picked"), events.describe());
        }
    }

    @Test
    void bindsAPodToItsNodeOnce() {
        client.create(ResourceKind.PODS, pod("to-bind"));

        client.bind(binding("to-bind", "node-1"));

        assertEquals("node-1", registry.get(ResourceKind.PODS, "default", "to-bind").spec.nodeName);
        sameError(api -> {
            api.bind(binding("to-bind", "node-2"));
            return null;
        }, 409, "Conflict");
        sameError(api -> {
            api.bind(binding("nowhere", "node-1"));
            return null;
        }, 404, "NotFound");
    }

    @Test
    void servesClusterScopedKindsAndKindsOfOtherGroups() {
        Node node = new Node();
        node.metadata.name = "worker-7";
        client.create(ResourceKind.NODES, node);
        assertEquals("worker-7", client.get(ResourceKind.NODES, null, "worker-7").metadata.name);
        assertTrue(client.list(ResourceKind.NODES, null, ListOptions.ALL).items.stream()
                .anyMatch(n -> n.metadata.name.equals("worker-7")));

        Deployment deployment = Json.mapper().convertValue(Map.of(
                "metadata", Map.of("name", "web", "namespace", "default"),
                "spec", Map.of("replicas", 2, "selector", Map.of("matchLabels", Map.of("app", "web")),
                        "template", Map.of("metadata", Map.of("labels", Map.of("app", "web")),
                                "spec", Map.of("containers", List.of(Map.of("name", "web", "image", "nginx")))))),
                Deployment.class);
        Deployment created = client.create(ResourceKind.DEPLOYMENTS, deployment);
        assertEquals("apps/v1", created.apiVersion);
        assertEquals(1L, created.metadata.generation);
        assertEquals("web", client.get(ResourceKind.DEPLOYMENTS, "default", "web").metadata.name);
    }

    @Test
    void theDynamicClientSeesWhatTheInProcessOneSees() {
        registry.create(ResourceKind.PODS, pod("listed"));

        assertEquals(new HashSet<>(registry.resources()), new HashSet<>(client.resources()));
        ApiResource deployments = client.resolve("deploy").orElseThrow();
        assertEquals(registry.resolve("deploy").orElseThrow(), deployments);
        assertEquals(registry.resolve("events.events.k8s.io"), client.resolve("events.events.k8s.io"));
        assertTrue(client.resolve("nothing").isEmpty());

        ApiResource pods = client.resolve("po").orElseThrow();
        assertEquals(registry.get(pods, "default", "listed").path("metadata").path("uid"),
                client.get(pods, "default", "listed").path("metadata").path("uid"));
        ObjectNode table = client.table(pods, "default", null, ListOptions.ALL);
        ObjectNode inProcess = registry.table(pods, "default", null, ListOptions.ALL);
        assertEquals("Table", table.path("kind").asText());
        assertEquals(inProcess.path("columnDefinitions"), table.path("columnDefinitions"));
        assertEquals(names(inProcess), names(table));
        assertEquals(1, client.list(pods, "default", ListOptions.ALL).path("items").size());
    }

    @Test
    void withNoServerAnsweringACallIsUnavailable() throws Exception {
        // a port no server listens on
        URI nothing = URI.create("http://127.0.0.1:" + FreePorts.next());
        try (HttpApiClient lost = new HttpApiClient(new ApiServers(List.of(nothing)))) {
            ApiException unavailable = assertThrows(ApiException.class,
                    () -> lost.get(ResourceKind.PODS, "default", "web"));
            assertEquals(503, unavailable.code());
            assertEquals("ServiceUnavailable", unavailable.reason());
            assertTrue(unavailable.getMessage().contains(nothing.toString()), unavailable.getMessage());
        }
        try (HttpApiClient none = new HttpApiClient(new ApiServers())) {
            ApiException unknown = assertThrows(ApiException.class, () -> none.get(ResourceKind.PODS, "default", "web"));
            assertEquals(503, unknown.code());
            assertTrue(unknown.getMessage().contains("io.gantry.client.cfg"), unknown.getMessage());
        }
    }

    /** Runs one call through both clients: both fail alike (code, reason, message, details). */
    private ApiException sameError(Function<ApiClient, Object> call, int code, String reason) {
        ApiException inProcess = assertThrows(ApiException.class, () -> call.apply(registry));
        ApiException viaHttp = assertThrows(ApiException.class, () -> call.apply(client));
        assertEquals(code, inProcess.code(), inProcess.getMessage());
        assertEquals(reason, inProcess.reason());
        assertEquals(inProcess.code(), viaHttp.code());
        assertEquals(inProcess.reason(), viaHttp.reason());
        assertEquals(inProcess.getMessage(), viaHttp.getMessage());
        assertEquals(Json.tree(inProcess.status().details), Json.tree(viaHttp.status().details));
        return viaHttp;
    }

    private static List<String> names(ObjectNode table) {
        return java.util.stream.StreamSupport.stream(table.path("rows").spliterator(), false)
                .map(row -> row.path("object").path("metadata").path("name").asText()).sorted().toList();
    }

    static Pod pod(String name) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.namespace = "default";
        Container container = new Container();
        container.name = "main";
        container.image = "busybox";
        pod.spec.containers = new java.util.ArrayList<>(List.of(container));
        return pod;
    }

    static ConfigMap configMap(String name, Map<String, String> labels) {
        ConfigMap configMap = new ConfigMap();
        configMap.metadata.name = name;
        configMap.metadata.namespace = "default";
        configMap.metadata.labels = labels.isEmpty() ? null : labels;
        configMap.data = Map.of("key", "value");
        return configMap;
    }

    static Binding binding(String pod, String node) {
        Binding binding = new Binding();
        binding.metadata.name = pod;
        binding.metadata.namespace = "default";
        binding.target.kind = "Node";
        binding.target.name = node;
        return binding;
    }

    /** Records a watch's events and how it ended. */
    static final class Recorder<T extends io.gantry.api.meta.v1.KubeObject> implements WatchListener<T> {
        final List<WatchEvent<T>> events = new CopyOnWriteArrayList<>();
        final CompletableFuture<ApiException> closed = new CompletableFuture<>();

        @Override
        public void onEvent(WatchEvent<T> event) {
            events.add(event);
        }

        @Override
        public void onClose(ApiException cause) {
            closed.complete(cause);
        }

        List<String> describe() {
            return events.stream().map(e -> e.type() + " " + e.object().metadata.name).toList();
        }
    }
}
