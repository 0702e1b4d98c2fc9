package io.gantry.kubelet;

import static io.gantry.kubelet.PodLifecycleDockerTest.condition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.runtime.process.ProcessRuntime;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet's pod lifecycle on the process runtime: host processes (busybox), no engine. Restarts
 * come from the kubelet's own actions (back-offs shortened to 0.5 s doubling up to 2 s).
 */
class ProcessRuntimeLifecycleTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path root;

    private final String nodeName = "pk-" + UUID.randomUUID().toString().substring(0, 8);
    private final FakeApi api = new FakeApi();
    private ProcessRuntime runtime;
    private Kubelet kubelet;

    @BeforeEach
    void start() {
        runtime = new ProcessRuntime(processConfig(root.resolve("runtime")));
        startKubelet();
    }

    @AfterEach
    void stop() {
        kubelet.deactivate();
        runtime.listPodSandboxes(nodeName).forEach(s -> {
            runtime.stopPodSandbox(s.id());
            runtime.removePodSandbox(s.id());
        });
        api.close();
    }

    @Test
    void aCrashingContainerIsRestartedWithItsExitCodeKeptAndItsLogCaptured() throws IOException {
        Pod pod = create(pod("crasher", shell("crash", "echo started on $POD_IP; exit 1")));
        Pod crashing = await(pod, p -> {
            var status = p.status.containerStatuses == null ? null : p.status.containerStatuses.get(0);
            return status != null && status.restartCount >= 2 && status.lastState.terminated != null;
        });
        var status = crashing.status.containerStatuses.get(0);
        assertEquals(1, status.lastState.terminated.exitCode);
        assertEquals("Error", status.lastState.terminated.reason);
        assertEquals("Running", crashing.status.phase, "Always: the pod keeps running while it restarts");
        // the crash loop goes on while this looks: an attempt just started may not have written
        // yet, and the next start removes the oldest; so judge the attempts that have exited
        Awaitility.await().atMost(Duration.ofSeconds(30)).ignoreExceptionsInstanceOf(IOException.class).untilAsserted(() -> {
            var containers = runtime.listContainers(nodeName);
            assertTrue(!containers.isEmpty() && containers.size() <= 3, "old attempts are removed: " + containers);
            int judged = 0;
            for (var container : containers) {
                Path log = runtime.logFile(container.id());
                if (container.state() != ContainerStatus.State.EXITED || log == null) {
                    continue;
                }
                assertEquals("started on " + crashing.status.podIP + "\n", Files.readString(log),
                        "each attempt's output is in its log");
                judged++;
            }
            assertTrue(judged > 0, "an exited attempt with its log: " + containers);
            assertTrue(containers.stream().allMatch(c -> c.podUid().equals(crashing.metadata.uid)));
        });
    }

    @Test
    void aWebServerServesOnThePodIpAndIsStoppedGracefullyOnDeletion() throws Exception {
        Container web = new Container();
        web.name = "web";
        web.image = "gantry/httpd:1.0";
        int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
        ContainerPort containerPort = new ContainerPort();
        containerPort.containerPort = port;
        web.ports = List.of(containerPort);
        Pod running = await(create(pod("web", web)), p -> "Running".equals(p.status.phase)
                && condition(p, "Ready") != null && "True".equals(condition(p, "Ready").status));
        String ip = running.status.podIP;
        assertTrue(ip.startsWith("127."), ip);

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + ip + ":" + port + "/")).build();
        Awaitility.await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> http.send(request, HttpResponse.BodyHandlers.ofString()).body().equals("hello from Gantry, pod web\n"));

        api.delete(ResourceKind.PODS, "default", "web", new DeleteOptions());
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> api.absent(ResourceKind.PODS, "default", "web"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> runtime.listPodSandboxes(nodeName).isEmpty());
        assertTrue(runtime.listContainers(nodeName).isEmpty(), "no container of the pod is left");
    }

    @Test
    void aNewKubeletAndRuntimeInstanceAdoptTheRunningPodWithoutRestartingIt() {
        Pod pod = create(pod("steady", shell("app", "trap 'exit 0' TERM; while true; do sleep 0.2; done")));
        Pod running = await(pod, p -> "Running".equals(p.status.phase));
        String containerId = running.status.containerStatuses.get(0).containerID;

        kubelet.deactivate();
        runtime.deactivate();
        // only the new kubelet's report brings them back: the wait below cannot pass on an old one
        Pod unreported = api.get(ResourceKind.PODS, running.metadata.namespace, running.metadata.name);
        unreported.status.containerStatuses = null;
        api.updateStatus(ResourceKind.PODS, unreported);
        runtime = new ProcessRuntime(processConfig(root.resolve("runtime")));
        startKubelet();

        Pod after = await(pod, p -> "Running".equals(p.status.phase) && p.status.containerStatuses != null
                && p.status.containerStatuses.get(0).ready);
        assertEquals(containerId, after.status.containerStatuses.get(0).containerID, "the same process runs on: "
                + io.gantry.api.json.Json.write(after.status));
        assertEquals(0, after.status.containerStatuses.get(0).restartCount);
        assertEquals(1, runtime.listContainers(nodeName).size(), String.valueOf(runtime.listContainers(nodeName)));
    }

    private void startKubelet() {
        TestConfig config = new TestConfig(nodeName, "127." + ThreadLocalRandom.current().nextInt(160, 250) + "."
                + ThreadLocalRandom.current().nextInt(1, 250) + ".0/24", root.resolve("kubelet"));
        config.defaultRuntime = ProcessRuntime.NAME;
        kubelet = new Kubelet(api, null, config, new NoConfigSource());
        kubelet.addRuntime(runtime, Map.of(Plugins.NAME, ProcessRuntime.NAME));
    }

    private Pod create(Pod pod) {
        pod.spec.nodeName = nodeName;
        return api.create(ResourceKind.PODS, pod);
    }

    private Pod await(Pod pod, Predicate<Pod> test) {
        Awaitility.await().atMost(LONG).pollInterval(Duration.ofMillis(100)).until(() -> {
            Pod current = api.get(ResourceKind.PODS, pod.metadata.namespace, pod.metadata.name);
            return current.status != null && test.test(current);
        });
        return api.get(ResourceKind.PODS, pod.metadata.namespace, pod.metadata.name);
    }

    private static Pod pod(String name, Container container) {
        return DockerNode.pod(name, container);
    }

    private static Container shell(String name, String script) {
        Container container = new Container();
        container.name = name;
        container.image = "busybox";
        container.command = List.of("sh", "-c");
        container.args = List.of(script);
        return container;
    }

    static ProcessRuntime.Config processConfig(Path root) {
        return Configs.of(ProcessRuntime.Config.class, Map.of("rootDir", root.toString()));
    }
}
