package io.gantry.kubelet;

import static io.gantry.kubelet.KubectlCluster.awaitPod;
import static io.gantry.kubelet.KubectlCluster.create;
import static io.gantry.kubelet.KubectlCluster.kubectl;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Pod;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code kubectl attach} (1.33, WebSocket v5.channel.k8s.io; 1.29, SPDY/3.1) end to end: through
 * the real API server's servlet in Jetty to the kubelet's endpoint, which attaches to the main
 * process of a container on the real Docker engine.
 */
@ExtendWith(KubectlCluster.PerClass.class)
class KubectlAttachDockerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);
    private static final Pattern TICK = Pattern.compile("tick (\\d+)");

    @BeforeAll
    static void createPods() throws Exception {
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: ticker
                spec:
                  nodeName: %s
                  containers:
                  - name: main
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "i=0; while true; do i=$((i+1)); echo tick $i; sleep 0.1; done"]
                """);
        for (String version : new String[] {"133", "129"}) {
            create("""
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: echo-%1$s
                    spec:
                      nodeName: %%s
                      restartPolicy: Never
                      containers:
                      - name: cat
                        image: gantry/httpd:1.0
                        command: ["cat"]
                        stdin: true
                        stdinOnce: true
                    """.formatted(version));
            create("""
                    apiVersion: v1
                    kind: Pod
                    metadata:
                      name: short-%1$s
                    spec:
                      nodeName: %%s
                      restartPolicy: Never
                      containers:
                      - name: main
                        image: gantry/httpd:1.0
                        command: ["sh", "-c", "while [ ! -f /tmp/go ]; do echo waiting; sleep 0.1; done; echo bye; exit 3"]
                    """.formatted(version));
        }
        create("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: terminal
                spec:
                  nodeName: %s
                  restartPolicy: Never
                  containers:
                  - name: sh
                    image: gantry/httpd:1.0
                    command: ["sh"]
                    stdin: true
                    tty: true
                """);
        for (String pod : List.of("ticker", "echo-133", "echo-129", "short-133", "short-129", "terminal")) {
            awaitPod(pod, p -> "Running".equals(p.status.phase));
        }
    }

    @Test
    void attachSeesNewOutputAndLeavesTheContainerRunning() throws Exception {
        await().atMost(DEADLINE).until(() -> kubectl("logs", "ticker").out().contains("tick 5\n"));
        for (String version : new String[] {"1.33", "1.29"}) {
            // -t on a container without a terminal: kubectl says so itself and attaches without one
            Attached attached = Attached.start(version, "attach", "-t", "ticker");
            try {
                await().atMost(DEADLINE).until(() -> attached.ticks().size() >= 5);
                List<Integer> ticks = attached.ticks();
                assertTrue(ticks.get(0) >= 5, version + ": only what is written from now on, not the log: " + ticks);
                for (int i = 1; i < ticks.size(); i++) {
                    assertEquals(ticks.get(i - 1) + 1, ticks.get(i), version + ": every line, in order: " + ticks);
                }
                assertTrue(attached.err().contains("Unable to use a TTY - container main did not allocate one"),
                        version + ": " + attached.err());
            } finally {
                attached.kill();
            }
            int last = attached.ticks().get(attached.ticks().size() - 1);
            // the container did not notice the client leave: it goes on counting, never restarted
            await().atMost(DEADLINE).until(() -> tick(kubectl("logs", "--tail=1", "ticker").out()) > last + 5);
            Pod pod = KubectlCluster.registry.get(io.gantry.api.client.ResourceKind.PODS, "default", "ticker");
            assertEquals(0, pod.status.containerStatuses.get(0).restartCount, version);
            assertTrue(pod.status.containerStatuses.get(0).state.running != null, version);
        }
    }

    @Test
    void attachWithStdinWritesToTheMainProcess() throws Exception {
        for (String version : new String[] {"1.33", "1.29"}) {
            String pod = "echo-" + version.replace(".", "");
            // stdinOnce: the end of kubectl's input closes cat's, so cat ends and with it the session
            KubectlCluster.Result echoed = run(version, "hello\nworld\n", "attach", "-i", "-q", pod);
            assertEquals(0, echoed.code(), version + ": " + echoed.err());
            assertEquals("hello\nworld\n", echoed.out(), version);
            awaitPod(pod, p -> "Succeeded".equals(p.status.phase));
        }
    }

    @Test
    void theSessionEndsWhenTheContainerExits() throws Exception {
        for (String version : new String[] {"1.33", "1.29"}) {
            String pod = "short-" + version.replace(".", "");
            Attached attached = Attached.start(version, "attach", "-q", pod);
            try {
                await().atMost(DEADLINE).until(() -> attached.lines.contains("waiting"));
                KubectlCluster.Result go = kubectl("exec", pod, "--", "touch", "/tmp/go");
                assertEquals(0, go.code(), go.err());
                // as the kubelet's attach, the session ends with Success whatever the exit code;
                // the code is in the pod's status
                assertTrue(attached.process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS),
                        version + ": kubectl attach ends with the container");
                assertEquals(0, attached.process.exitValue(), version + ": " + attached.err());
                attached.reader.join(DEADLINE.toMillis()); // the process has ended; its last lines may still be read
                assertEquals("bye", attached.lines.get(attached.lines.size() - 1), version);
            } finally {
                attached.kill();
            }
            awaitPod(pod, p -> "Failed".equals(p.status.phase) && p.status.containerStatuses.get(0).state.terminated != null
                    && p.status.containerStatuses.get(0).state.terminated.exitCode == 3);
            KubectlCluster.Result completed = run(version, null, "attach", pod);
            assertEquals(1, completed.code(), version);
            assertTrue(completed.err().contains("cannot attach a container in a completed pod; current phase is Failed"),
                    version + ": " + completed.err());
        }
    }

    @Test
    void kubectlRunWithStdinAttachesAndEndsWithTheContainersCode() throws Exception {
        // kubectl run -i creates the pod with stdin and stdinOnce, attaches once it runs, then reads
        // the exit code from the pod's status; --rm deletes the pod afterwards
        KubectlCluster.Result ran = run("1.33", "hi\n", "run", "runner", "-i", "--rm", "--restart=Never",
                "--image=gantry/httpd:1.0", "--overrides={\"spec\":{\"nodeName\":\"" + KubectlCluster.node + "\"}}",
                "--", "sh", "-c", "read x; echo got $x; exit 3");
        assertEquals(3, ran.code(), ran.err());
        assertTrue(ran.out().startsWith("got hi\n"), ran.out());
        await().atMost(DEADLINE).until(() -> KubectlCluster.registry.find(io.gantry.api.client.ResourceKind.PODS,
                "default", "runner").isEmpty());
    }

    @Test
    void attachWithATerminalRunsAnInteractiveShell() throws Exception {
        // kubectl -it needs a terminal of its own: script(1) gives it one and types what the test writes
        List<String> kubectl = KubectlCluster.command("attach", "-it", "-q", "terminal");
        String line = String.join(" ", kubectl.stream().map(a -> "'" + a + "'").toList());
        Process script = new ProcessBuilder("script", "-qec", line, "/dev/null").redirectErrorStream(true).start();
        StringBuffer seen = new StringBuffer();
        Thread reader = new Thread(() -> {
            try {
                byte[] buffer = new byte[4096];
                for (int read = script.getInputStream().read(buffer); read >= 0; read = script.getInputStream().read(buffer)) {
                    seen.append(new String(buffer, 0, read, StandardCharsets.UTF_8));
                }
            } catch (IOException e) {
                // script ended
            }
        }, "kubectl-attach-terminal");
        reader.setDaemon(true);
        reader.start();
        try {
            // the shell reads from its terminal: each line typed runs, its output comes back on the same stream
            await().atMost(DEADLINE).pollInterval(Duration.ofMillis(500)).until(() -> {
                script.getOutputStream().write("echo sum=$((40+2))\r".getBytes(StandardCharsets.UTF_8));
                script.getOutputStream().flush();
                return seen.toString().contains("sum=42");
            });
            script.getOutputStream().write("exit 0\r".getBytes(StandardCharsets.UTF_8));
            script.getOutputStream().flush();
            assertTrue(script.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS), "the session ends with the shell: " + seen);
            assertEquals(0, script.exitValue(), seen.toString());
        } finally {
            script.destroyForcibly();
        }
        awaitPod("terminal", p -> "Succeeded".equals(p.status.phase));
    }

    @Test
    void refusalsInKubernetesWords() throws Exception {
        KubectlCluster.Response response = KubectlCluster.get(
                "/api/v1/namespaces/default/pods/ticker/attach?container=nope&stdout=true");
        assertEquals(400, response.code());
        assertTrue(response.body().contains("container nope is not valid for pod ticker"), response.body());

        KubectlCluster.Response plain = KubectlCluster.get("/api/v1/namespaces/default/pods/ticker/attach?stdout=true");
        assertEquals(400, plain.code(), plain.body());
        assertTrue(plain.body().contains("Upgrade request required"), plain.body());
    }

    private static int tick(String line) {
        Matcher matcher = TICK.matcher(line);
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    /** A kubectl of the given version run to its end, with the given input. */
    private static KubectlCluster.Result run(String version, String stdin, String... args) throws Exception {
        Attached attached = Attached.start(version, args);
        if (stdin != null) {
            attached.process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        attached.process.getOutputStream().close();
        try {
            assertTrue(attached.process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS),
                    "kubectl " + version + " " + String.join(" ", args) + " ends");
            attached.reader.join(DEADLINE.toMillis());
            return new KubectlCluster.Result(attached.process.exitValue(),
                    attached.lines.isEmpty() ? "" : String.join("\n", attached.lines) + "\n", attached.err());
        } finally {
            attached.kill();
        }
    }

    /** A running kubectl whose output lines are collected as they come. */
    private record Attached(Process process, List<String> lines, Thread reader, Path errFile) {

        static Attached start(String version, String... args) throws IOException {
            List<String> command = KubectlCluster.command(args);
            command.set(0, Path.of(KubectlCluster.KUBECTL).resolveSibling("kubectl." + version).toString());
            Path err = Files.createTempFile(KubectlCluster.dir, "attach", ".err");
            Process process = new ProcessBuilder(command).redirectError(err.toFile()).start();
            List<String> lines = new CopyOnWriteArrayList<>();
            Thread reader = new Thread(() -> {
                try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(),
                        StandardCharsets.UTF_8))) {
                    for (String line = out.readLine(); line != null; line = out.readLine()) {
                        lines.add(line);
                    }
                } catch (IOException e) {
                    // kubectl ended
                }
            }, "kubectl-attach-output");
            reader.setDaemon(true);
            reader.start();
            return new Attached(process, lines, reader, err);
        }

        List<Integer> ticks() {
            return lines.stream().map(KubectlAttachDockerTest::tick).filter(t -> t >= 0).toList();
        }

        String err() {
            try {
                return Files.readString(errFile);
            } catch (IOException e) {
                return e.toString();
            }
        }

        void kill() {
            process.destroyForcibly();
        }
    }
}
