package io.gantry.controllers.deployment;

import io.gantry.controllers.TestControlPlane;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.SoleLeader;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.ApiServlet;
import io.gantry.apiserver.Registry;
import io.gantry.controllers.ControllerManager;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code kubectl rollout} of the real kubectl (oldest and newest supported minor versions)
 * against the API servlet on loopback with the deployment controller running: status, history,
 * undo (kubectl's JSON patch of the template), undo --to-revision, restart, pause and resume,
 * and a rollout that exceeds its progress deadline. Pods are reported by {@link
 * ReplicaSetStatusFake}; an image that says "broken" never becomes ready.
 */
class RolloutKubectlTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    private Registry registry;
    private Informers informers;
    private ReplicaSetStatusFake pods;
    private ControllerManager manager;
    private Server jetty;
    private Path kubeconfig;
    private String binary;

    @BeforeEach
    void start() throws Exception {
        registry = new Registry("memory");
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
        informers = new Informers(registry);
        pods = new ReplicaSetStatusFake(registry, informers,
                rs -> rs.spec.template.spec.containers.stream().noneMatch(c -> c.image.contains("broken")));
        manager = new ControllerManager(registry, informers, new SoleLeader(), config(),
                List.of(DeploymentController::new));
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        ServletHolder holder = new ServletHolder(new ApiServlet(registry));
        holder.setAsyncSupported(true);
        context.addServlet(holder, "/*");
        jetty.setHandler(context);
        jetty.start();
        kubeconfig = dir.resolve("kubeconfig");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: gantry
                  cluster: {server: "http://127.0.0.1:%d"}
                contexts:
                - name: gantry
                  context: {cluster: gantry, namespace: default}
                current-context: gantry
                """.formatted(connector.getLocalPort()));
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
        manager.close();
        pods.close();
        informers.close();
        registry.watches().close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.27", "1.30", "1.33"})
    void rolloutStatusHistoryUndoRestartPauseAndResume(String version) throws Exception {
        binary = kubectlBinary(version);
        assumeTrue(binary != null, "kubectl " + version + " is not installed");

        ok("create", "deployment", "web", "--image=nginx:1", "--replicas=3");
        assertEquals("deployment \"web\" successfully rolled out", rolloutStatus());
        ok("set", "image", "deployment/web", "nginx=nginx:2");
        // annotated after the change, as Kubernetes copies a deployment's annotations to its current ReplicaSet
        ok("annotate", "deployment", "web", "kubernetes.io/change-cause=version two");
        assertEquals("deployment \"web\" successfully rolled out", rolloutStatus());
        await().atMost(WAIT).until(() -> "version two".equals(activeReplicaSet().metadata.annotations
                .get("kubernetes.io/change-cause")));
        String history = ok("rollout", "history", "deployment/web");
        assertTrue(history.matches("(?s).*REVISION\\s+CHANGE-CAUSE\\s*\\n1\\s+<none>\\s*\\n2\\s+version two\\s*\\n.*"), history);

        assertEquals("deployment.apps/web rolled back", ok("rollout", "undo", "deployment/web").trim());
        assertEquals("deployment \"web\" successfully rolled out", rolloutStatus());
        Deployment undone = deployment();
        assertEquals("nginx:1", undone.spec.template.spec.containers.get(0).image);
        assertEquals("3", undone.metadata.annotations.get(Revisions.REVISION));
        assertEquals(2, replicaSets().size(), "undo reuses the ReplicaSet of revision 1");
        assertEquals("deployment.apps/web skipped rollback (current template already matches revision 3)",
                ok("rollout", "undo", "deployment/web", "--to-revision=3").trim());
        assertEquals("deployment.apps/web rolled back (server dry run)",
                ok("rollout", "undo", "deployment/web", "--dry-run=server").trim());
        assertEquals("nginx:1", deployment().spec.template.spec.containers.get(0).image, "a dry run changes nothing");
        String two = ok("rollout", "history", "deployment/web", "--revision=2");
        assertTrue(two.matches("(?s)deployment.apps/web with revision #2\\s*\\nPod Template:.*Image:\\s+nginx:2\\s*\\n.*"), two);

        assertEquals("deployment.apps/web rolled back", ok("rollout", "undo", "deployment/web", "--to-revision=2").trim());
        assertEquals("deployment \"web\" successfully rolled out", rolloutStatus());
        assertEquals("nginx:2", deployment().spec.template.spec.containers.get(0).image);
        assertEquals("4", deployment().metadata.annotations.get(Revisions.REVISION));

        String before = activeReplicaSet().metadata.name;
        assertEquals("deployment.apps/web restarted", ok("rollout", "restart", "deployment/web").trim());
        assertEquals("deployment \"web\" successfully rolled out", rolloutStatus());
        ReplicaSet restarted = activeReplicaSet();
        assertNotEquals(before, restarted.metadata.name);
        assertNotNull(restarted.spec.template.metadata.annotations.get("kubectl.kubernetes.io/restartedAt"));

        assertEquals("deployment.apps/web paused", ok("rollout", "pause", "deployment/web").trim());
        ok("set", "image", "deployment/web", "nginx=nginx:3");
        await().atMost(WAIT).until(() -> {
            Deployment d = deployment();
            return d.status.observedGeneration >= d.metadata.generation;
        });
        assertEquals(restarted.metadata.name, activeReplicaSet().metadata.name, "a paused deployment rolls nothing out");
        Result refused = kubectl("rollout", "undo", "deployment/web");
        assertNotEquals(0, refused.code);
        assertTrue(refused.err.contains("you cannot rollback a paused deployment; resume it first with 'kubectl rollout "
                + "resume' and try again"), refused.err);
        assertEquals("deployment.apps/web resumed", ok("rollout", "resume", "deployment/web").trim());
        assertEquals("deployment \"web\" successfully rolled out", rolloutStatus());
        ReplicaSet last = activeReplicaSet();
        assertEquals("nginx:3", last.spec.template.spec.containers.get(0).image);
        String described = ok("describe", "deployment", "web");
        assertTrue(described.matches("(?s).*NewReplicaSet:\\s+" + last.metadata.name + " \\(3/3 replicas created\\).*"),
                described);
        assertTrue(described.matches("(?s).*Normal\\s+ScalingReplicaSet\\s+.*deployment-controller\\s+Scaled up replica set "
                + last.metadata.name + " to 1.*"), described);
        assertTrue(described.matches("(?s).*Progressing\\s+True\\s+NewReplicaSetAvailable.*"), described);
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.33"})
    void rolloutStatusReportsAnExceededProgressDeadline(String version) throws Exception {
        binary = kubectlBinary(version);
        assumeTrue(binary != null, "kubectl " + version + " is not installed");
        ok("create", "deployment", "web", "--image=nginx:1", "--replicas=2");
        assertEquals("deployment \"web\" successfully rolled out", rolloutStatus());
        ok("patch", "deployment", "web", "-p", "{\"spec\":{\"progressDeadlineSeconds\":2}}");
        ok("set", "image", "deployment/web", "nginx=nginx:broken");

        Result status = kubectl("rollout", "status", "deployment/web", "--timeout=30s");

        assertNotEquals(0, status.code, status.out);
        assertEquals("error: deployment \"web\" exceeded its progress deadline", status.err.trim());
    }

    @ParameterizedTest
    @ValueSource(strings = {"1.33"})
    void theAutoRollbackAnnotationUndoesARolloutThatExceedsItsDeadline(String version) throws Exception {
        binary = kubectlBinary(version);
        assumeTrue(binary != null, "kubectl " + version + " is not installed");
        ok("create", "deployment", "web", "--image=nginx:1", "--replicas=2");
        ok("annotate", "deployment", "web", "gantry.io/auto-rollback=true");
        ok("patch", "deployment", "web", "-p", "{\"spec\":{\"progressDeadlineSeconds\":2}}");
        assertEquals("deployment \"web\" successfully rolled out", rolloutStatus());

        ok("set", "image", "deployment/web", "nginx=nginx:broken");

        await().atMost(WAIT).until(() -> "3".equals(deployment().metadata.annotations.get(Revisions.REVISION)));
        assertEquals("deployment \"web\" successfully rolled out", rolloutStatus());
        assertEquals("nginx:1", ok("get", "deployment", "web", "-o",
                "jsonpath={.spec.template.spec.containers[0].image}"));
        String events = ok("get", "events", "--field-selector", "reason=AutoRollback");
        assertTrue(events.matches("(?s).*Warning\\s+AutoRollback\\s+deployment/web\\s+Rolled back deployment \"web\" from "
                + "revision 2 to revision 1: ReplicaSet \"web-[a-z0-9]+\" has timed out progressing\\..*"), events);
    }

    // --- helpers ---

    private String rolloutStatus() throws Exception {
        Result result = kubectl("rollout", "status", "deployment/web", "--timeout=30s");
        assertEquals(0, result.code, result.err + result.out);
        List<String> lines = result.out.lines().toList();
        return lines.get(lines.size() - 1);
    }

    private Deployment deployment() {
        return registry.get(ResourceKind.DEPLOYMENTS, "default", "web");
    }

    private List<ReplicaSet> replicaSets() {
        return registry.list(ResourceKind.REPLICA_SETS, "default", ListOptions.ALL).items;
    }

    private ReplicaSet activeReplicaSet() {
        List<ReplicaSet> active = ReplicaSets.active(replicaSets());
        assertEquals(1, active.size());
        return active.get(0);
    }

    private record Result(int code, String out, String err) {
    }

    private String ok(String... args) throws Exception {
        Result result = kubectl(args);
        assertEquals(0, result.code, String.join(" ", args) + ": " + result.err);
        return result.out;
    }

    private Result kubectl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(binary, "--kubeconfig", kubeconfig.toString(),
                "--cache-dir", dir.resolve("cache").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        Process process = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish within 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /** kubectl 1.NN beside the kubectl on the PATH, or null. */
    private static String kubectlBinary(String version) {
        for (String path : System.getenv("PATH").split(":")) {
            Path kubectl = Path.of(path, "kubectl");
            if (Files.isExecutable(kubectl)) {
                try {
                    Path versioned = kubectl.toRealPath().resolveSibling("kubectl." + version);
                    if (Files.isExecutable(versioned)) {
                        return versioned.toString();
                    }
                } catch (IOException e) {
                    // a dangling link: the next PATH entry
                }
            }
        }
        return null;
    }

    private static ControllerManager.Config config() {
        return TestControlPlane.config();
    }
}
