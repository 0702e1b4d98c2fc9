package io.gantry.runtime.process;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.api.Configs;
import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.ExecResult;
import io.gantry.api.runtime.ImageUnavailableException;
import io.gantry.api.runtime.Mount;
import io.gantry.api.runtime.PortMapping;
import io.gantry.api.runtime.SandboxConfig;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The process runtime on the real host: processes of busybox (Debian's busybox-static). */
class ProcessRuntimeTest {

    private static final String NODE = "pt-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    Path root;

    private ProcessRuntime runtime;
    private final String podIp = "127." + ThreadLocalRandom.current().nextInt(160, 250) + "."
            + ThreadLocalRandom.current().nextInt(1, 250) + "." + ThreadLocalRandom.current().nextInt(2, 250);

    @AfterEach
    void removeEverything() {
        if (runtime != null) {
            runtime.listPodSandboxes(NODE).forEach(s -> {
                runtime.stopPodSandbox(s.id());
                runtime.removePodSandbox(s.id());
            });
        }
    }

    @Test
    void runsTheCommandWithThePodIpAndTheEnvironmentAndReportsItsExitCode() throws IOException {
        runtime = new ProcessRuntime(config(root));
        Set<String> changed = ConcurrentHashMap.newKeySet();
        runtime.watch(NODE, changed::add);
        String sandbox = runtime.runPodSandbox(sandbox("uid-1", List.of()));
        String id = runtime.createContainer(sandbox, container("main", 0, Map.of("GREETING", "hello"),
                "echo $GREETING from $POD_IP in $(pwd); echo oops >&2; exit 3"), sandbox("uid-1", List.of()));
        assertEquals(ContainerStatus.State.CREATED, runtime.containerStatus(id).state());

        runtime.startContainer(id);

        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.containerStatus(id).state() == ContainerStatus.State.EXITED);
        ContainerStatus status = runtime.containerStatus(id);
        assertEquals(3, status.exitCode());
        assertEquals("Error", status.reason());
        assertEquals("main", status.name());
        assertEquals("uid-1", status.podUid());
        String log = Files.readString(runtime.logFile(id));
        assertTrue(log.startsWith("hello from " + podIp + " in " + root), log);
        assertTrue(log.contains("oops"), log);
        assertTrue(changed.contains("uid-1"), "the exit was reported as an event");
        assertEquals(List.of(status), runtime.listContainers(NODE));
        assertEquals(List.of(), runtime.listContainers("another-node"));
    }

    @Test
    void logsAreServedWholeByTheirLastLinesAndFollowedUntilTheContainerStops() throws IOException {
        runtime = new ProcessRuntime(config(root));
        String sandbox = runtime.runPodSandbox(sandbox("uid-logs", List.of()));
        String id = start(sandbox, "talker", "echo one; echo two; echo three;"
                + " while [ ! -e go ]; do sleep 0.05; done; echo four");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(runtime.logFile(id)).contains("three"));

        java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
        runtime.logs(id, io.gantry.api.runtime.LogOptions.all(), whole);
        assertEquals("one\ntwo\nthree\n", whole.toString());
        java.io.ByteArrayOutputStream tail = new java.io.ByteArrayOutputStream();
        runtime.logs(id, new io.gantry.api.runtime.LogOptions(false, 2, null, false), tail);
        assertEquals("two\nthree\n", tail.toString());

        // following returns once the container has stopped and its last line is out
        java.io.ByteArrayOutputStream followed = new java.io.ByteArrayOutputStream();
        Thread follower = new Thread(() -> {
            try {
                runtime.logs(id, new io.gantry.api.runtime.LogOptions(true, 1, null, false), followed);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        follower.start();
        Files.createFile(workingDirOf(id).resolve("go"));
        await().atMost(Duration.ofSeconds(10)).until(() -> !follower.isAlive());
        assertEquals("three\nfour\n", followed.toString());
    }

    /** The container's default working folder, its rootfs/ beside its log. */
    private Path workingDirOf(String containerId) {
        return runtime.logFile(containerId).getParent().resolve("rootfs");
    }

    @Test
    void stopSendsSigtermThenSigkillAfterTheGracePeriod() {
        runtime = new ProcessRuntime(config(root));
        String sandbox = runtime.runPodSandbox(sandbox("uid-2", List.of()));
        String polite = start(sandbox, "polite", "trap 'exit 0' TERM; while true; do sleep 0.1; done");
        String stubborn = start(sandbox, "stubborn", "trap '' TERM; while true; do sleep 0.1; done");
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.containerStatus(stubborn).state() == ContainerStatus.State.RUNNING);

        long before = System.nanoTime();
        runtime.stopContainer(polite, Duration.ofSeconds(30));
        long politeMillis = (System.nanoTime() - before) / 1_000_000;
        before = System.nanoTime();
        runtime.stopContainer(stubborn, Duration.ofMillis(1500));
        long stubbornMillis = (System.nanoTime() - before) / 1_000_000;

        assertEquals(0, runtime.containerStatus(polite).exitCode(), "the trap exits 0 on SIGTERM");
        assertTrue(politeMillis < 30_000, "did not wait out the grace period: " + politeMillis + " ms");
        ContainerStatus killed = runtime.containerStatus(stubborn);
        assertEquals(ContainerStatus.State.EXITED, killed.state());
        assertEquals(137, killed.exitCode(), "SIGKILL after the grace period");
        assertTrue(stubbornMillis >= 1500, "waited the grace period: " + stubbornMillis + " ms");
    }

    @Test
    void aNewInstanceAdoptsRunningProcessesAndSeesTheirEnd() {
        runtime = new ProcessRuntime(config(root));
        String sandbox = runtime.runPodSandbox(sandbox("uid-3", List.of()));
        String id = start(sandbox, "long", "trap 'exit 0' TERM; while true; do sleep 0.1; done");
        ContainerStatus running = runtime.containerStatus(id);
        runtime.deactivate();

        ProcessRuntime next = new ProcessRuntime(config(root));
        runtime = next;

        assertEquals(List.of(sandbox), next.listPodSandboxes(NODE).stream().map(s -> s.id()).toList());
        ContainerStatus adopted = next.containerStatus(id);
        assertEquals(ContainerStatus.State.RUNNING, adopted.state());
        assertEquals(running.startedAt(), adopted.startedAt());
        assertEquals("uid-3", next.listPodSandboxes(NODE).get(0).podUid());

        next.stopContainer(id, Duration.ofSeconds(10));

        ContainerStatus stopped = next.containerStatus(id);
        assertEquals(ContainerStatus.State.EXITED, stopped.state());
        // the instance that started it saw the exit code (the trap's 0) and wrote it down
        assertEquals(0, stopped.exitCode());
        assertEquals("Completed", stopped.reason());
    }

    @Test
    void theHttpdImageServesItsFolderOnThePodIp() throws Exception {
        runtime = new ProcessRuntime(config(root));
        int port = ThreadLocalRandom.current().nextInt(20_000, 30_000);
        SandboxConfig config = sandbox("uid-4", List.of(new PortMapping("TCP", port, podIp, port)));
        String sandbox = runtime.runPodSandbox(config);
        String id = runtime.createContainer(sandbox, new ContainerConfig("web", 0, "gantry/httpd:1.0", null, null,
                Map.of(), null, 0, 0, List.of(), null, null, false), config);
        runtime.startContainer(id);

        HttpClient http = HttpClient.newHttpClient();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + podIp + ":" + port + "/")).build();
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions()
                .until(() -> http.send(request, HttpResponse.BodyHandlers.ofString()).body().equals("hello from Gantry, pod pod-uid-4\n"));
        ExecResult exec = runtime.exec(id, List.of("sh", "-c", "echo $POD_IP; exit 4"), Duration.ofSeconds(5));
        assertEquals(4, exec.exitCode());
        assertEquals(podIp + "\n", exec.output());
        runtime.stopContainer(id, Duration.ofSeconds(10));
        assertEquals(ContainerStatus.State.EXITED, runtime.containerStatus(id).state());
    }

    @Test
    void attachFollowsTheOutputFromNowOnUntilTheProcessExits() throws IOException {
        runtime = new ProcessRuntime(config(root));
        String sandbox = runtime.runPodSandbox(sandbox("uid-8", List.of()));
        String id = start(sandbox, "counter", "for i in $(seq 1 30); do echo line $i; sleep 0.1; done; echo oops >&2; exit 4");
        await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(runtime.logFile(id)).contains("line 3\n"));
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();

        int exitCode = runtime.attach(id, new io.gantry.api.runtime.ExecStreams(null, out, null, false));

        assertEquals(4, exitCode);
        String seen = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(!seen.contains("line 1\n") && seen.endsWith("line 30\noops\n"),
                "what is written from now on, stdout and stderr as one: " + seen);
        assertThrows(IllegalStateException.class, () -> runtime.attach(id,
                new io.gantry.api.runtime.ExecStreams(null, out, null, false)), "an exited container cannot be attached");
    }

    @Test
    void aMappedImageGetsTheContainersArgs() throws IOException {
        runtime = new ProcessRuntime(config(root));
        SandboxConfig config = sandbox("uid-7", List.of());
        String sandbox = runtime.runPodSandbox(config);
        String id = runtime.createContainer(sandbox, new ContainerConfig("echo", 0, "example/echo:1", null,
                List.of("hi", "there"), Map.of(), null, 0, 0, List.of(), null, null, false), config);
        runtime.startContainer(id);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.containerStatus(id).state() == ContainerStatus.State.EXITED);

        assertEquals(0, runtime.containerStatus(id).exitCode());
        assertEquals("hi there from " + podIp + "\n", Files.readString(runtime.logFile(id)));
    }

    @Test
    void volumesAppearAtTheirPathsInsideTheContainersFolder() throws IOException {
        runtime = new ProcessRuntime(config(root));
        Path secret = Files.createDirectories(root.resolve("secret"));
        Files.writeString(secret.resolve("password"), "s3cret");
        SandboxConfig config = sandbox("uid-5", List.of());
        String sandbox = runtime.runPodSandbox(config);
        List<Mount> mounts = List.of(new Mount(Mount.Type.BIND, secret.toString(), "/etc/secret", true),
                new Mount(Mount.Type.MEMORY, "cache", "/cache", false));
        String writer = runtime.createContainer(sandbox, new ContainerConfig("writer", 0, "busybox", List.of("sh", "-c"),
                List.of("cat etc/secret/password > cache/copy"), Map.of(), null, 0, 0, mounts, null, null, false), config);
        String reader = runtime.createContainer(sandbox, new ContainerConfig("reader", 0, "busybox", List.of("sh", "-c"),
                List.of("cat cache/copy"), Map.of(), null, 0, 0, mounts, null, null, false), config);
        runtime.startContainer(writer);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.containerStatus(writer).state() == ContainerStatus.State.EXITED);
        runtime.startContainer(reader);
        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.containerStatus(reader).state() == ContainerStatus.State.EXITED);

        assertEquals(0, runtime.containerStatus(reader).exitCode());
        assertEquals("s3cret", Files.readString(runtime.logFile(reader)));

        runtime.removePodSandbox(sandbox);
        assertNull(runtime.containerStatus(reader));
        assertTrue(Files.exists(secret.resolve("password")), "removing the sandbox leaves a host path's files alone");
    }

    @Test
    void aContainerWithNeitherCommandNorKnownImageIsAnImageError() {
        runtime = new ProcessRuntime(config(root));
        SandboxConfig config = sandbox("uid-6", List.of());
        String sandbox = runtime.runPodSandbox(config);
        ImageUnavailableException error = assertThrows(ImageUnavailableException.class, () -> runtime.createContainer(sandbox,
                new ContainerConfig("app", 0, "nginx:1.25", null, null, Map.of(), null, 0, 0, List.of(), null, null, false),
                config));
        assertEquals("image \"nginx:1.25\" has no host command in the process runtime (known: example/echo:1, gantry/httpd:1.0), and "
                + "container app gives no command: add it to images in etc/io.gantry.runtime.process.cfg, or give the "
                + "container a command", error.getMessage());
        String missing = runtime.createContainer(sandbox, new ContainerConfig("app", 0, "busybox",
                List.of("/no/such/program"), null, Map.of(), null, 0, 0, List.of(), null, null, false), config);
        assertThrows(IllegalStateException.class, () -> runtime.startContainer(missing));
        ContainerStatus status = runtime.containerStatus(missing);
        assertEquals(128, status.exitCode());
        assertEquals("StartError", status.reason());
    }

    @Test
    void cpuAndMemoryLimitsPutTheProcessInItsOwnGroupAndAProcessPastItsMemoryIsKilled() throws Exception {
        runtime = new ProcessRuntime(config(root));
        // these machines run the tests as root, on cgroups v1 (hybrid) or v2: both are written
        assertTrue(runtime.limitsEnforced() || !"root".equals(System.getProperty("user.name")), "root may set limits");
        assumeTrue(runtime.limitsEnforced(), "cgroups cannot be written here");
        SandboxConfig pod = sandbox("uid-limits", List.of());
        String sandbox = runtime.runPodSandbox(pod);
        String limited = runtime.createContainer(sandbox, new ContainerConfig("limited", 0, "busybox",
                List.of("busybox", "sh", "-c"), List.of("echo $$; exec busybox sleep 60"), Map.of(), null, 500,
                64L << 20, List.of(), null, null, false), pod);
        runtime.startContainer(limited);
        String pid = await().atMost(Duration.ofSeconds(10)).until(() -> Files.readString(runtime.logFile(limited)).trim(),
                line -> !line.isEmpty());
        List<Path> groups = runtime.cgroups(limited);
        assertTrue(!groups.isEmpty());
        for (Path group : groups) {
            assertTrue(Files.readString(group.resolve("cgroup.procs")).lines().anyMatch(pid::equals), group.toString());
        }
        String cpu = groups.size() == 1 ? Files.readString(groups.get(0).resolve("cpu.max")).trim()
                : Files.readString(groups.get(1).resolve("cpu.cfs_quota_us")).trim();
        assertTrue(cpu.equals("50000 100000") || cpu.equals("50000"), "500m is half of each 100 ms: " + cpu);
        String memory = groups.size() == 1 ? Files.readString(groups.get(0).resolve("memory.max")).trim()
                : Files.readString(groups.get(0).resolve("memory.limit_in_bytes")).trim();
        assertEquals(String.valueOf(64L << 20), memory);

        // doubles a string up to 320 MB unless killed on the way, past its 64 MB
        String hungry = runtime.createContainer(sandbox, new ContainerConfig("hungry", 0, "busybox",
                List.of("busybox", "sh", "-c"), List.of("x=0123456789; i=0; while [ $i -lt 25 ]; do x=\"$x$x\"; "
                        + "i=$((i + 1)); done; exit 0"), Map.of(), null, 0, 64L << 20, List.of(), null, null, false), pod);
        runtime.startContainer(hungry);
        ContainerStatus ended = await().atMost(Duration.ofSeconds(60)).until(() -> runtime.containerStatus(hungry),
                status -> status.state() == ContainerStatus.State.EXITED);
        assertEquals(137, ended.exitCode(), "killed by the kernel");
        assertEquals("OOMKilled", ended.reason());

        runtime.stopContainer(limited, Duration.ZERO);
        runtime.removeContainer(limited);
        groups.forEach(group -> assertFalse(Files.exists(group), "removed with its container: " + group));
    }

    private String start(String sandbox, String name, String script) {
        String id = runtime.createContainer(sandbox, container(name, 0, Map.of(), script), sandbox("uid", List.of()));
        runtime.startContainer(id);
        return id;
    }

    private SandboxConfig sandbox(String uid, List<PortMapping> ports) {
        return new SandboxConfig(NODE, "default", "pod-" + uid, uid, 0, "process", "pod-" + uid, podIp, ports);
    }

    static ContainerConfig container(String name, int attempt, Map<String, String> env, String script) {
        return new ContainerConfig(name, attempt, "busybox", List.of("busybox", "sh", "-c"), List.of(script), env, null,
                0, 0, List.of(), null, null, false);
    }

    static ProcessRuntime.Config config(Path root) {
        return Configs.of(ProcessRuntime.Config.class, Map.of(
                "rootDir", root.toString(),
                "images", new String[] {ProcessRuntime.DEFAULT_IMAGES + "\nexample/echo:1=echo \"$@\" from @POD_IP@"}));
    }
}
