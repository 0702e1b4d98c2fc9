package io.gantry.kubelet;

import static io.gantry.kubelet.DockerNode.container;
import static io.gantry.kubelet.DockerNode.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Volume;
import io.gantry.api.core.v1.VolumeMount;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kubelet's endpoint serving container logs from the real Docker engine, as the API server asks for them. */
class ContainerLogsDockerTest {

    private static final Duration LONG = Duration.ofSeconds(60);
    private DockerNode node;

    @BeforeEach
    void setUp() throws Exception {
        node = new DockerNode();
    }

    @AfterEach
    void tearDown() throws Exception {
        node.close();
    }

    @Test
    void theNodePublishesItsEndpoint() {
        assertTrue(node.kubelet.port() > 0);
        await().atMost(LONG).until(() -> node.api.find(ResourceKind.NODES, null, node.name).isPresent());
        JsonNode endpoints = node.api.get(ResourceKind.NODES, null, node.name).status.extra("daemonEndpoints");
        assertEquals(node.kubelet.port(), endpoints.at("/kubeletEndpoint/Port").asInt());
        assertTrue(node.api.get(ResourceKind.NODES, null, node.name).status.addresses.stream()
                .anyMatch(a -> a.type.equals("InternalIP") && a.address.equals("127.0.0.1")));
    }

    @Test
    void wholeLogTailTimestampsAndLimit() throws Exception {
        Pod pod = node.create(pod("printer", container("main", "for i in 1 2 3 4 5; do echo line $i; done", "sleep 3600"),
                container("side", "echo from side >&2", "sleep 3600")));
        node.await(pod, LONG, p -> p.status.containerStatuses != null && p.status.containerStatuses.stream()
                .allMatch(c -> c.state != null && c.state.running != null));
        await().atMost(LONG).until(() -> get("/containerLogs/default/printer/main").body.contains("line 5"));

        assertEquals("line 1\nline 2\nline 3\nline 4\nline 5\n", get("/containerLogs/default/printer/main").body);
        assertEquals("line 4\nline 5\n", get("/containerLogs/default/printer/main?tailLines=2").body);
        // standard error is in the log, once side has written it
        await().atMost(LONG).until(() -> get("/containerLogs/default/printer/side").body.equals("from side\n"));
        assertEquals("line 1\nli", get("/containerLogs/default/printer/main?limitBytes=9").body);
        String stamped = get("/containerLogs/default/printer/main?timestamps=true&tailLines=1").body;
        assertTrue(stamped.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d+Z line 5\n"), stamped);
        assertEquals("", get("/containerLogs/default/printer/main?sinceTime=2999-01-01T00:00:00Z").body);
        assertEquals("line 5\n", get("/containerLogs/default/printer/main?tailLines=1&sinceSeconds=3600").body);
    }

    @Test
    void errorsInTheKubeletsWords() throws Exception {
        Pod pod = node.create(pod("waiting", container("main", "sleep 3600")));
        node.await(pod, LONG, p -> p.status.containerStatuses != null);
        Response unknown = get("/containerLogs/default/waiting/nope");
        assertEquals(400, unknown.code);
        assertEquals("container nope is not valid for pod waiting", unknown.body);
        node.await(pod, LONG, p -> p.status.containerStatuses.get(0).state.running != null);
        Response previous = get("/containerLogs/default/waiting/main?previous=true");
        assertEquals(400, previous.code);
        assertEquals("previous terminated container \"main\" in pod \"waiting\" not found", previous.body);
        assertEquals(404, get("/containerLogs/default/absent/main").code);
        assertEquals(400, get("/containerLogs/default/waiting/main?tailLines=x").code);
        assertEquals(404, get("/other").code);
    }

    @Test
    void followStreamsUntilTheContainerStops() throws Exception {
        Pod pod = node.create(pod("ticker", container("main", "for i in 1 2 3 4 5 6 7 8 9 10; do echo tick $i; sleep 0.3; done",
                "sleep 1", "exit 0")));
        pod.spec.restartPolicy = "Never";
        node.await(pod, LONG, p -> p.status.containerStatuses != null && p.status.containerStatuses.get(0).state.running != null);
        HttpURLConnection connection = open("/containerLogs/default/ticker/main?follow=true");
        List<String> lines = new ArrayList<>();
        CompletableFuture<Void> ended = CompletableFuture.runAsync(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(connection.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                    synchronized (lines) {
                        lines.add(line);
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        // the first lines arrive while the container still runs
        await().atMost(LONG).until(() -> {
            synchronized (lines) {
                return !lines.isEmpty();
            }
        });
        assertTrue(node.get(pod).status.containerStatuses.get(0).state.terminated == null, "still running");
        ended.get(60, TimeUnit.SECONDS); // and the stream ends when the container does
        assertEquals(10, lines.size(), lines.toString());
        assertEquals("tick 10", lines.get(9));
    }

    @Test
    void previousIsTheLogOfTheAttemptBefore() throws Exception {
        Container counting = container("main", "n=$(( $(cat /data/n 2>/dev/null || echo 0) + 1 ))", "echo $n > /data/n",
                "echo run $n", "sleep 1", "exit 1");
        counting.volumeMounts = List.of(new VolumeMount("data", "/data"));
        Pod pod = pod("crashing", counting);
        Volume data = new Volume("data");
        data.emptyDir = new Volume.EmptyDirVolumeSource();
        pod.spec.volumes = List.of(data);
        node.create(pod);
        node.await(pod, LONG, p -> p.status.containerStatuses != null && p.status.containerStatuses.get(0).restartCount >= 2);
        await().atMost(LONG).untilAsserted(() -> {
            Response previous = get("/containerLogs/default/crashing/main?previous=true");
            Response current = get("/containerLogs/default/crashing/main");
            assertEquals(200, previous.code, previous.body);
            assertTrue(previous.body.matches("run \\d+\n"), previous.body);
            assertTrue(current.body.matches("run \\d+\n"), current.body);
            int before = Integer.parseInt(previous.body.trim().substring(4));
            int now = Integer.parseInt(current.body.trim().substring(4));
            assertEquals(before + 1, now, "previous is the attempt just before the current one");
        });
    }

    private record Response(int code, String body) {
    }

    private HttpURLConnection open(String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create("http://127.0.0.1:" + node.kubelet.port() + path)
                .toURL().openConnection();
        connection.setConnectTimeout(5_000);
        connection.setReadTimeout(60_000);
        return connection;
    }

    private Response get(String path) throws IOException {
        HttpURLConnection connection = open(path);
        int code = connection.getResponseCode();
        try (InputStream in = code < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            return new Response(code, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }
}
