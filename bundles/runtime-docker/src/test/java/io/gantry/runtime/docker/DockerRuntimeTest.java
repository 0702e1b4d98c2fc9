package io.gantry.runtime.docker;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Configs;
import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.ExecResult;
import io.gantry.api.runtime.ExecStreams;
import io.gantry.api.runtime.ImageUnavailableException;
import io.gantry.api.runtime.Mount;
import io.gantry.api.runtime.PortConnection;
import io.gantry.api.runtime.PortMapping;
import io.gantry.api.runtime.PullPolicy;
import io.gantry.api.runtime.RuntimeListing;
import io.gantry.api.runtime.RuntimeUnavailableException;
import io.gantry.api.runtime.SandboxConfig;
import io.gantry.api.runtime.SandboxStatus;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The Docker runtime against the real Docker engine. Needs the engine running and the images of
 * examples/images/build.sh; fails, never skips, without them.
 */
class DockerRuntimeTest {

    private final String testId = UUID.randomUUID().toString();
    /** Everything a test creates belongs to this node, which no one else uses. */
    private final String node = "test-" + testId.substring(0, 8);
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
        runtime.listContainers(node).forEach(c -> runtime.removeContainer(c.id()));
        runtime.listPodSandboxes(node).forEach(s -> runtime.removePodSandbox(s.id()));
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

        List<SandboxStatus> sandboxes = runtime.listPodSandboxes(node);
        assertEquals(1, sandboxes.size());
        SandboxStatus found = sandboxes.get(0);
        assertTrue(found.ready());
        assertEquals("127.77.0.2", found.podIp());
        assertEquals(sandbox.podUid(), found.podUid());
        assertEquals("docker", found.runtimeHandler(), "the sandbox records which runtime handler made it");
        assertEquals(2, found.attempt());
        List<ContainerStatus> containers = runtime.listContainers(node);
        assertEquals(1, containers.size(), "the sandbox is not listed as a container");
        assertEquals(ContainerStatus.State.RUNNING, containers.get(0).state());
        assertEquals("httpd", containers.get(0).name());
        assertEquals(sandbox.podUid(), containers.get(0).podUid());

