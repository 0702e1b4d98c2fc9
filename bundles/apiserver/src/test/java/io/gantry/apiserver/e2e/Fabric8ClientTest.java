package io.gantry.apiserver.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.gantry.apiserver.TestApiServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fabric8 Kubernetes client doing CRUD, every patch type, watch and scale of deployments and config maps. */
class Fabric8ClientTest {

    static TestApiServer server;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        server = new TestApiServer(false);
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(server.url()).withNamespace("default").build();
        client = new KubernetesClientBuilder().withConfig(config).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        server.close();
    }

    /** Events as "TYPE name key=value", for config maps, or "TYPE name replicas" for deployments. */
    private static <T> Watcher<T> recorder(List<String> events, java.util.function.Function<T, String> describe) {
        return new Watcher<>() {
            @Override
            public void eventReceived(Action action, T object) {
                events.add(action + " " + describe.apply(object));
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        };
    }

    @Test
    void configMapCrudPatchAndWatch() {
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch watch = client.configMaps().withLabel("app", "f8").watch(recorder(events,
                (ConfigMap c) -> c.getMetadata().getName() + " " + new java.util.TreeMap<>(c.getData())))) {
            ConfigMap created = client.configMaps().resource(new ConfigMapBuilder()
                    .withNewMetadata().withName("settings").addToLabels("app", "f8").endMetadata()
                    .addToData("mode", "fast").build()).create();
            assertEquals("1", String.valueOf(created.getData().size()));
            assertTrue(created.getMetadata().getUid() != null && !created.getMetadata().getResourceVersion().isEmpty());
            assertEquals("fast", client.configMaps().withName("settings").get().getData().get("mode"));
            assertEquals(1, client.configMaps().withLabel("app", "f8").list().getItems().size());

            ConfigMap edited = client.configMaps().withName("settings").edit(c -> new ConfigMapBuilder(c)
                    .addToData("level", "3").build());
            assertEquals(Map.of("mode", "fast", "level", "3"), edited.getData());
            ConfigMap merged = client.configMaps().withName("settings")
                    .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"data\":{\"mode\":\"slow\"}}");
            assertEquals(Map.of("mode", "slow", "level", "3"), merged.getData());
            ConfigMap jsonPatched = client.configMaps().withName("settings")
                    .patch(PatchContext.of(PatchType.JSON), "[{\"op\":\"remove\",\"path\":\"/data/level\"}]");
            assertEquals(Map.of("mode", "slow"), jsonPatched.getData());

            // a stale update is refused with 409, and nothing changes
            ConfigMap stale = new ConfigMapBuilder(created).addToData("mode", "stale").build();
            KubernetesClientException conflict = assertThrows(KubernetesClientException.class,
                    () -> client.configMaps().resource(stale).update());
            assertEquals(409, conflict.getCode());
            assertEquals("Conflict", conflict.getStatus().getReason());

            assertTrue(client.configMaps().withName("settings").delete().size() == 1);
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 5);
            assertEquals(List.of("ADDED settings {mode=fast}", "MODIFIED settings {level=3, mode=fast}",
                    "MODIFIED settings {level=3, mode=slow}", "MODIFIED settings {mode=slow}", "DELETED settings {mode=slow}"),
                    events);
        }
        assertNull(client.configMaps().withName("settings").get());
    }

    @Test
    void deploymentCrudPatchScaleAndWatch() {
        List<String> events = new CopyOnWriteArrayList<>();
        try (Watch watch = client.apps().deployments().withName("web").watch(recorder(events,
                (Deployment d) -> d.getMetadata().getName() + " " + d.getSpec().getReplicas()))) {
            Deployment created = client.apps().deployments().resource(new DeploymentBuilder()
                    .withNewMetadata().withName("web").endMetadata()
                    .withNewSpec().withReplicas(1)
                    .withNewSelector().addToMatchLabels("app", "web").endSelector()
                    .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                    .withNewSpec().addNewContainer().withName("httpd").withImage("gantry/httpd:1.0")
                    .addNewPort().withContainerPort(80).endPort().endContainer().endSpec()
                    .endTemplate().endSpec().build()).create();
            assertEquals(1L, created.getMetadata().getGeneration());
            assertEquals("RollingUpdate", created.getSpec().getStrategy().getType(), "defaults were applied");

            Deployment strategic = client.apps().deployments().withName("web").patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                    "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"httpd\",\"image\":\"gantry/httpd:2.0\"}]}}}}");
            assertEquals("gantry/httpd:2.0", strategic.getSpec().getTemplate().getSpec().getContainers().get(0).getImage());
            assertEquals(80, strategic.getSpec().getTemplate().getSpec().getContainers().get(0).getPorts().get(0)
                    .getContainerPort(), "strategic merge keeps the container's ports");
            assertEquals(2L, strategic.getMetadata().getGeneration());

            Deployment scaled = client.apps().deployments().withName("web").scale(3);
            assertEquals(3, scaled.getSpec().getReplicas());
            assertEquals(3, client.apps().deployments().withName("web").scale().getSpec().getReplicas());

            Deployment applied = client.apps().deployments().resource(new DeploymentBuilder(created)
                    .editMetadata().withResourceVersion(null).withManagedFields().withUid(null).withCreationTimestamp(null)
                    .withGeneration(null).addToLabels("tier", "front").endMetadata()
                    .editSpec().withReplicas(4).endSpec().withStatus(null).build())
                    .fieldManager("f8-operator").forceConflicts().serverSideApply();
            assertEquals(4, applied.getSpec().getReplicas());
            assertEquals("front", applied.getMetadata().getLabels().get("tier"));
            assertTrue(applied.getMetadata().getManagedFields().stream()
                    .anyMatch(m -> m.getManager().equals("f8-operator") && m.getOperation().equals("Apply")),
                    applied.getMetadata().getManagedFields().toString());

            KubernetesClientException invalid = assertThrows(KubernetesClientException.class,
                    () -> client.apps().deployments().withName("web").patch(PatchContext.of(PatchType.JSON_MERGE),
                            "{\"spec\":{\"replicas\":-2}}"));
            assertEquals(422, invalid.getCode());
            assertEquals("spec.replicas", invalid.getStatus().getDetails().getCauses().get(0).getField());

            client.apps().deployments().withName("web").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> events.stream().anyMatch(e -> e.startsWith("DELETED")));
            assertEquals("ADDED web 1", events.get(0));
            assertTrue(events.containsAll(List.of("MODIFIED web 3", "MODIFIED web 4", "DELETED web 4")), events.toString());
        }
        assertNull(client.apps().deployments().withName("web").get());
    }
}
