package io.gantry.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.store.InMemoryStorageBackend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The API's semantics over a store: what every write and watch in the cluster goes through. */
class RegistryTest {

    private InMemoryStorageBackend store;
    private Registry registry;

    @BeforeEach
    void setUp() {
        store = new InMemoryStorageBackend(50);
        registry = new Registry("memory");
        registry.addBackend("memory", store);
        registry.ensureSystemNamespaces();
    }

    @Test
    void aTypedListHasEveryObjectWithItsOwnVersionAndTheListsRevision() {
        Pod web = registry.create(ResourceKind.PODS, pod("web"));
        Pod db = registry.create(ResourceKind.PODS, pod("db"));
        db.metadata.labels = java.util.Map.of("tier", "db");
        db = registry.update(ResourceKind.PODS, db);

        var all = registry.list(ResourceKind.PODS, "default", ListOptions.ALL);
        assertEquals(String.valueOf(store.currentRevision()), all.metadata.resourceVersion);
        assertEquals(List.of("db", "web"), all.items.stream().map(p -> p.metadata.name).sorted().toList());
        for (Pod listed : all.items) {
            Pod same = listed.metadata.name.equals("web") ? web : db;
            assertEquals(same.metadata.resourceVersion, listed.metadata.resourceVersion, listed.metadata.name);
            assertEquals(same.metadata.uid, listed.metadata.uid);
            assertEquals("v1", listed.apiVersion);
            assertEquals("Pod", listed.kind);
        }
        var selected = registry.list(ResourceKind.PODS, "default", ListOptions.labels("tier=db"));
        assertEquals(List.of("db"), selected.items.stream().map(p -> p.metadata.name).toList());
        assertEquals(db.metadata.resourceVersion, selected.items.get(0).metadata.resourceVersion);
        assertTrue(registry.list(ResourceKind.PODS, "other", ListOptions.ALL).items.isEmpty());
    }