        runtime.stopPodSandbox(sandboxId);
        runtime.stopPodSandbox(sandboxId);
        assertTrue(runtime.listPodSandboxes(node).stream().noneMatch(SandboxStatus::ready));
    }

    @Test
    void theContainerOfAOneContainerPodHoldsTheNetworkAndTheSandboxOutlivesItsRestarts() throws Exception {
        SandboxConfig sandbox = solo("solo", "127.77.0.11", List.of(new PortMapping("TCP", 80, "127.77.0.11", 80)));
        String sandboxId = runtime.runPodSandbox(sandbox);
        assertEquals("", docker("ps", "-aq", "--filter", "label=io.gantry.node=" + node), "no sandbox container");
        SandboxStatus recorded = runtime.listPodSandboxes(node).get(0);
        assertEquals(List.of(sandboxId, sandbox.podUid(), "127.77.0.11", 2, true),
                List.of(recorded.id(), recorded.podUid(), recorded.podIp(), recorded.attempt(), recorded.ready()));

        Mount cache = new Mount(Mount.Type.MEMORY, "cache", "/cache", false);
        String first = runtime.createContainer(sandboxId, container("web", null, null, Map.of(), 0, cache), sandbox);
        runtime.startContainer(first);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.77.0.11:80/")).timeout(Duration.ofSeconds(2)).build();
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(
                () -> http.send(request, HttpResponse.BodyHandlers.ofString()).body().startsWith("hello from Gantry"));
        assertEquals("solo", runtime.exec(first, List.of("hostname"), Duration.ofSeconds(5)).output().trim());
        assertEquals(0, runtime.exec(first, List.of("sh", "-c", "echo kept > /cache/file"), Duration.ofSeconds(5)).exitCode());
        assertEquals(List.of("web"), runtime.listContainers(node).stream().map(ContainerStatus::name).toList());

        // the container exits; the sandbox stays ready, and the next attempt takes the network over
        runtime.stopContainer(first, Duration.ZERO);
        assertTrue(runtime.listPodSandboxes(node).get(0).ready(), "ready while its container restarts");
        String second = runtime.createContainer(sandboxId, container("web", null, null, Map.of(), 1, cache), sandbox);
        runtime.startContainer(second);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(
                () -> http.send(request, HttpResponse.BodyHandlers.ofString()).body().startsWith("hello from Gantry"));
        assertEquals("kept\n", runtime.exec(second, List.of("cat", "/cache/file"), Duration.ofSeconds(5)).output(),
                "the pod's memory volume outlives a container");

        // a restarted runtime finds the sandbox again in its containers' labels
        runtime.deactivate();
        DockerRuntime restarted = new DockerRuntime(config("unix:///var/run/docker.sock"));
        runtime = restarted;
        List<SandboxStatus> found = restarted.listPodSandboxes(node);
        assertEquals(1, found.size(), found.toString());
        assertEquals(List.of(sandboxId, sandbox.podUid(), "127.77.0.11", 2, true, "docker"),
                List.of(found.get(0).id(), found.get(0).podUid(), found.get(0).podIp(), found.get(0).attempt(),
                        found.get(0).ready(), found.get(0).runtimeHandler()));
        try (PortConnection connection = restarted.connect(sandboxId, 80)) {
            connection.output().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            connection.output().flush();
            assertTrue(new String(connection.input().readAllBytes(), StandardCharsets.UTF_8).contains("hello from Gantry"));
        }

        restarted.stopPodSandbox(sandboxId);
        assertEquals(ContainerStatus.State.EXITED, restarted.containerStatus(second).state(), "the stop stops the container");
        assertTrue(restarted.listPodSandboxes(node).stream().noneMatch(SandboxStatus::ready));
        restarted.removePodSandbox(sandboxId);
        assertEquals(List.of(), restarted.listPodSandboxes(node));
        assertEquals(List.of(), restarted.listContainers(node), "its containers go with it");
        assertFalse(Files.exists(Path.of("/dev/shm/gantry-docker", sandboxId)), "its memory volume goes with it");
    }

    @Test
    void podsReachTheLoopbackAddressesGantryHandsOutOnTheHostAndNotTheHostsOwn() throws Exception {
        // what the proxy does for a cluster IP, and the engine's port proxy for a pod IP: listen on the host's loopback
        try (ServerSocket service = new ServerSocket(); ServerSocket hostOnly = new ServerSocket()) {
            service.bind(new InetSocketAddress("127.96.250.1", 0));
            hostOnly.bind(new InetSocketAddress("127.0.250.1", 0));
            hostOnly.setSoTimeout(1000);

            SandboxConfig solo = solo("solo-client", "127.77.0.21", List.of());
            String soloSandbox = runtime.runPodSandbox(solo);
            String soloContainer = runtime.createContainer(soloSandbox, container("httpd", null, null, Map.of(), 0), solo);
            runtime.startContainer(soloContainer);
            SandboxConfig shared = sandbox("client", "127.77.0.22", List.of());
            String sandboxId = runtime.runPodSandbox(shared);
            String sandboxed = runtime.createContainer(sandboxId, container("httpd", null, null, Map.of(), 0), shared);
            runtime.startContainer(sandboxed);

            // routed as the start returns: no wait, as a pod's first instruction may use a service
            for (String container : List.of(soloContainer, sandboxed)) {
                CompletableFuture<String> answered = CompletableFuture.supplyAsync(() -> answerOnce(service));
                ExecResult sent = runtime.exec(container, List.of("sh", "-c",
                        "echo from-" + container + " | nc -w 5 127.96.250.1 " + service.getLocalPort()), Duration.ofSeconds(10));
                assertEquals(0, sent.exitCode(), sent.output());
                assertEquals("hello from-" + container, sent.output().trim(), "the answer came back to the pod");
                String from = answered.get(10, TimeUnit.SECONDS);
                assertFalse(from.startsWith("/127."), "from the pod's own address on the bridge: " + from);
            }

            // a one-container pod's program waits for its routes: its very first instruction gets through
            ServerSocket first = new ServerSocket();
            first.bind(new InetSocketAddress("127.96.250.2", 0));
            try (first) {
                CompletableFuture<String> answered = CompletableFuture.supplyAsync(() -> answerOnce(first));
                SandboxConfig eager = solo("eager", "127.77.0.23", List.of());
                String eagerId = runtime.createContainer(runtime.runPodSandbox(eager), container("eager", List.of("sh", "-c"),
                        List.of("echo first | nc -w 5 127.96.250.2 " + first.getLocalPort()), Map.of(), 0), eager);
                runtime.startContainer(eagerId);
                long started = System.nanoTime();
                answered.get(PodLoopback.WAIT_SECONDS * 2L, TimeUnit.SECONDS);
                long waited = (System.nanoTime() - started) / 1_000_000;
                assertTrue(waited < PodLoopback.WAIT_SECONDS * 1000L / 2, "woken by the routing, not at the waiter's limit of "
                        + PodLoopback.WAIT_SECONDS + " s: the first instruction came after " + waited + " ms");
                ContainerStatus done = await().atMost(Duration.ofSeconds(10)).until(() -> runtime.containerStatus(eagerId),
                        status -> status.state() == ContainerStatus.State.EXITED);
                assertEquals(0, done.exitCode(), docker("logs", eagerId));
            }

            // the host's own loopback services stay out of reach, even for a pod that routes to them
            long pid = Long.parseLong(docker("inspect", "-f", "{{.State.Pid}}", soloContainer));
            String gateway = docker("inspect", "-f", "{{.NetworkSettings.Gateway}}", soloContainer);
            Process route = new ProcessBuilder("nsenter", "-t", String.valueOf(pid), "-n", "--",
                    "ip", "route", "add", "table", "local", "127.0.250.0/24", "via", gateway).redirectErrorStream(true).start();
            assertEquals(0, route.waitFor(), new String(route.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
            ExecResult refused = runtime.exec(soloContainer, List.of("sh", "-c",
                    "echo x | nc -w 2 127.0.250.1 " + hostOnly.getLocalPort()), Duration.ofSeconds(10));
            assertTrue(refused.exitCode() != 0, refused.output());
            assertThrows(SocketTimeoutException.class, hostOnly::accept, "nothing came through to 127.0.0.0/16");
        }
    }

    @Test
    void aOneContainerPodsMissingCommandEndsAsAStartThatFailed() throws Exception {
        SandboxConfig pod = solo("missing", "127.77.0.24", List.of());
        String id = runtime.createContainer(runtime.runPodSandbox(pod),
                container("missing", List.of("no-such-command"), null, Map.of(), 0), pod);
        runtime.startContainer(id);
        ContainerStatus done = await().atMost(Duration.ofSeconds(10)).until(() -> runtime.containerStatus(id),
                status -> status.state() == ContainerStatus.State.EXITED);
        assertEquals(128, done.exitCode());
        assertTrue(docker("logs", id).contains("exec: \"no-such-command\": executable file not found in $PATH"),
                docker("logs", id));
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

        await().atMost(Duration.ofSeconds(20)).until(() -> runtime.listContainers(node).stream()
                .allMatch(c -> c.state() == ContainerStatus.State.EXITED));
        Map<String, ContainerStatus> byName = new LinkedHashMap<>();
        runtime.listContainers(node).forEach(c -> byName.put(c.name(), c));
        assertEquals(0, byName.get("ok").exitCode());
        assertEquals("Completed", byName.get("ok").reason());
        assertEquals(3, byName.get("fails").exitCode());
        assertEquals(1, byName.get("fails").attempt());
        assertEquals("Error", byName.get("fails").reason());
        assertTrue(byName.get("fails").finishedAt() != null && byName.get("fails").startedAt() != null);

        runtime.removeContainer(failing);
        runtime.removeContainer(failing);
        assertEquals(List.of("ok"), runtime.listContainers(node).stream().map(ContainerStatus::name).toList());
    }

    @Test
    void aRelistWithoutChangesCostsOneEngineCall() {
        SandboxConfig sandbox = sandbox("idle", "127.77.0.4", List.of());
        String sandboxId = runtime.runPodSandbox(sandbox);
        for (int i = 0; i < 3; i++) {
            runtime.startContainer(runtime.createContainer(sandboxId, container("c" + i, List.of("sleep"), List.of("300"), Map.of(), 0), sandbox));
        }
        assertEquals(3, runtime.listContainers(node).size());
        long before = runtime.apiCalls();
        assertEquals(3, runtime.listContainers(node).size());
        assertEquals(1, runtime.apiCalls() - before, "unchanged containers are not inspected again");

        before = runtime.apiCalls();
        RuntimeListing listing = runtime.list(node);
        assertEquals(1, runtime.apiCalls() - before, "sandboxes and containers come from one list");
        assertEquals(runtime.listPodSandboxes(node), listing.sandboxes());
        assertEquals(runtime.listContainers(node), listing.containers());
    }

    @Test
    void eventsNameThePodThatChanged() throws Exception {
        List<String> changed = new CopyOnWriteArrayList<>();
        try (AutoCloseable events = runtime.watch(node, changed::add)) {
            SandboxConfig sandbox = sandbox("evented", "127.77.0.5", List.of());
            String sandboxId = runtime.runPodSandbox(sandbox);
            runtime.startContainer(runtime.createContainer(sandboxId, container("quick", List.of("true"), null, Map.of(), 0), sandbox));
            await().atMost(Duration.ofSeconds(10)).until(() -> changed.stream().filter(sandbox.podUid()::equals).count() >= 3);
        }
    }

    @Test
    void execRunsACommandInTheContainer() {
        SandboxConfig sandbox = sandbox("exec", "127.77.0.6", List.of());
        String sandboxId = runtime.runPodSandbox(sandbox);
        String id = runtime.createContainer(sandboxId, container("sleeper", List.of("sleep"), List.of("300"), Map.of("WHO", "pod"), 0), sandbox);
        runtime.startContainer(id);
        ExecResult result = runtime.exec(id, List.of("sh", "-c", "echo hello $WHO; exit 4"), Duration.ofSeconds(10));
        assertEquals(4, result.exitCode());
        assertEquals("hello pod\n", result.output());
        ExecResult slow = runtime.exec(id, List.of("sleep", "5"), Duration.ofMillis(300));
        assertTrue(slow.timedOut());
    }

    @Test
    void attachWritesToAnOpenStdinAndEndsWithTheExitCode() throws Exception {
        SandboxConfig sandbox = sandbox("attach", "127.77.0.9", List.of());
        String sandboxId = runtime.runPodSandbox(sandbox);
        ContainerConfig reader = new ContainerConfig("reader", 0, "gantry/httpd:1.0", List.of("sh", "-c"),
                List.of("cat; exit 5"), Map.of(), null, 0, 0, List.of(), null, null, false, true, true, false);
        String id = runtime.createContainer(sandboxId, reader, sandbox);
        runtime.startContainer(id);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        // stdinOnce: the end of this input is the end of cat's, and the container exits
        int exitCode = runtime.attach(id, new ExecStreams(new ByteArrayInputStream("hello\n".getBytes(StandardCharsets.UTF_8)),
                out, new ByteArrayOutputStream(), false));
        assertEquals(5, exitCode);
        assertEquals("hello\n", out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void attachToATerminalGetsEverythingOnStdoutAndDetachesOnInterrupt() throws Exception {
        SandboxConfig sandbox = sandbox("attachtty", "127.77.0.10", List.of());
        String sandboxId = runtime.runPodSandbox(sandbox);
        ContainerConfig talker = new ContainerConfig("talker", 0, "gantry/httpd:1.0", List.of("sh", "-c"),
                List.of("while true; do echo out; echo err >&2; sleep 0.1; done"), Map.of(), null, 0, 0, List.of(), null,
                null, false, false, false, true);
        String id = runtime.createContainer(sandboxId, talker, sandbox);
        runtime.startContainer(id);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Thread attached = new Thread(() -> {
            try {
                runtime.attach(id, new ExecStreams(null, new SynchronizedStream(out), new SynchronizedStream(err), false));
            } catch (IOException e) {
                // detached by the interrupt
            }
        });
        attached.start();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            String seen = new SynchronizedStream(out).text();
            return seen.contains("out\r\n") && seen.contains("err\r\n");
        });
        attached.interrupt();
        attached.join(10_000);
        assertTrue(!attached.isAlive(), "an interrupt detaches");
        assertEquals(0, err.size(), "a terminal has one stream");
        assertEquals(ContainerStatus.State.RUNNING, runtime.containerStatus(id).state(), "the container goes on");
    }

    /** A stream written by the attaching thread and read by the test. */
    private static final class SynchronizedStream extends java.io.OutputStream {
        private final ByteArrayOutputStream target;

        SynchronizedStream(ByteArrayOutputStream target) {
            this.target = target;
        }

        @Override
        public void write(int b) {
            synchronized (target) {
                target.write(b);
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            synchronized (target) {
                target.write(b, off, len);
            }
        }

        String text() {
            synchronized (target) {
                return target.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Test
    void memoryVolumesAreSharedInThePodAndLimitsUserAndReadOnlyRootApply() throws Exception {
        SandboxConfig sandbox = sandbox("shared", "127.77.0.7", List.of());
        String sandboxId = runtime.runPodSandbox(sandbox);
        Mount cache = new Mount(Mount.Type.MEMORY, "cache", "/cache", false);
        ContainerConfig writer = new ContainerConfig("writer", 0, "gantry/httpd:1.0", List.of("sh", "-c"),
                List.of("echo shared > /cache/file; sleep 300"), Map.of(), null, 250, 32L << 20, List.of(cache), 1000L, 1000L, true);
        String writerId = runtime.createContainer(sandboxId, writer, sandbox);
        runtime.startContainer(writerId);
        String readerId = runtime.createContainer(sandboxId, container("reader", List.of("sleep"), List.of("300"), Map.of(), 0, cache), sandbox);
        runtime.startContainer(readerId);

        await().atMost(Duration.ofSeconds(10)).until(() -> runtime.exec(readerId, List.of("cat", "/cache/file"),
                Duration.ofSeconds(5)).output().equals("shared\n"));
        assertEquals("tmpfs", runtime.exec(readerId, List.of("sh", "-c", "grep ' /cache ' /proc/mounts | cut -d' ' -f3"),
                Duration.ofSeconds(5)).output().trim());
        assertEquals("1000", runtime.exec(writerId, List.of("id", "-u"), Duration.ofSeconds(5)).output().trim());
        assertTrue(runtime.exec(writerId, List.of("touch", "/rootfile"), Duration.ofSeconds(5)).exitCode() != 0,
                "the root file system is read-only");
        assertEquals("250000000 33554432", docker("inspect", "-f", "{{.HostConfig.NanoCpus}} {{.HostConfig.Memory}}", writerId));

        runtime.removeContainer(writerId);
        runtime.removeContainer(readerId);
        runtime.stopPodSandbox(sandboxId);
        assertTrue(Files.isDirectory(Path.of("/dev/shm/gantry-docker", sandboxId)), "the memory volume is on /dev/shm");
        runtime.removePodSandbox(sandboxId);
        assertFalse(Files.exists(Path.of("/dev/shm/gantry-docker", sandboxId)), "the memory volume goes with its sandbox");
    }

    @Test
    void aMissingImageIsUnavailableWithAClearMessage() {
        ImageUnavailableException e = assertThrows(ImageUnavailableException.class,
                () -> runtime.ensureImage("gantry/missing-" + testId.substring(0, 8) + ":1", PullPolicy.IF_NOT_PRESENT));
        assertTrue(e.getMessage().contains("examples/images/build.sh"), e.getMessage());
        ImageUnavailableException never = assertThrows(ImageUnavailableException.class,
                () -> runtime.ensureImage("gantry/nope:1", PullPolicy.NEVER));
        assertEquals("Container image \"gantry/nope:1\" is not present with pull policy of Never", never.getMessage());
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
        return new SandboxConfig(node, "test", pod + "-" + testId.substring(0, 6), uid, 2, "docker", pod, ip, ports);
    }

    /** The sandbox of a pod of one container, which that container holds. */
    private SandboxConfig solo(String pod, String ip, List<PortMapping> ports) {
        SandboxConfig shared = sandbox(pod, ip, ports);
        return new SandboxConfig(shared.nodeName(), shared.namespace(), shared.podName(), shared.podUid(), shared.attempt(),
                shared.runtimeHandler(), shared.hostname(), shared.podIp(), shared.ports(), true);
    }

    private ContainerConfig container(String name, List<String> command, List<String> args, Map<String, String> env,
                                      int attempt, Mount... mounts) {
        return new ContainerConfig(name, attempt, "gantry/httpd:1.0", command, args, env, null, 100, 64L << 20,
                List.of(mounts), null, null, false);
    }

    /** Takes one connection, answers its line with "hello " and the line, and says where it came from. */
    private static String answerOnce(ServerSocket server) {
        try {
            server.setSoTimeout(10_000);
            try (Socket accepted = server.accept()) {
                String line = new BufferedReader(new InputStreamReader(accepted.getInputStream(),
                        StandardCharsets.UTF_8)).readLine();
                accepted.getOutputStream().write(("hello " + line + "\n").getBytes(StandardCharsets.UTF_8));
                return accepted.getInetAddress().toString();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String docker(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add("docker");
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes()).trim();
        process.waitFor();
        return output;
    }

    private static DockerRuntime.Config config(String host) {
        return Configs.of(DockerRuntime.Config.class, Map.of(
                "dockerHost", host,
                "pullTimeoutSeconds", 20,
                "pullImages", false)); // tests send nothing off this machine, not even a registry lookup
    }
}
