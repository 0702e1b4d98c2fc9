package io.gantry.kubelet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.apiserver.Registry;
import io.gantry.client.ApiServers;
import io.gantry.client.HttpApiClient;
import io.gantry.client.TestApiServer;
import io.gantry.runtime.sim.SimRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker node as {@code gantry-node} alone makes one: the real kubelet (simulated containers)
 * whose only way to the cluster is the HTTP client to an API server in another "JVM" (its own
 * Jetty). It registers its node, runs the pods bound to it, reports their status, confirms their
 * deletion, and carries on when the API server restarts.
 */
class KubeletOverHttpTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private final String nodeName = "worker-" + UUID.randomUUID().toString().substring(0, 8);
    private TestApiServer server;
    private HttpApiClient client;
    private Informers informers;
    private SimRuntime runtime;
    private Kubelet kubelet;

    @BeforeEach
    void start() throws Exception {
        server = TestApiServer.start();
        client = new HttpApiClient(new ApiServers(List.of(server.uri())));
        informers = new Informers(client);
        runtime = new SimRuntime(Configs.of(SimRuntime.Config.class, Map.of("startDelayMillis", 50L)));
        kubelet = new Kubelet(client, informers, Configs.of(Kubelet.Config.class, Map.of(
                "nodeName", nodeName,
                "podCIDR", "127." + ThreadLocalRandom.current().nextInt(160, 250) + ".0.0/16",
                "port", 0,
                "defaultRuntime", SimRuntime.NAME,
                "rootDir", root.toString())));
        kubelet.addRuntime(runtime, Map.of(Plugins.NAME, SimRuntime.NAME));
    }

    @AfterEach
    void stop() throws Exception {
        kubelet.deactivate();
        runtime.deactivate();
        informers.close();
        client.close();
        server.close();
    }

    @Test
    void theKubeletOfAWorkerRunsItsPodsThroughTheHttpClient() throws Exception {
        await().atMost(DEADLINE).until(() -> ready(server.registry));

        server.registry.create(ResourceKind.PODS, pod("first"));
        Pod running = awaitRunning("first");
        assertNotNull(running.status.podIP);

        server.registry.delete(ResourceKind.PODS, "default", "first", null);
        await().atMost(DEADLINE).until(() -> server.registry.find(ResourceKind.PODS, "default", "first").isEmpty());
        assertEquals(List.of(), runtime.listContainers(nodeName).stream()
                .filter(c -> c.podUid().equals(running.metadata.uid)).toList());

        // the control plane restarts; the worker's watches and writes find it again
        server.restart();
        server.registry.create(ResourceKind.PODS, pod("second"));
        awaitRunning("second");
    }

    private Pod awaitRunning(String name) {
        await().atMost(DEADLINE).until(() -> server.registry.find(ResourceKind.PODS, "default", name)
                .map(p -> p.status != null && "Running".equals(p.status.phase)).orElse(false));
        return server.registry.get(ResourceKind.PODS, "default", name);
    }

    private boolean ready(Registry registry) {
        return registry.find(ResourceKind.NODES, null, nodeName).map(KubeletOverHttpTest::isReady).orElse(false);
    }

    private static boolean isReady(Node node) {
        return node.status != null && node.status.conditions != null && node.status.conditions.stream()
                .anyMatch(c -> c.type.equals("Ready") && c.status.equals("True"));
    }

    private Pod pod(String name) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.namespace = "default";
        pod.spec.nodeName = nodeName;
        Container container = new Container();
        container.name = "app";
        container.image = "example/app:1.0";
        pod.spec.containers = new java.util.ArrayList<>(List.of(container));
        return pod;
    }
}
