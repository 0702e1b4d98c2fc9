package io.gantry.runtime.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.ImageUnavailableException;
import io.gantry.api.runtime.PortMapping;
import io.gantry.api.runtime.PullPolicy;
import io.gantry.api.runtime.RuntimeUnavailableException;
import io.gantry.api.runtime.SandboxConfig;
import io.gantry.api.runtime.SandboxStatus;
import java.lang.annotation.Annotation;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Docker runtime against the real Docker engine. Needs the engine running and the images of
 * examples/images/build.sh; fails, never skips, without them.
 */
class DockerRuntimeTest {

    private static final String TEST_LABEL = "io.gantry.test";
    private final String testId = UUID.randomUUID().toString();
    private DockerRuntime runtime;

    @BeforeEach
    void setUp() {
        runtime = new DockerRuntime(config("unix:///var/run/docker.sock"));
        try {
            runtime.version();
        } catch (RuntimeUnavailableException e) {
            throw new AssertionError("These tests need a Docker engine: " + e.getMessage(), e);
        }
        try {
            runtime.ensureImage("gantry/httpd:1.0", PullPolicy.NEVER);
            runtime.ensureImage("gantry/pause:1.0", PullPolicy.NEVER);
        } catch (ImageUnavailableException e) {
            throw new AssertionError("These tests need the images of examples/images/build.sh: " + e.getMessage(), e);
        }
    }

    @AfterEach
    void cleanUp() {
        Map<String, String> mine = Map.of(TEST_LABEL, testId);
        runtime.listContainers(mine).forEach(c -> runtime.removeContainer(c.id()));
        runtime.listPodSandboxes(mine).forEach(s -> runtime.removePodSandbox(s.id()));
    }

    @Test
    void reportsTheEngineVersion() {
        assertTrue(runtime.version().matches("docker://\\d+\\.\\d+.*"), runtime.version());
    }

    @Test
    void servesHttpOnThePodIpThroughTheSandbox() throws Exception {
        SandboxConfig sandbox = sandbox("web", "127.77.0.2", List.of(new PortMapping("TCP", 80, "127.77.0.2", 80)));
        String sandboxId = runtime.runPodSandbox(sandbox);
        String id = runtime.createContainer(sandboxId, container("httpd", null, null, Map.of(), 0), sandbox);
        runtime.startContainer(id);

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.77.0.2:80/")).timeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(
                () -> http.send(request, HttpResponse.BodyHandlers.ofString()).body().startsWith("hello from Gantry"));

        List<SandboxStatus> sandboxes = runtime.listPodSandboxes(Map.of(TEST_LABEL, testId));
        assertEquals(1, sandboxes.size());
        assertTrue(sandboxes.get(0).ready());
        assertEquals("127.77.0.2", sandboxes.get(0).podIp());
        List<ContainerStatus> containers = runtime.listContainers(Map.of(TEST_LABEL, testId));
        assertEquals(1, containers.size(), "the sandbox is not listed as a container");
        assertEquals(ContainerStatus.State.RUNNING, containers.get(0).state());
        assertEquals("httpd", containers.get(0).labels().get("io.gantry.container.name"));

        runtime.stopPodSandbox(sandboxId);
        runtime.stopPodSandbox(sandboxId);
        assertTrue(runtime.listPodSandboxes(Map.of(TEST_LABEL, testId)).stream().noneMatch(SandboxStatus::ready));
    }

    @Test
    void exitCodesEnvironmentAndArgumentsReachTheContainer() {
        SandboxConfig sandbox = sandbox("job", "127.77.0.3", List.of());
        String sandboxId = runtime.runPodSandbox(sandbox);
        String ok = runtime.createContainer(sandboxId, container("ok", List.of("/bin/sh", "-c"), List.of("exit 0"), Map.of(), 0), sandbox);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("CODE", "3");
        String failing = runtime.createContainer(sandboxId,
                container("fails", List.of("/bin/sh", "-c"), List.of("exit $CODE"), env, 1), sandbox);
        runtime.startContainer(ok);
        runtime.startContainer(failing);

        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.listContainers(Map.of(TEST_LABEL, testId)).stream()
                .allMatch(c -> c.state() == ContainerStatus.State.EXITED));
        Map<String, ContainerStatus> byName = new LinkedHashMap<>();
        runtime.listContainers(Map.of(TEST_LABEL, testId)).forEach(c -> byName.put(c.labels().get("io.gantry.container.name"), c));
        assertEquals(0, byName.get("ok").exitCode());
        assertEquals("Completed", byName.get("ok").reason());
        assertEquals(3, byName.get("fails").exitCode());
        assertEquals("Error", byName.get("fails").reason());
        assertTrue(byName.get("fails").finishedAt() != null && byName.get("fails").startedAt() != null);

        runtime.removeContainer(failing);
        runtime.removeContainer(failing);
        assertEquals(List.of("ok"), runtime.listContainers(Map.of(TEST_LABEL, testId)).stream()
                .map(c -> c.labels().get("io.gantry.container.name")).toList());
    }

    @Test
    void aMissingImageIsUnavailableWithAClearMessage() {
        ImageUnavailableException e = assertThrows(ImageUnavailableException.class,
                () -> runtime.ensureImage("gantry/missing-" + testId.substring(0, 8) + ":1", PullPolicy.IF_NOT_PRESENT));
        assertTrue(e.getMessage().contains("examples/images/build.sh"), e.getMessage());
        assertThrows(ImageUnavailableException.class, () -> runtime.ensureImage("gantry/nope:1", PullPolicy.NEVER));
        runtime.ensureImage("gantry/httpd:1.0", PullPolicy.ALWAYS); // pulling is off: the local copy serves
    }

    @Test
    void anUnreachableEngineSaysHowToGetOne() {
        DockerRuntime nowhere = new DockerRuntime(config("unix:///tmp/no-docker-" + testId + ".sock"));
        RuntimeUnavailableException e = assertThrows(RuntimeUnavailableException.class, nowhere::version);
        assertTrue(e.getMessage().contains("apt-get install docker.io"), e.getMessage());
    }

    private SandboxConfig sandbox(String pod, String ip, List<PortMapping> ports) {
        String uid = UUID.randomUUID().toString();
        return new SandboxConfig("test", pod + "-" + testId.substring(0, 6), uid, pod, ip, ports,
                Map.of(TEST_LABEL, testId, "io.gantry.pod.uid", uid));
    }

    private ContainerConfig container(String name, List<String> command, List<String> args, Map<String, String> env, int attempt) {
        return new ContainerConfig(name, "gantry/httpd:1.0", command, args, env, null, 100, 64L << 20,
                Map.of(TEST_LABEL, testId, "io.gantry.container.name", name, "io.gantry.container.attempt", String.valueOf(attempt)));
    }

    private static DockerRuntime.Config config(String host) {
        return new DockerRuntime.Config() {
            @Override
            public String dockerHost() {
                return host;
            }

            @Override
            public String sandboxImage() {
                return "gantry/pause:1.0";
            }

            @Override
            public int pullTimeoutSeconds() {
                return 20;
            }

            @Override
            public boolean pullImages() {
                return false; // tests send nothing off this machine, not even a registry lookup
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return DockerRuntime.Config.class;
            }
        };
    }
}