    @Test
    void informersMayHoldObjectsWithoutManagedFieldsAndTheirUpdatesKeepTheStoredOnes() {
        Pod created = registry.create(ResourceKind.PODS, pod("web"));
        assertNotNull(created.metadata.extra("managedFields"), "a create records who owns what");
        List<WatchEvent<Pod>> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        String from = registry.list(ResourceKind.PODS, null, ListOptions.ALL).metadata.resourceVersion;
        Watch watch = registry.watch(ResourceKind.PODS, null, ListOptions.ALL.withoutManagedFields().from(from),
                events::add);
        try {
            Pod listed = registry.list(ResourceKind.PODS, "default", ListOptions.ALL.withoutManagedFields()).items.get(0);
            assertNull(listed.metadata.extra("managedFields"));
            assertEquals(created.metadata.uid, listed.metadata.uid);
            assertNull(registry.list(ResourceKind.PODS, "default", ListOptions.fields("metadata.name=web").withoutManagedFields())
                    .items.get(0).metadata.extra("managedFields"), "the same with a selector");
            assertNotNull(registry.list(ResourceKind.PODS, "default", ListOptions.ALL).items.get(0).metadata
                    .extra("managedFields"), "only when asked");

            listed.meta().labels().put("tier", "front");
            Pod updated = registry.update(ResourceKind.PODS, listed);
            assertEquals(created.metadata.extra("managedFields").get(0).path("manager"),
                    updated.metadata.extra("managedFields").get(0).path("manager"), "an update without them keeps them");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> events.size() == 1);
            assertEquals("front", events.get(0).object().metadata.labels.get("tier"));
            assertNull(events.get(0).object().metadata.extra("managedFields"));
        } finally {
            watch.close();
        }
    }

    @Test
    void createsWithDefaultsUidAndVersion() {
        Pod created = registry.create(ResourceKind.PODS, pod("web"));
        assertNotNull(created.metadata.uid);
        assertNotNull(created.metadata.creationTimestamp);
        assertEquals(String.valueOf(store.currentRevision()), created.metadata.resourceVersion);
        assertEquals("default", created.metadata.namespace);
        assertEquals("Always", created.spec.restartPolicy);
        assertEquals(30L, created.spec.terminationGracePeriodSeconds);
        assertEquals("default-scheduler", created.spec.schedulerName);
        assertEquals("IfNotPresent", created.spec.containers.get(0).imagePullPolicy);
        assertEquals("TCP", created.spec.containers.get(0).ports.get(0).protocol);
        assertEquals("Pending", created.status.phase);
        assertEquals("BestEffort", created.status.qosClass);

        ApiException exists = assertThrows(ApiException.class, () -> registry.create(ResourceKind.PODS, pod("web")));
        assertEquals(409, exists.code());
        assertEquals("AlreadyExists", exists.reason());
    }

    @Test
    void generatesNamesFromGenerateName() {
        Pod pod = pod(null);
        pod.metadata.generateName = "web-";
        Pod created = registry.create(ResourceKind.PODS, pod);
        assertTrue(created.metadata.name.matches("web-[a-z0-9]{5}"), created.metadata.name);
    }

    @Test
    void aLongGenerateNameIsCutToFiftyEightCharactersAsKubernetesDoes() {
        Pod pod = pod(null);
        pod.metadata.generateName = "a".repeat(100) + "-";
        Pod created = registry.create(ResourceKind.PODS, pod);
        assertTrue(created.metadata.name.matches("a{58}[a-z0-9]{5}"), created.metadata.name);
    }

    @Test
    void invalidObjectsAreRejectedNamingEachFieldAndStoreNothing() {
        long before = store.currentRevision();
        Pod pod = pod("Bad_Name");
        pod.spec.containers.get(0).image = null;
        pod.spec.containers.get(0).ports.get(0).containerPort = 70000;
        pod.spec.restartPolicy = "Sometimes";
        Container twin = new Container();
        twin.name = "httpd";
        twin.image = "x:1";
        pod.spec.containers.add(twin);
        ApiException invalid = assertThrows(ApiException.class, () -> registry.create(ResourceKind.PODS, pod));
        assertEquals(422, invalid.code());
        List<String> fields = invalid.status().details.causes.stream().map(c -> c.field).toList();
        assertEquals(List.of("metadata.name", "spec.containers[0].image", "spec.containers[0].ports[0].containerPort",
                "spec.containers[1].name", "spec.restartPolicy"), fields);
        assertTrue(invalid.getMessage().startsWith("Pod \"Bad_Name\" is invalid: ["), invalid.getMessage());
        assertEquals(before, store.currentRevision(), "nothing was written");
    }

    @Test
    void namespacedObjectsNeedTheirNamespace() {
        Pod pod = pod("web");
        pod.metadata.namespace = "nowhere";
        ApiException missing = assertThrows(ApiException.class, () -> registry.create(ResourceKind.PODS, pod));
        assertEquals("namespaces \"nowhere\" not found", missing.getMessage());
    }

    @Test
    void updatesAreCompareAndSet() {
        Pod created = registry.create(ResourceKind.PODS, pod("web"));
        Pod changed = Json.copy(created);
        changed.meta().labels().put("tier", "front");
        Pod updated = registry.update(ResourceKind.PODS, changed);
        assertEquals("front", updated.metadata.labels.get("tier"));

        Pod stale = Json.copy(created);
        stale.meta().labels().put("tier", "back");
        ApiException conflict = assertThrows(ApiException.class, () -> registry.update(ResourceKind.PODS, stale));
        assertEquals(409, conflict.code());
        assertEquals("Operation cannot be fulfilled on pods \"web\": the object has been modified; please apply your "
                + "changes to the latest version and try again", conflict.getMessage());
        assertEquals("front", registry.get(ResourceKind.PODS, "default", "web").metadata.labels.get("tier"));

        Pod same = registry.get(ResourceKind.PODS, "default", "web");
        assertEquals(same.metadata.resourceVersion, registry.update(ResourceKind.PODS, same).metadata.resourceVersion,
                "an update that changes nothing takes no revision");
    }

    @Test
    void podSpecsMayOnlyChangeTheirImages() {
        Pod created = registry.create(ResourceKind.PODS, pod("web"));
        Pod image = Json.copy(created);
        image.spec.containers.get(0).image = "gantry/httpd:2.0";
        assertEquals("gantry/httpd:2.0", registry.update(ResourceKind.PODS, image).spec.containers.get(0).image);

        Pod restart = registry.get(ResourceKind.PODS, "default", "web");
        restart.spec.restartPolicy = "Never";
        ApiException forbidden = assertThrows(ApiException.class, () -> registry.update(ResourceKind.PODS, restart));
        assertEquals("spec", forbidden.status().details.causes.get(0).field);
        assertTrue(forbidden.getMessage().contains("pod updates may not change fields other than"));
    }

    @Test
    void statusIsWrittenOnlyThroughTheStatusSubresource() {
        Pod created = registry.create(ResourceKind.PODS, pod("web"));
        Pod withStatus = Json.copy(created);
        withStatus.status.phase = "Running";
        assertEquals("Pending", registry.update(ResourceKind.PODS, withStatus).status.phase, "update keeps the status");
        Pod current = registry.get(ResourceKind.PODS, "default", "web");
        current.status.phase = "Running";
        current.meta().labels().put("ignored", "yes");
        Pod updated = registry.updateStatus(ResourceKind.PODS, current);
        assertEquals("Running", updated.status.phase);
        assertNull(updated.metadata.labels, "updateStatus keeps the rest");
    }

    @Test
    void bindingAssignsANodeOnce() {
        registry.create(ResourceKind.PODS, pod("web"));
        registry.bind(binding("web", "node-1"));
        Pod bound = registry.get(ResourceKind.PODS, "default", "web");
        assertEquals("node-1", bound.spec.nodeName);
        assertTrue(bound.status.conditions.stream().anyMatch(c -> c.type.equals("PodScheduled") && c.status.equals("True")));
        ApiException again = assertThrows(ApiException.class, () -> registry.bind(binding("web", "node-2")));
        assertEquals("Operation cannot be fulfilled on pods \"web\": pod web is already assigned to node \"node-1\"",
                again.getMessage());
    }

    @Test
    void boundPodsAreMarkedAndGoneOnlyWhenTheKubeletDeletesThem() {
        registry.create(ResourceKind.PODS, pod("unbound"));
        registry.delete(ResourceKind.PODS, "default", "unbound", null);
        assertTrue(registry.find(ResourceKind.PODS, "default", "unbound").isEmpty(), "an unbound pod goes at once");

        registry.create(ResourceKind.PODS, pod("web"));
        registry.bind(binding("web", "node-1"));
        Pod marked = registry.delete(ResourceKind.PODS, "default", "web", null);
        assertNotNull(marked.metadata.deletionTimestamp);
        assertEquals(30L, marked.metadata.deletionGracePeriodSeconds);
        assertTrue(registry.find(ResourceKind.PODS, "default", "web").isPresent(), "a bound pod waits for its kubelet");

        DeleteOptions now = DeleteOptions.immediately();
        now.preconditions = new DeleteOptions.Preconditions();
        now.preconditions.uid = "someone-else";
        assertEquals(409, assertThrows(ApiException.class,
                () -> registry.delete(ResourceKind.PODS, "default", "web", now)).code());
        now.preconditions.uid = marked.metadata.uid;
        registry.delete(ResourceKind.PODS, "default", "web", now);
        assertTrue(registry.find(ResourceKind.PODS, "default", "web").isEmpty());
    }

    @Test
    void systemNamespacesStayAndOthersEmptyBeforeTheyGo() {
        assertEquals(List.of("default", "kube-node-lease", "kube-public", "kube-system"),
                registry.list(ResourceKind.NAMESPACES, null, ListOptions.ALL).items.stream().map(n -> n.metadata.name).toList());
        ApiException forbidden = assertThrows(ApiException.class,
                () -> registry.delete(ResourceKind.NAMESPACES, null, "default", null));
        assertEquals(403, forbidden.code());
        assertEquals("namespaces \"default\" is forbidden: this namespace may not be deleted", forbidden.getMessage());

        registry.create(ResourceKind.NAMESPACES, new Namespace("team"));
        Pod pod = pod("web");
        pod.metadata.namespace = "team";
        registry.create(ResourceKind.PODS, pod);
        Namespace terminating = registry.delete(ResourceKind.NAMESPACES, null, "team", null);
        assertEquals("Terminating", terminating.status.phase);
        Pod late = pod("late");
        late.metadata.namespace = "team";
        assertEquals(403, assertThrows(ApiException.class, () -> registry.create(ResourceKind.PODS, late)).code());
    }

    @Test
    void watchesFollowSelectorsAsKubernetesDoes() {
        List<WatchEvent<Pod>> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        String from = registry.list(ResourceKind.PODS, null, ListOptions.ALL).metadata.resourceVersion;
        Watch watch = registry.watch(ResourceKind.PODS, null, ListOptions.fields("spec.nodeName=node-1").from(from),
                events::add);
        registry.create(ResourceKind.PODS, pod("web"));
        registry.bind(binding("web", "node-1"));
        Pod bound = registry.get(ResourceKind.PODS, "default", "web");
        bound.status.phase = "Running";
        registry.updateStatus(ResourceKind.PODS, bound);
        registry.delete(ResourceKind.PODS, "default", "web", DeleteOptions.immediately());
        // Watches deliver on their own threads: wait for the last event, with a deadline.
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> events.size() >= 3);
        watch.close();
        assertEquals(List.of(WatchEvent.Type.ADDED, WatchEvent.Type.MODIFIED, WatchEvent.Type.DELETED),
                events.stream().map(WatchEvent::type).toList(),
                "binding makes the pod appear for the node's watch; the create before it is not shown");
        assertEquals("Running", events.get(1).object().status.phase);
    }

    @Test
    void watchWithoutAVersionStartsWithTheCurrentState() {
        registry.create(ResourceKind.PODS, pod("one"));
        List<WatchEvent<Pod>> events = new java.util.concurrent.CopyOnWriteArrayList<>();
        Watch watch = registry.watch(ResourceKind.PODS, "default", ListOptions.ALL, events::add);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> !events.isEmpty());
        watch.close();
        assertEquals(1, events.size());
        assertEquals(WatchEvent.Type.ADDED, events.get(0).type());
    }

    @Test
    void watchFromACompactedVersionIsExpired() {
        for (int i = 0; i < 60; i++) {
            registry.create(ResourceKind.PODS, pod("p" + i));
        }
        ApiException expired = assertThrows(ApiException.class, () -> registry.watch(ResourceKind.PODS, null,
                ListOptions.ALL.from("2"), new WatchListener<Pod>() {
                    @Override
                    public void onEvent(WatchEvent<Pod> event) {
                    }
                }));
        assertEquals(410, expired.code());
        assertEquals("Expired", expired.reason());
    }

    @Test
    void withoutItsBackendTheApiAnswersUnavailable() {
        registry.removeBackend("memory", store);
        ApiException unavailable = assertThrows(ApiException.class,
                () -> registry.get(ResourceKind.PODS, "default", "web"));
        assertEquals(503, unavailable.code());
        assertTrue(unavailable.getMessage().contains("'memory' is not installed"), unavailable.getMessage());
    }

    static Pod pod(String name) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        Container container = new Container();
        container.name = "httpd";
        container.image = "gantry/httpd:1.0";
        container.ports = new ArrayList<>(List.of(new ContainerPort(80)));
        pod.spec.containers.add(container);
        return pod;
    }

    private static Binding binding(String pod, String node) {
        Binding binding = new Binding();
        binding.metadata.name = pod;
        binding.metadata.namespace = "default";
        binding.target.kind = "Node";
        binding.target.name = node;
        return binding;
    }
}
