package io.gantry.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.json.Json;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;

/**
 * The whole node at work, as the controllers issue asks: a deployment of 4 replicas on Docker
 * behind a Service, a client sending requests to the cluster IP without pause, and a rolling
 * update (kubectl rollout restart's template change) that replaces every pod with no failed
 * request. The scheduler binds the pods, the kubelet runs them and probes their readiness, the
 * replica set and deployment controllers roll them, the endpoints controller takes terminating
 * pods out, and the proxy sends new connections to ready pods only. The pods' preStop hook keeps
 * a terminating pod serving for a moment, as Kubernetes users do, while its removal from the
 * Endpoints reaches the proxy.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RollingUpdateTest extends GantryTestSupport {

    private static final Duration ROLLOUT = Duration.ofSeconds(180);

    private static final String DEPLOYMENT = """
            {"apiVersion": "apps/v1", "kind": "Deployment",
             "metadata": {"name": "roll"},
             "spec": {"replicas": 4,
                      "selector": {"matchLabels": {"app": "roll"}},
                      "strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1, "maxUnavailable": 0}},
                      "template": {"metadata": {"labels": {"app": "roll"}},
                                   "spec": {"terminationGracePeriodSeconds": 10,
                                            "containers": [{"name": "httpd", "image": "gantry/httpd:1.0",
                                                            "imagePullPolicy": "IfNotPresent",
                                                            "ports": [{"name": "http", "containerPort": 80}],
                                                            "readinessProbe": {"httpGet": {"path": "/", "port": "http"},
                                                                               "periodSeconds": 1},
                                                            "lifecycle": {"preStop": {"exec":
                                                                {"command": ["sleep", "3"]}}}}]}}}}
            """;

    private static final String SERVICE = """
            {"apiVersion": "v1", "kind": "Service",
             "metadata": {"name": "roll"},
             "spec": {"selector": {"app": "roll"}, "ports": [{"port": 80, "targetPort": "http"}]}}
            """;

    @Test
    public void aRollingUpdateBehindAServiceFailsNoRequest() throws Exception {
        await().atMost(STARTUP).until(() -> api("GET", "/api/v1/nodes/" + NODE, null).statusCode() == 200);
        HttpResponse<String> created = api("POST", "/apis/apps/v1/namespaces/default/deployments", DEPLOYMENT);
        assertEquals(created.body(), 201, created.statusCode());
        HttpResponse<String> service = api("POST", "/api/v1/namespaces/default/services", SERVICE);
        assertEquals(service.body(), 201, service.statusCode());
        String clusterIP = Json.mapper().readTree(service.body()).at("/spec/clusterIP").asText();

        await().atMost(ROLLOUT).until(() -> rolledOut(1));
        await().atMost(ROLLOUT).until(() -> readyEndpoints() == 4);
        await().atMost(ROLLOUT).ignoreExceptions().until(() -> answer("http://" + clusterIP + "/") != null);

        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger served = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicReference<String> firstFailure = new AtomicReference<>();
        Set<String> pods = ConcurrentHashMap.newKeySet();
        Thread client = new Thread(() -> {
            while (running.get()) {
                try {
                    String body = answer("http://" + clusterIP + "/");
                    served.incrementAndGet();
                    pods.add(body.trim());
                } catch (IOException | RuntimeException e) {
                    failed.incrementAndGet();
                    firstFailure.compareAndSet(null, Instant.now() + " " + e);
                }
            }
        }, "rolling-update-client");
        client.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> served.get() >= 20);
            restart();
            await().atMost(ROLLOUT).until(() -> rolledOut(2));
            await().atMost(ROLLOUT).until(() -> readyEndpoints() == 4 && oldPodsGone());
            int before = served.get();
            await().atMost(Duration.ofSeconds(30)).until(() -> served.get() >= before + 20);
        } finally {
            running.set(false);
            client.join(10_000);
        }
        assertEquals("requests failed during the rolling update (first: " + firstFailure.get() + "), " + served.get()
                + " served", 0, failed.get());
        assertTrue("the answers came from the old and the new pods: " + pods, pods.size() >= 8);
    }

    @After
    public void deleteWorkload() {
        api("DELETE", "/api/v1/namespaces/default/services/roll", null);
        api("DELETE", "/apis/apps/v1/namespaces/default/deployments/roll", null);
        await().atMost(ROLLOUT).until(() -> Json.mapper().readTree(
                api("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Droll", null).body()).path("items").isEmpty());
    }

    /** One request on a connection of its own, so that each is balanced anew; the body names the pod. */
    private static String answer(String url) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(url).toURL().openConnection();
        connection.setConnectTimeout(2_000);
        connection.setReadTimeout(5_000);
        connection.setRequestProperty("Connection", "close");
        int code = connection.getResponseCode();
        if (code != 200) {
            throw new IOException("HTTP " + code);
        }
        try (InputStream in = connection.getInputStream()) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } finally {
            connection.disconnect();
        }
    }

    /** kubectl rollout restart: a template annotation, so a new ReplicaSet rolls. */
    private void restart() throws IOException {
        ObjectNode deployment = (ObjectNode) Json.mapper().readTree(
                api("GET", "/apis/apps/v1/namespaces/default/deployments/roll", null).body());
        ((ObjectNode) deployment.at("/spec/template/metadata")).putObject("annotations")
                .put("kubectl.kubernetes.io/restartedAt", Instant.now().toString());
        HttpResponse<String> updated = api("PUT", "/apis/apps/v1/namespaces/default/deployments/roll",
                Json.mapper().writeValueAsString(deployment));
        assertEquals(updated.body(), 200, updated.statusCode());
    }

    /** As kubectl rollout status reads it, at the given revision. */
    private boolean rolledOut(int revision) throws IOException {
        JsonNode deployment = Json.mapper().readTree(api("GET", "/apis/apps/v1/namespaces/default/deployments/roll", null).body());
        JsonNode status = deployment.path("status");
        return deployment.at("/metadata/annotations/deployment.kubernetes.io~1revision").asText().equals(String.valueOf(revision))
                && status.path("observedGeneration").asLong() >= deployment.at("/metadata/generation").asLong()
                && status.path("updatedReplicas").asInt() == 4 && status.path("replicas").asInt() == 4
                && status.path("availableReplicas").asInt() == 4;
    }

    private int readyEndpoints() throws IOException {
        JsonNode endpoints = Json.mapper().readTree(api("GET", "/api/v1/namespaces/default/endpoints/roll", null).body());
        int ready = 0;
        for (JsonNode subset : endpoints.path("subsets")) {
            ready += subset.path("addresses").size();
        }
        return ready;
    }

    private boolean oldPodsGone() throws IOException {
        return Json.mapper().readTree(api("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Droll", null).body())
                .path("items").size() == 4;
    }
}
