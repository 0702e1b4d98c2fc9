package io.gantry.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static io.gantry.itests.Host.freePort;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import io.gantry.itests.Host.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The built distribution, as a user runs it: unpacked, started with bin/start, driven with the
 * real kubectl through the kubeconfig it writes, the example manifest, and bin/client. Its ports
 * are moved to free ones and its pod range to 127.3.0.0/16, so that it runs beside a node of
 * {@code ./gantry up} and beside the Pax Exam tests. Needs a Docker engine and the example images.
 */
class DistributionTest {

    private static final String NODE = "dist-node";
    private static final Path ROOT = Path.of(System.getProperty("gantry.root", "..")).toAbsolutePath().normalize();
    private static final Path HOME = Path.of("target/distribution-test").toAbsolutePath();

    private static int httpPort;
    private static int sshPort;

    @BeforeAll
    static void unpackConfigureAndStart() throws Exception {
        removeContainersOfNode();
        run(Duration.ofSeconds(30), ROOT, "rm", "-rf", HOME.toString());
        Files.createDirectories(HOME);
        run(Duration.ofSeconds(60), ROOT, "tar", "-xzf", System.getProperty("gantry.distribution"),
                "-C", HOME.toString(), "--strip-components=1");
        httpPort = freePort();
        sshPort = freePort();
        int hazelcastPort = freePort();
        configure("org.ops4j.pax.web.cfg", Map.of("org.osgi.service.http.port", String.valueOf(httpPort)));
        configure("org.apache.karaf.shell.cfg", Map.of("sshPort", String.valueOf(sshPort)));
        configure("org.apache.karaf.management.cfg", Map.of("rmiRegistryPort", String.valueOf(freePort()),
                "rmiServerPort", String.valueOf(freePort())));
        configure("io.gantry.cluster.cfg", Map.of("clusterName", "dist-" + hazelcastPort,
                "port", String.valueOf(hazelcastPort), "members", "127.0.0.1:" + hazelcastPort, "nodeName", NODE));
        configure("io.gantry.kubelet.cfg", Map.of("nodeName", NODE, "podCIDR", "127.3.0.0/16"));
        configure("io.gantry.runtime.docker.cfg", Map.of("pullImages", "false"));
        run(Duration.ofSeconds(30), HOME, "bin/start");
        await().atMost(Duration.ofSeconds(120)).ignoreExceptions().until(() -> http("/readyz").statusCode() == 200);
    }

    @AfterAll
    static void stop() throws Exception {
        if (Files.exists(HOME.resolve("bin/stop"))) {
            run(Duration.ofSeconds(30), HOME, "bin/stop");
            await().atMost(Duration.ofSeconds(60)).until(() -> exec(Duration.ofSeconds(10), HOME, "bin/status").exit() != 0);
        }
        removeContainersOfNode();
    }

    @Test
    void kubectlRunsTheExamplePodWhichAnswersAndTheShellShowsIt() throws Exception {
        Path kubeconfig = HOME.resolve("data/kubeconfig");
        await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(kubeconfig));
        assertTrue(Files.readString(kubeconfig).contains("server: http://127.0.0.1:" + httpPort),
                "the kubeconfig points at the API's port");

        await().atMost(Duration.ofSeconds(60)).until(() -> kubectl(kubeconfig, "get", "node", NODE,
                "-o", "jsonpath={.status.conditions[?(@.type==\"Ready\")].status}").out().equals("True"));

        Result created = kubectl(kubeconfig, "create", "-f", ROOT.resolve("examples/httpd-pod.yaml").toString());
        assertEquals(0, created.exit(), created.toString());
        assertEquals("pod/web created", created.out().strip());
        Result running = kubectl(kubeconfig, "wait", "--for=jsonpath={.status.phase}=Running", "pod/web",
                "--timeout=60s");
        assertEquals(0, running.exit(), running.toString());

