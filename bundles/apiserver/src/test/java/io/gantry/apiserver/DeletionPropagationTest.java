package io.gantry.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.BooleanNode;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ObjectReference;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodTemplateSpec;
import io.gantry.api.core.v1.ReplicationController;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.LabelSelector;
import io.gantry.api.store.InMemoryStorageBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Deletion with a propagation policy, as kube-apiserver does it for the garbage collector:
 * Foreground and Orphan keep the object, marked, behind their finalizer; the last finalizer's
 * removal deletes it; Background (and most kinds' default) deletes at once.
 */
class DeletionPropagationTest {

    private Registry registry;

    @BeforeEach
    void setUp() {
        registry = new Registry("memory");
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
    }

    @Test
    void foregroundKeepsTheObjectMarkedUntilItsFinalizerIsRemoved() {
        registry.create(ResourceKind.REPLICA_SETS, replicaSet("web"));

        ReplicaSet marked = registry.delete(ResourceKind.REPLICA_SETS, "default", "web", policy("Foreground"));

        assertNotNull(marked.metadata.deletionTimestamp);
        assertEquals(0L, marked.metadata.deletionGracePeriodSeconds);
        assertEquals(List.of("foregroundDeletion"), marked.metadata.finalizers);
        assertEquals(2L, marked.metadata.generation, "marking moves the generation, as markAsDeleting");
        ReplicaSet stored = registry.get(ResourceKind.REPLICA_SETS, "default", "web");
        assertEquals(marked.metadata.deletionTimestamp, stored.metadata.deletionTimestamp);

        stored.metadata.finalizers = new ArrayList<>();
        registry.update(ResourceKind.REPLICA_SETS, stored);

        assertTrue(registry.find(ResourceKind.REPLICA_SETS, "default", "web").isEmpty());
    }

    @Test
    void orphanKeepsTheObjectBehindTheOrphanFinalizer() {
        registry.create(ResourceKind.REPLICA_SETS, replicaSet("web"));

        ReplicaSet marked = registry.delete(ResourceKind.REPLICA_SETS, "default", "web", policy("Orphan"));

        assertNotNull(marked.metadata.deletionTimestamp);
        assertEquals(List.of("orphan"), marked.metadata.finalizers);
        assertTrue(registry.find(ResourceKind.REPLICA_SETS, "default", "web").isPresent());
    }

    @Test
    void backgroundAndTheDefaultOfMostKindsDeleteAtOnce() {
        registry.create(ResourceKind.REPLICA_SETS, replicaSet("background"));
        registry.create(ResourceKind.REPLICA_SETS, replicaSet("default-policy"));

        registry.delete(ResourceKind.REPLICA_SETS, "default", "background", policy("Background"));
        registry.delete(ResourceKind.REPLICA_SETS, "default", "default-policy", null);

        assertTrue(registry.find(ResourceKind.REPLICA_SETS, "default", "background").isEmpty());
        assertTrue(registry.find(ResourceKind.REPLICA_SETS, "default", "default-policy").isEmpty());
    }

    @Test
    void aV1ReplicationControllerOrphansByDefaultAndKubectlsBackgroundDeletesIt() {
        registry.create(ResourceKind.REPLICATION_CONTROLLERS, controller("legacy"));
        registry.create(ResourceKind.REPLICATION_CONTROLLERS, controller("kubectl"));

        ReplicationController legacy = registry.delete(ResourceKind.REPLICATION_CONTROLLERS, "default", "legacy", null);
        registry.delete(ResourceKind.REPLICATION_CONTROLLERS, "default", "kubectl", policy("Background"));

        assertEquals(List.of("orphan"), legacy.metadata.finalizers);
        assertNotNull(legacy.metadata.deletionTimestamp);
        assertTrue(registry.find(ResourceKind.REPLICATION_CONTROLLERS, "default", "kubectl").isEmpty());
    }

    @Test
    void aMarkedObjectMayChangeItsPolicyAndOneThatClearsTheLastFinalizerDeletesIt() {
        ConfigMap map = configMap("settings");
        map.metadata.finalizers = List.of("example.com/keep");
        registry.create(ResourceKind.CONFIG_MAPS, map);
        registry.create(ResourceKind.REPLICA_SETS, replicaSet("web"));

        ConfigMap held = registry.delete(ResourceKind.CONFIG_MAPS, "default", "settings", policy("Orphan"));
        assertEquals(List.of("example.com/keep", "orphan"), held.metadata.finalizers);
        held = registry.delete(ResourceKind.CONFIG_MAPS, "default", "settings", policy("Foreground"));
        assertEquals(List.of("example.com/keep", "foregroundDeletion"), held.metadata.finalizers);
        held = registry.delete(ResourceKind.CONFIG_MAPS, "default", "settings", policy("Background"));
        assertEquals(List.of("example.com/keep"), held.metadata.finalizers, "a finalizer of someone else stays");
        assertTrue(registry.find(ResourceKind.CONFIG_MAPS, "default", "settings").isPresent());

        registry.delete(ResourceKind.REPLICA_SETS, "default", "web", policy("Orphan"));
        registry.delete(ResourceKind.REPLICA_SETS, "default", "web", policy("Background"));
        assertTrue(registry.find(ResourceKind.REPLICA_SETS, "default", "web").isEmpty());
    }

    @Test
    void aBoundPodDeletedInForegroundOutlivesItsKubeletsDeleteUntilTheFinalizerGoes() {
        Pod pod = new Pod();
        pod.metadata.name = "web-1";
        Container container = new Container();
        container.name = "main";
        container.image = "nginx";
        pod.spec.containers = List.of(container);
        registry.create(ResourceKind.PODS, pod);
        Binding binding = new Binding();
        binding.metadata.name = "web-1";
        binding.metadata.namespace = "default";
        binding.target = new ObjectReference();
        binding.target.kind = "Node";
        binding.target.name = "node-1";
        registry.bind(binding);

        Pod marked = registry.delete(ResourceKind.PODS, "default", "web-1", policy("Foreground"));
        assertEquals(30L, marked.metadata.deletionGracePeriodSeconds);
        assertEquals(List.of("foregroundDeletion"), marked.metadata.finalizers);

        // the kubelet, once the containers stopped; the grace period is over but the finalizer holds
        Pod stopped = registry.delete(ResourceKind.PODS, "default", "web-1", DeleteOptions.immediately());
        assertEquals(0L, stopped.metadata.deletionGracePeriodSeconds);
        assertEquals(List.of("foregroundDeletion"), stopped.metadata.finalizers);

        stopped.metadata.finalizers = null;
        registry.update(ResourceKind.PODS, stopped);
        assertTrue(registry.find(ResourceKind.PODS, "default", "web-1").isEmpty());
    }

    @Test
    void anObjectBeingDeletedTakesNoNewFinalizer() {
        registry.create(ResourceKind.REPLICA_SETS, replicaSet("web"));
        ReplicaSet marked = registry.delete(ResourceKind.REPLICA_SETS, "default", "web", policy("Orphan"));

        marked.metadata.finalizers = new ArrayList<>(List.of("orphan", "example.com/late"));
        ApiException refused = assertThrows(ApiException.class, () -> registry.update(ResourceKind.REPLICA_SETS, marked));

        assertEquals(422, refused.code());
        assertEquals("ReplicaSet \"web\" is invalid: metadata.finalizers: Forbidden: no new finalizers can be "
                + "added if the object is being deleted, found new finalizers []string{\"example.com/late\"}",
                refused.getMessage());
    }

    @Test
    void orphanAndForegroundTogetherAreRefused() {
        ReplicaSet both = replicaSet("web");
        both.metadata.finalizers = List.of("orphan", "foregroundDeletion");

        ApiException refused = assertThrows(ApiException.class, () -> registry.create(ResourceKind.REPLICA_SETS, both));

        assertEquals(422, refused.code());
        assertEquals("ReplicaSet \"web\" is invalid: metadata.finalizers: Invalid value: []string{\"orphan\", "
                + "\"foregroundDeletion\"}: finalizer orphan and foregroundDeletion cannot be both set", refused.getMessage());
        assertNull(registry.find(ResourceKind.REPLICA_SETS, "default", "web").orElse(null));
    }

    @Test
    void theDeprecatedOrphanDependentsStillChoosesBetweenOrphanAndBackground() {
        registry.create(ResourceKind.REPLICA_SETS, replicaSet("orphaned"));
        registry.create(ResourceKind.REPLICATION_CONTROLLERS, controller("cascaded"));

        DeleteOptions orphan = new DeleteOptions();
        orphan.extra("orphanDependents", BooleanNode.TRUE);
        assertEquals(List.of("orphan"),
                registry.delete(ResourceKind.REPLICA_SETS, "default", "orphaned", orphan).metadata.finalizers);
        DeleteOptions cascade = new DeleteOptions();
        cascade.extra("orphanDependents", BooleanNode.FALSE);
        registry.delete(ResourceKind.REPLICATION_CONTROLLERS, "default", "cascaded", cascade);
        assertTrue(registry.find(ResourceKind.REPLICATION_CONTROLLERS, "default", "cascaded").isEmpty(),
                "false overrides the controller's default to orphan");
    }

    @Test
    void overHttpBothOptionsAreRefusedAndACascadingDeleteThatWaitsIsAccepted() throws Exception {
        try (TestApiServer server = new TestApiServer(false)) {
            ReplicaSet held = replicaSet("web");
            held.metadata.finalizers = List.of("example.com/keep");
            server.registry.create(ResourceKind.REPLICA_SETS, held);
            HttpClient http = HttpClient.newHttpClient();
            String url = server.url() + "/apis/apps/v1/namespaces/default/replicasets/web";

            HttpResponse<String> both = http.send(HttpRequest.newBuilder(URI.create(url
                    + "?orphanDependents=true&propagationPolicy=Foreground")).DELETE().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(422, both.statusCode(), both.body());
            assertTrue(both.body().contains("\"message\":\"DeleteOptions.meta.k8s.io \\\"\\\" is invalid: "
                    + "propagationPolicy: Invalid value: \\\"Foreground\\\": orphanDependents and deletionPropagation "
                    + "cannot be both set\""), both.body());

            HttpResponse<String> accepted = http.send(HttpRequest.newBuilder(URI.create(url + "?orphanDependents=false"))
                    .DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(202, accepted.statusCode(), accepted.body());
            assertNotNull(server.registry.get(ResourceKind.REPLICA_SETS, "default", "web").metadata.deletionTimestamp);
        }
    }

    private static DeleteOptions policy(String policy) {
        DeleteOptions options = new DeleteOptions();
        options.propagationPolicy = policy;
        return options;
    }

    private static ReplicaSet replicaSet(String name) {
        ReplicaSet set = new ReplicaSet();
        set.metadata.name = name;
        set.metadata.namespace = "default";
        set.spec.selector = LabelSelector.of(Map.of("app", name));
        set.spec.template = template(name);
        return set;
    }

    private static ReplicationController controller(String name) {
        ReplicationController controller = new ReplicationController();
        controller.metadata.name = name;
        controller.metadata.namespace = "default";
        controller.spec.template = template(name);
        return controller;
    }

    private static PodTemplateSpec template(String app) {
        PodTemplateSpec template = new PodTemplateSpec();
        template.metadata.labels = Map.of("app", app);
        Container container = new Container();
        container.name = "main";
        container.image = "nginx";
        template.spec.containers = List.of(container);
        return template;
    }

    private static ConfigMap configMap(String name) {
        ConfigMap map = new ConfigMap();
        map.metadata.name = name;
        map.metadata.namespace = "default";
        return map;
    }
}
