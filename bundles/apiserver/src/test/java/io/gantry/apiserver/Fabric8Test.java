package io.gantry.apiserver;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The REST API driven by the fabric8 Kubernetes client, as Java operators use it. */
class Fabric8Test {

    static TestApiServer api;
    static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        api = new TestApiServer(false);
        Config config = new ConfigBuilder(Config.empty()).withMasterUrl(api.url()).withNamespace("default").build();
        client = new KubernetesClientBuilder().withConfig(config).build();
    }

    @AfterAll
    static void stop() throws Exception {
        client.close();
        api.close();
    }

    @Test
    void createGetListWatchAndDelete() {
        List<String> events = new CopyOnWriteArrayList<>();
        try (var watch = client.pods().withLabel("app", "f8").watch(new Watcher<Pod>() {
            @Override
            public void eventReceived(Action action, Pod pod) {
                events.add(action + " " + pod.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            Pod created = client.pods().resource(new PodBuilder()
                    .withNewMetadata().withName("f8").addToLabels("app", "f8").endMetadata()
                    .withNewSpec().addNewContainer().withName("c").withImage("gantry/httpd:1.0").endContainer().endSpec()
                    .build()).create();
            assertEquals("Pending", created.getStatus().getPhase());
            assertEquals("f8", client.pods().withName("f8").get().getMetadata().getName());
            assertEquals(1, client.pods().withLabel("app", "f8").list().getItems().size());

            client.pods().withName("f8").edit(p -> new PodBuilder(p).editMetadata().addToLabels("seen", "yes").endMetadata().build());
            client.pods().withName("f8").delete();
            await().atMost(Duration.ofSeconds(20)).until(() -> events.size() >= 3);
            assertEquals(List.of("ADDED f8", "MODIFIED f8", "DELETED f8"), events);
        }
        assertNull(client.pods().withName("f8").get());
    }

    @Test
    void errorsArriveAsStatus() {
        KubernetesClientException e = assertThrows(KubernetesClientException.class, () -> client.pods().resource(
                new PodBuilder().withNewMetadata().withName("bad").endMetadata().withNewSpec().endSpec().build()).create());
        assertEquals(422, e.getCode());
        assertEquals("spec.containers", e.getStatus().getDetails().getCauses().get(0).getField());
    }
}