        String podIP = kubectl(kubeconfig, "get", "pod", "web", "-o", "jsonpath={.status.podIP}").out().strip();
        assertTrue(podIP.startsWith("127.3."), podIP);
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> get("http://" + podIP + "/").body().contains("hello from Gantry, pod web"));

        String table = kubectl(kubeconfig, "get", "pods", "-o", "wide").out();
        assertTrue(table.lines().anyMatch(l -> l.startsWith("web ") && l.contains("Running") && l.contains(podIP)),
                table);

        Result shell = shell("gantry:get pods -o wide");
        assertEquals(0, shell.exit(), shell.toString());
        assertTrue(shell.out().lines().anyMatch(l -> l.startsWith("web ") && l.contains("Running") && l.contains(podIP)),
                shell.out());

        Result deleted = kubectl(kubeconfig, "delete", "pod", "web");
        assertEquals(0, deleted.exit(), deleted.toString());
        await().atMost(Duration.ofSeconds(30)).until(() -> containersOfNode().isEmpty());
    }

    @Test
    void bareKubectlErrorsNameTheObjectAndField() throws Exception {
        Path bad = HOME.resolve("bad-pod.yaml");
        Files.writeString(bad, """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: bad
                spec:
                  containers:
                  - name: c
                """);
        Result result = kubectl(HOME.resolve("data/kubeconfig"), "create", "-f", bad.toString());
        assertEquals(1, result.exit(), result.toString());
        assertTrue(result.err().contains("Pod \"bad\" is invalid") && result.err().contains("spec.containers[0].image"),
                result.err());
    }

    private static Result kubectl(Path kubeconfig, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("kubectl", "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        return exec(Duration.ofSeconds(90), HOME, command.toArray(new String[0]));
    }

    /** One command through bin/client in batch mode, as {@code ./gantry shell 'COMMAND'} runs it. */
    private static Result shell(String command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bin/client", "-b", "-a", String.valueOf(sshPort), "-h", "127.0.0.1",
                "-u", "karaf", "-p", "karaf", "-r", "10");
        return exec(builder, Duration.ofSeconds(60), command + "\n");
    }

    private static List<String> containersOfNode() throws Exception {
        Result ids = exec(Duration.ofSeconds(30), ROOT, "docker", "ps", "-aq", "--filter", "label=io.gantry.node=" + NODE);
        return ids.out().lines().filter(l -> !l.isBlank()).toList();
    }

    private static void removeContainersOfNode() throws Exception {
        for (String id : containersOfNode()) {
            exec(Duration.ofSeconds(30), ROOT, "docker", "rm", "-f", id);
        }
    }

    private static void configure(String file, Map<String, String> values) throws IOException {
        Path cfg = HOME.resolve("etc").resolve(file);
        List<String> lines = new ArrayList<>(Files.exists(cfg) ? Files.readAllLines(cfg) : List.of());
        for (Map.Entry<String, String> value : values.entrySet()) {
            String line = value.getKey() + " = " + value.getValue();
            int at = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).matches("\\s*" + Pattern.quote(value.getKey()) + "\\s*[=:].*")) {
                    at = i;
                }
            }
            if (at >= 0) {
                lines.set(at, line);
            } else {
                lines.add(line);
            }
        }
        Files.write(cfg, lines);
    }

    private static HttpResponse<String> http(String path) throws Exception {
        return get("http://127.0.0.1:" + httpPort + path);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void run(Duration timeout, Path dir, String... command) throws Exception {
        Result result = exec(timeout, dir, command);
        assertEquals(0, result.exit(), result.toString());
    }

    private static Result exec(Duration timeout, Path dir, String... command) throws Exception {
        return exec(new ProcessBuilder(command).directory(dir.toFile()), timeout, null);
    }

    private static Result exec(ProcessBuilder builder, Duration timeout, String input) throws Exception {
        if (builder.directory() == null) {
            builder.directory(HOME.toFile());
        }
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        return Host.run(builder, timeout, input);
    }
}
