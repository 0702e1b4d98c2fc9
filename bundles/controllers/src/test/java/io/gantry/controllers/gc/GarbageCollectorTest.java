package io.gantry.controllers.gc;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.ReplicationController;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.GenericObject;
import io.gantry.api.meta.v1.LabelSelector;
import io.gantry.api.meta.v1.OwnerReference;
import io.gantry.controllers.OwnerReferences;
import io.gantry.controllers.TestControlPlane;
import io.gantry.controllers.replication.ReplicaSetController;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Cascading deletion in its three modes with the replica set controller and the garbage
 * collector on the real in-process API server.
 */
class GarbageCollectorTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private TestControlPlane plane;

    @BeforeEach
    void start() {
        plane = new TestControlPlane(List.of(ReplicaSetController::replicaSets,
                ReplicaSetController::replicationControllers, GarbageCollector::new));
    }

    @AfterEach
    void stop() {
        plane.close();
    }

    @Test
    void backgroundDeletesTheDependentsOfAGoneOwnerDownTheChain() {
        Deployment deployment = deployment("web");
        ReplicaSet set = replicaSet("web-5d8f", 2);
        set.metadata.ownerReferences = List.of(OwnerReferences.controllerRef(deployment));
        plane.registry.create(ResourceKind.REPLICA_SETS, set);
        await().atMost(WAIT).until(() -> plane.activePods("default", "app=web-5d8f").size() == 2);

        plane.registry.delete(ResourceKind.DEPLOYMENTS, "default", "web", policy("Background"));

        await().atMost(WAIT).until(() -> plane.registry.find(ResourceKind.REPLICA_SETS, "default", "web-5d8f").isEmpty());
        await().atMost(WAIT).until(() -> plane.pods("default", "app=web-5d8f").isEmpty());
    }

    @Test
    void foregroundKeepsTheOwnerVisibleUntilItsDependentsAreGone() {
        ReplicaSet set = plane.registry.create(ResourceKind.REPLICA_SETS, replicaSet("web", 2));
        await().atMost(WAIT).until(() -> plane.activePods("default", "app=web").size() == 2);
        for (Pod pod : plane.activePods("default", "app=web")) {
            plane.bind(pod, "node-1"); // bound: a delete waits for the kubelet, which this test plays
            plane.report(pod, "Running", true);
        }

        ReplicaSet marked = plane.registry.delete(ResourceKind.REPLICA_SETS, "default", "web", policy("Foreground"));
        assertNotNull(marked.metadata.deletionTimestamp);
        assertEquals(List.of("foregroundDeletion"), marked.metadata.finalizers);

        await().atMost(WAIT).until(() -> plane.pods("default", "app=web").stream()
                .allMatch(p -> p.metadata.deletionTimestamp != null));
        assertEquals(2, plane.pods("default", "app=web").size(), "the kubelet has not finished them yet");
        ReplicaSet waiting = plane.registry.get(ResourceKind.REPLICA_SETS, "default", "web");
        assertNotNull(waiting.metadata.deletionTimestamp, "the owner stays, marked, while its pods terminate");
        assertEquals(set.metadata.uid, waiting.metadata.uid);

        Pod first = plane.pods("default", "app=web").get(0);
        plane.registry.delete(ResourceKind.PODS, "default", first.metadata.name, DeleteOptions.immediately());
        await().atMost(WAIT).until(() -> plane.pods("default", "app=web").size() == 1);
        assertTrue(plane.registry.find(ResourceKind.REPLICA_SETS, "default", "web").isPresent(),
                "one blocking pod is left");

        Pod second = plane.pods("default", "app=web").get(0);
        plane.registry.delete(ResourceKind.PODS, "default", second.metadata.name, DeleteOptions.immediately());
        await().atMost(WAIT).until(() -> plane.registry.find(ResourceKind.REPLICA_SETS, "default", "web").isEmpty());
    }

    @Test
    void foregroundGoesDownTheChainEachOwnerWaitingForItsDependents() {
        Deployment deployment = deployment("web");
        ReplicaSet set = replicaSet("web-5d8f", 2);
        set.metadata.ownerReferences = List.of(OwnerReferences.controllerRef(deployment));
        plane.registry.create(ResourceKind.REPLICA_SETS, set);
        await().atMost(WAIT).until(() -> plane.activePods("default", "app=web-5d8f").size() == 2);
        for (Pod pod : plane.activePods("default", "app=web-5d8f")) {
            plane.bind(pod, "node-1");
        }
        List<String> seen = new CopyOnWriteArrayList<>();
        Watch watch = plane.registry.watch(ResourceKind.REPLICA_SETS, "default", ListOptions.ALL, new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<ReplicaSet> event) {
                seen.add(event.type() + " " + event.object().metadata.finalizers);
            }
        });
        try {
            plane.registry.delete(ResourceKind.DEPLOYMENTS, "default", "web", policy("Foreground"));

            // the replica set, having dependents of its own, is deleted in the foreground too
            await().atMost(WAIT).until(() -> seen.contains("MODIFIED [foregroundDeletion]"));
            await().atMost(WAIT).until(() -> plane.pods("default", "app=web-5d8f").stream()
                    .allMatch(p -> p.metadata.deletionTimestamp != null));
            assertTrue(plane.registry.find(ResourceKind.DEPLOYMENTS, "default", "web").isPresent());
            assertTrue(plane.registry.find(ResourceKind.REPLICA_SETS, "default", "web-5d8f").isPresent());

            for (Pod pod : plane.pods("default", "app=web-5d8f")) {
                plane.registry.delete(ResourceKind.PODS, "default", pod.metadata.name, DeleteOptions.immediately());
            }
            await().atMost(WAIT).until(() -> plane.registry.find(ResourceKind.DEPLOYMENTS, "default", "web").isEmpty());
            assertTrue(plane.registry.find(ResourceKind.REPLICA_SETS, "default", "web-5d8f").isEmpty());
        } finally {
            watch.close();
        }
    }

    @Test
    void orphanLeavesTheDependentsWithoutTheReference() {
        ReplicaSet set = plane.registry.create(ResourceKind.REPLICA_SETS, replicaSet("web", 2));
        await().atMost(WAIT).until(() -> plane.activePods("default", "app=web").size() == 2);
        List<String> names = plane.activePods("default", "app=web").stream().map(p -> p.metadata.name).sorted().toList();

        plane.registry.delete(ResourceKind.REPLICA_SETS, "default", "web", policy("Orphan"));

        await().atMost(WAIT).until(() -> plane.registry.find(ResourceKind.REPLICA_SETS, "default", "web").isEmpty());
        List<Pod> left = plane.activePods("default", "app=web");
        assertEquals(names, left.stream().map(p -> p.metadata.name).sorted().toList());
        left.forEach(p -> assertNull(p.metadata.ownerReferences, p.metadata.name));
        assertTrue(left.stream().noneMatch(p -> OwnerReferences.isControlledBy(p, set.metadata.uid)));
    }

    @Test
    void aReplicationControllerDeletedWithoutAPolicyOrphansItsPods() {
        ReplicationController controller = new ReplicationController();
        controller.metadata.name = "legacy";
        controller.metadata.namespace = "default";
        controller.spec.replicas = 1;
        controller.spec.template = TestControlPlane.template(Map.of("app", "legacy"));
        plane.registry.create(ResourceKind.REPLICATION_CONTROLLERS, controller);
        await().atMost(WAIT).until(() -> plane.activePods("default", "app=legacy").size() == 1);

        plane.registry.delete(ResourceKind.REPLICATION_CONTROLLERS, "default", "legacy", null);

        await().atMost(WAIT).until(() -> plane.registry.find(ResourceKind.REPLICATION_CONTROLLERS, "default", "legacy")
                .isEmpty());
        assertEquals(1, plane.activePods("default", "app=legacy").size());
        assertNull(plane.activePods("default", "app=legacy").get(0).metadata.ownerReferences);
    }

    @Test
    void anObjectWhoseOwnerNeverExistedIsDeletedAndOneWithAnotherOwnerOnlyLosesTheReference() {
        ConfigMap kept = plane.registry.create(ResourceKind.CONFIG_MAPS, configMap("owner"));
        ConfigMap dangling = configMap("dangling");
        dangling.metadata.ownerReferences = List.of(reference(ResourceKind.CONFIG_MAPS, "gone",
                "9d1c2f5e-0000-4000-8000-000000000001"));
        ConfigMap shared = configMap("shared");
        shared.metadata.ownerReferences = List.of(reference(ResourceKind.CONFIG_MAPS, "gone",
                "9d1c2f5e-0000-4000-8000-000000000001"), OwnerReferences.controllerRef(kept));
        plane.registry.create(ResourceKind.CONFIG_MAPS, dangling);
        plane.registry.create(ResourceKind.CONFIG_MAPS, shared);

        await().atMost(WAIT).until(() -> plane.registry.find(ResourceKind.CONFIG_MAPS, "default", "dangling").isEmpty());
        await().atMost(WAIT).until(() -> plane.registry.get(ResourceKind.CONFIG_MAPS, "default", "shared")
                .metadata.ownerReferences.size() == 1);
        assertEquals(kept.metadata.uid,
                plane.registry.get(ResourceKind.CONFIG_MAPS, "default", "shared").metadata.ownerReferences.get(0).uid);
    }

    @Test
    void anOwnerCreatedJustBeforeItsDependentIsNeverTakenForGone() {
        // the dependent's informer may see it before the owner's informer sees the owner
        for (int i = 0; i < 20; i++) {
            ConfigMap owner = plane.registry.create(ResourceKind.CONFIG_MAPS, configMap("owner-" + i));
            ConfigMap dependent = configMap("dependent-" + i);
            dependent.metadata.ownerReferences = List.of(OwnerReferences.controllerRef(owner));
            plane.registry.create(ResourceKind.CONFIG_MAPS, dependent);
        }
        ConfigMap marker = configMap("marker");
        marker.metadata.ownerReferences = List.of(reference(ResourceKind.CONFIG_MAPS, "gone",
                "9d1c2f5e-0000-4000-8000-000000000002"));
        plane.registry.create(ResourceKind.CONFIG_MAPS, marker);
        await().atMost(WAIT).until(() -> plane.registry.find(ResourceKind.CONFIG_MAPS, "default", "marker").isEmpty());

        for (int i = 0; i < 20; i++) {
            assertTrue(plane.registry.find(ResourceKind.CONFIG_MAPS, "default", "dependent-" + i).isPresent());
        }
    }

    @Test
    void aNamespaceDeletedInTheForegroundIsNotHeldByTheCollectorsFinalizer() {
        Namespace team = new Namespace();
        team.metadata.name = "team";
        plane.registry.create(ResourceKind.NAMESPACES, team);

        Namespace marked = plane.registry.delete(ResourceKind.NAMESPACES, null, "team", policy("Foreground"));
        assertEquals(List.of("foregroundDeletion"), marked.metadata.finalizers);

        // what is left to hold it is the namespace lifecycle's own (which does not run in this test)
        await().atMost(WAIT).until(() -> plane.registry.find(ResourceKind.NAMESPACES, null, "team")
                .map(n -> n.metadata.finalizers == null || n.metadata.finalizers.isEmpty()).orElse(true));
    }

    @Test
    void everyKindServedIsFollowedEventsAndPodTemplatesToo() throws Exception {
        ConfigMap owner = plane.registry.create(ResourceKind.CONFIG_MAPS, configMap("owner"));
        String ownedBy = Json.mapper().writeValueAsString(List.of(OwnerReferences.controllerRef(owner)));
        ResourceKind<GenericObject> podTemplates = GarbageCollector.followed(plane.registry.resources()).stream()
                .filter(k -> k.plural().equals("podtemplates")).findFirst().map(GarbageCollectorTest::untyped).orElseThrow();
        plane.registry.create(podTemplates, Json.mapper().readValue("""
                {"apiVersion": "v1", "kind": "PodTemplate",
                 "metadata": {"name": "owned", "namespace": "default", "ownerReferences": %s},
                 "template": {"spec": {"containers": [{"name": "c", "image": "gantry/httpd:1.0"}]}}}
                """.formatted(ownedBy), GenericObject.class));
        plane.registry.create(ResourceKind.EVENTS, Json.mapper().readValue("""
                {"apiVersion": "v1", "kind": "Event",
                 "metadata": {"name": "owned", "namespace": "default", "ownerReferences": %s},
                 "involvedObject": {"kind": "ConfigMap", "name": "owner", "namespace": "default"},
                 "reason": "Tested", "message": "owned by the config map"}
                """.formatted(ownedBy), Event.class));
        plane.registry.create(ResourceKind.EVENTS, Json.mapper().readValue("""
                {"apiVersion": "v1", "kind": "Event", "metadata": {"name": "alone", "namespace": "default"},
                 "involvedObject": {"kind": "ConfigMap", "name": "owner", "namespace": "default"},
                 "reason": "Tested", "message": "deleted in the foreground"}
                """, Event.class));

        plane.registry.delete(ResourceKind.CONFIG_MAPS, "default", "owner", policy("Background"));
        await().atMost(WAIT).until(() -> plane.registry.find(podTemplates, "default", "owned").isEmpty()
                && plane.registry.find(ResourceKind.EVENTS, "default", "owned").isEmpty());

        // an event deleted in the foreground has no dependents: the collector's finalizer goes, then the event
        Event marked = plane.registry.delete(ResourceKind.EVENTS, "default", "alone", policy("Foreground"));
        assertEquals(List.of("foregroundDeletion"), marked.metadata.finalizers);
        await().atMost(WAIT).until(() -> plane.registry.find(ResourceKind.EVENTS, "default", "alone").isEmpty());
    }

    @SuppressWarnings("unchecked")
    private static ResourceKind<GenericObject> untyped(ResourceKind<?> kind) {
        assertEquals(GenericObject.class, kind.type());
        return (ResourceKind<GenericObject>) kind;
    }

    private static DeleteOptions policy(String policy) {
        DeleteOptions options = new DeleteOptions();
        options.propagationPolicy = policy;
        return options;
    }

    private Deployment deployment(String name) {
        Deployment deployment = new Deployment();
        deployment.metadata.name = name;
        deployment.metadata.namespace = "default";
        deployment.spec.replicas = 0;
        deployment.spec.selector = LabelSelector.of(Map.of("app", name));
        deployment.spec.template = TestControlPlane.template(Map.of("app", name));
        return plane.registry.create(ResourceKind.DEPLOYMENTS, deployment);
    }

    private static ReplicaSet replicaSet(String name, int replicas) {
        ReplicaSet set = new ReplicaSet();
        set.metadata.name = name;
        set.metadata.namespace = "default";
        set.spec.replicas = replicas;
        set.spec.selector = LabelSelector.of(Map.of("app", name));
        set.spec.template = TestControlPlane.template(Map.of("app", name));
        return set;
    }

    private static ConfigMap configMap(String name) {
        ConfigMap map = new ConfigMap();
        map.metadata.name = name;
        map.metadata.namespace = "default";
        return map;
    }

    private static OwnerReference reference(ResourceKind<?> kind, String name, String uid) {
        OwnerReference reference = new OwnerReference();
        reference.apiVersion = kind.apiVersion();
        reference.kind = kind.kind();
        reference.name = name;
        reference.uid = uid;
        return reference;
    }
}
