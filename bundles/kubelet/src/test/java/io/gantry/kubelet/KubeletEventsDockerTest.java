package io.gantry.kubelet;

import static io.gantry.kubelet.KubectlCluster.awaitPod;
import static io.gantry.kubelet.KubectlCluster.create;
import static io.gantry.kubelet.KubectlCluster.kubectl;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.json.Json;
import io.gantry.kubelet.KubectlCluster.Result;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The kubelet's events about a pod's containers, as {@code kubectl describe pod} and
 * {@code kubectl get events} show them: Pulled, Created and Started when a container starts,
 * Killing when the pod is deleted or a liveness probe fails, Unhealthy for each failed probe,
 * BackOff for one that keeps failing, each naming the container
 * ({@code spec.containers{NAME}}), from the real kubelet on the real Docker engine through the real
 * API server.
 */
@ExtendWith(KubectlCluster.PerClass.class)
class KubeletEventsDockerTest {

    @Test
    void aContainerStartAndThePodsDeletionAreEvents() throws Exception {
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: told
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: httpd
                    image: gantry/httpd:1.0
                """);
        awaitPod("told", p -> "Running".equals(p.status.phase));
        await().atMost(Duration.ofSeconds(30)).until(() -> events().keySet().containsAll(java.util.List.of("Pulled",
                "Created", "Started")));
        Map<String, JsonNode> events = events();
        assertEquals("Started container httpd", events.get("Started").path("message").asText());
        assertEquals("Container image \"gantry/httpd:1.0\" already present on machine",
                events.get("Pulled").path("message").asText());
        for (JsonNode event : events.values()) {
            assertEquals("spec.containers{httpd}", event.path("involvedObject").path("fieldPath").asText(), event.toString());
            assertEquals("kubelet", event.path("source").path("component").asText());
            assertEquals(KubectlCluster.node, event.path("source").path("host").asText());
            assertEquals("Normal", event.path("type").asText());
        }

        Result deleted = kubectl("delete", "pod", "told", "--wait=false");
        assertEquals(0, deleted.code(), deleted.err());
        await().atMost(Duration.ofSeconds(30)).until(() -> events().containsKey("Killing"));
        assertEquals("Stopping container httpd", events().get("Killing").path("message").asText());
    }

    @Test
    void aContainerThatKeepsFailingIsBackedOffWithAWarning() throws Exception {
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: crashing
                spec:
                  nodeName: %s
                  containers:
                  - name: crash
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "exit 1"]
                """);
        await().atMost(Duration.ofSeconds(60)).until(() -> events("crashing").containsKey("BackOff"));
        JsonNode backOff = events("crashing").get("BackOff");
        assertEquals("Warning", backOff.path("type").asText());
        assertEquals("spec.containers{crash}", backOff.path("involvedObject").path("fieldPath").asText());
        String uid = backOff.path("involvedObject").path("uid").asText();
        assertEquals("Back-off restarting failed container crash in pod crashing_default(" + uid + ")",
                backOff.path("message").asText());
    }

    @Test
    void aFailedProbeIsUnhealthyAndALivenessFailureKillsWithItsReason() throws Exception {
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: sick
                spec:
                  nodeName: %s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: web
                    image: gantry/httpd:1.0
                    ports:
                    - {name: http, containerPort: 80}
                    livenessProbe:
                      httpGet: {path: /missing, port: http}
                      periodSeconds: 1
                      failureThreshold: 2
                  - name: side
                    image: gantry/httpd:1.0
                    command: ["sleep", "3600"]
                    readinessProbe:
                      exec: {command: ["cat", "/tmp/ready"]}
                      periodSeconds: 1
                """);
        // a probe that runs before httpd listens fails at the connection (the engine's port proxy
        // answers and hangs up); that is an Unhealthy event of its own message, as the kubelet's
        // recorder keeps one event per message, so wait for the 404 among them
        String notFound = "Liveness probe failed: HTTP probe failed with statuscode: 404";
        await().atMost(Duration.ofSeconds(60)).until(() -> unhealthy("sick").getOrDefault("spec.containers{web}", Map.of())
                .containsKey(notFound) && unhealthy("sick").containsKey("spec.containers{side}")
                && events("sick").containsKey("Killing"));
        JsonNode liveness = unhealthy("sick").get("spec.containers{web}").get(notFound);
        assertEquals("Warning", liveness.path("type").asText());
        Map<String, JsonNode> side = unhealthy("sick").get("spec.containers{side}");
        assertEquals(Set.of("Readiness probe failed: cat: can't open '/tmp/ready': No such file or directory"),
                side.keySet().stream().map(String::trim).collect(Collectors.toSet()));
        JsonNode killing = events("sick").get("Killing");
        assertEquals("spec.containers{web}", killing.path("involvedObject").path("fieldPath").asText());
        assertEquals("Container web failed liveness probe, will be restarted", killing.path("message").asText());
        // the same failure again raises the count of its one event, as the kubelet's recorder does
        await().atMost(Duration.ofSeconds(30)).until(() -> unhealthy("sick").get("spec.containers{side}").values().iterator()
                .next().path("count").asInt() >= 2);
    }

    /** The pod's Unhealthy events by the container they name, then by message. */
    private static Map<String, Map<String, JsonNode>> unhealthy(String pod) throws Exception {
        Result listed = kubectl("get", "events", "--field-selector", "involvedObject.name=" + pod + ",reason=Unhealthy",
                "-o", "json");
        assertEquals(0, listed.code(), listed.err());
        Map<String, Map<String, JsonNode>> byContainer = new TreeMap<>();
        for (JsonNode event : Json.mapper().readTree(listed.out()).path("items")) {
            byContainer.computeIfAbsent(event.path("involvedObject").path("fieldPath").asText(), c -> new TreeMap<>())
                    .put(event.path("message").asText(), event);
        }
        return byContainer;
    }

    private static Map<String, JsonNode> events() throws Exception {
        return events("told");
    }

    /** The pod's events by reason, as kubectl lists them. */
    private static Map<String, JsonNode> events(String pod) throws Exception {
        Result listed = kubectl("get", "events", "--field-selector", "involvedObject.name=" + pod, "-o", "json");
        assertEquals(0, listed.code(), listed.err());
        Map<String, JsonNode> byReason = new TreeMap<>();
        for (JsonNode event : Json.mapper().readTree(listed.out()).path("items")) {
            byReason.put(event.path("reason").asText(), event);
        }
        return byReason;
    }
}
