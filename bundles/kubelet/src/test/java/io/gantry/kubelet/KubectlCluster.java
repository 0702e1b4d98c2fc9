package io.gantry.kubelet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.Folders;
import io.gantry.api.Plugins;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.ApiServlet;
import io.gantry.apiserver.Registry;
import io.gantry.runtime.docker.DockerRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A one-node cluster for kubectl tests: the real API server's servlet in Jetty over an in-memory
 * store, a real kubelet with its endpoint, and the Docker runtime on the real engine; a
 * kubeconfig for kubectl 1.33. Closing it removes every container the node made.
 */
final class KubectlCluster {

    static final Duration LONG = Duration.ofSeconds(60);
    static final String KUBECTL = kubectl();

    static Path dir;
    static Server jetty;
    static Registry registry;
    static DockerRuntime runtime;
    static Kubelet kubelet;
    static io.gantry.api.client.Informers informers;
    static String node;
    static String server;

    /**
     * Starts the cluster before a test class's own set-up and stops it after its own tear-down:
     * {@code @ExtendWith(KubectlCluster.PerClass.class)}.
     */
    static final class PerClass implements BeforeAllCallback, AfterAllCallback {

        @Override
        public void beforeAll(ExtensionContext context) throws Exception {
            start();
        }

        @Override
        public void afterAll(ExtensionContext context) throws Exception {
            stop();
        }
    }

    static void start() throws Exception {
        node = "kl-" + UUID.randomUUID().toString().substring(0, 8);
        dir = Files.createTempDirectory("kubectl-cluster");
        registry = new Registry("memory");
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(new ApiServlet(registry));
        holder.setAsyncSupported(true); // as the OSGi whiteboard registers it: watches hold no request thread
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
        server = "http://127.0.0.1:" + connector.getLocalPort();
        Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: gantry
                  cluster:
                    server: %s
                contexts:
                - name: gantry
                  context:
                    cluster: gantry
                    namespace: default
                current-context: gantry
                """.formatted(server));
        runtime = new DockerRuntime(DockerNode.dockerConfig());
        String cidr = "127." + ThreadLocalRandom.current().nextInt(160, 250) + "." + ThreadLocalRandom.current().nextInt(1, 250)
                + ".0/24";
        informers = new io.gantry.api.client.Informers(registry);
        kubelet = new Kubelet(registry, informers,
                new TestConfig(node, cidr, Files.createDirectories(dir.resolve("root"))));
        kubelet.addRuntime(runtime, Map.of(Plugins.NAME, "docker"));
        await().atMost(LONG).until(() -> registry.find(ResourceKind.NODES, null, node)
                .map(n -> n.status != null && n.status.extra("daemonEndpoints") != null).orElse(false));
    }

    static void stop() throws Exception {
        try {
            kubelet.deactivate();
            informers.close();
            jetty.stop();
        } finally {
            runtime.listContainers(node).forEach(c -> runtime.removeContainer(c.id()));
            runtime.listPodSandboxes(node).forEach(s -> {
                runtime.stopPodSandbox(s.id());
                runtime.removePodSandbox(s.id());
            });
            Folders.delete(dir);
        }
    }

    static void create(String manifest) throws Exception {
        Result created = kubectlIn(manifest.formatted(node), "create", "-f", "-");
        assertEquals(0, created.code, created.err);
    }

    static void awaitPod(String name, Predicate<Pod> test) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(100)).until(() -> {
            Pod pod = registry.get(ResourceKind.PODS, "default", name);
            return pod.status != null && test.test(pod);
        });
    }

    record Result(int code, String out, String err) {
    }

    record Response(int code, String body) {
    }

    static Response get(String path) throws IOException {
        HttpURLConnection connection = (HttpURLConnection) URI.create(server + path).toURL().openConnection();
        int code = connection.getResponseCode();
        try (InputStream in = code < 400 ? connection.getInputStream() : connection.getErrorStream()) {
            return new Response(code, in == null ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    static List<String> command(String... args) {
        List<String> command = new ArrayList<>(List.of(KUBECTL, "--kubeconfig", dir.resolve("kubeconfig").toString(),
                "--cache-dir", dir.resolve("cache").toString()));
        command.addAll(List.of(args));
        return command;
    }

    static Result kubectl(String... args) throws IOException, InterruptedException {
        return kubectlIn(null, args);
    }

    /** Another kubectl of the machine's side-by-side versions ({@code 1.29}). */
    static Result kubectlVersion(String version, String... args) throws IOException, InterruptedException {
        List<String> command = command(args);
        command.set(0, Path.of(KUBECTL).resolveSibling("kubectl." + version).toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(false).start();
        process.getOutputStream().close();
        byte[] out = process.getInputStream().readAllBytes();
        byte[] err = process.getErrorStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kubectl " + version + " " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), new String(out, StandardCharsets.UTF_8), new String(err, StandardCharsets.UTF_8));
    }

    static Result kubectlIn(String stdin, String... args) throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command(args)).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** kubectl 1.33 where the machine has several versions side by side, else the one on the path. */
    private static String kubectl() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            Path found = Path.of(dir, "kubectl");
            if (Files.isExecutable(found)) {
                try {
                    Path versioned = found.toRealPath().resolveSibling("kubectl.1.33");
                    return Files.isExecutable(versioned) ? versioned.toString() : found.toString();
                } catch (IOException e) {
                    return found.toString();
                }
            }
        }
        return "kubectl";
    }
}
