package io.gantry.apiserver.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.json.Json;
import io.gantry.apiserver.TestApiServer;
import io.gantry.apiserver.e2e.Kubectl.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What an operator does with kubectl, run with the oldest and the newest kubectl this project
 * supports (1.27 sends JSON everywhere; 1.33 sends its {@code create} generators as protobuf and
 * asks for aggregated discovery), asserting on what kubectl prints as Kubernetes users know it.
 * Each scenario works in its own namespace, so the versions share one server.
 */
class KubectlScenariosTest {

    private static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: %s
              labels:
                app: web
            spec:
              replicas: %d
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: httpd
                    image: %s
                    ports:
                    - containerPort: 80
            """;

    private static final String POD = """
            apiVersion: v1
            kind: Pod
            metadata:
              name: %s
              labels:
                app: web
            spec:
              containers:
              - name: httpd
                image: gantry/httpd:1.0
            """;

    @TempDir
    static Path dir;
    static TestApiServer server;
    static Path kubeconfig;
    static final Map<String, Kubectl> clients = new ConcurrentHashMap<>();

    @BeforeAll
    static void start() throws Exception {
        server = new TestApiServer(true);
        kubeconfig = server.kubeconfig(dir.resolve("kubeconfig"));
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static Stream<String> versions() {
        return Stream.of("1.27", "1.33");
    }

    /** kubectl of that version, with a discovery cache of its own (kept between its scenarios). */
    private static Kubectl kubectl(String version) {
        return clients.computeIfAbsent(version, v -> {
            try {
                return new Kubectl(v, kubeconfig, dir.resolve("kubectl-" + v));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    /** A namespace of its own for one scenario and version, made with {@code kubectl create namespace}. */
    private static String namespace(Kubectl kubectl, String scenario, String version) throws Exception {
        String namespace = scenario + "-" + version.replace(".", "");
        Result created = kubectl.run("create", "namespace", namespace);
        assertEquals("namespace/" + namespace + " created", created.out().trim(), created.both());
        return namespace;
    }

    private static JsonNode json(Kubectl kubectl, String... args) throws Exception {
        Result result = kubectl.run(args);
        assertEquals(0, result.code(), result.both());
        return Json.mapper().readTree(result.out());
    }

    private static void assertLine(String regex, Result result) {
        assertTrue(result.out().lines().anyMatch(l -> l.matches(regex)), "no line matches " + regex + "\n" + result.both());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void createFromFileGetAndDescribe(String version) throws Exception {
        Kubectl kubectl = kubectl(version);
        String ns = namespace(kubectl, "get", version);

        Result created = kubectl.stdin(POD.formatted("web"), "create", "-n", ns, "-f", "-");
        assertEquals("pod/web created", created.out().trim(), created.both());
        Result again = kubectl.stdin(POD.formatted("web"), "create", "-n", ns, "-f", "-");
        assertNotEquals(0, again.code());
        assertEquals("Error from server (AlreadyExists): error when creating \"STDIN\": pods \"web\" already exists",
                again.err().trim());

        Result table = kubectl.run("get", "pods", "-n", ns);
        assertTrue(table.out().lines().findFirst().orElse("").matches("NAME\\s+READY\\s+STATUS\\s+RESTARTS\\s+AGE"),
                table.both());
        assertLine("web\\s+0/1\\s+Pending\\s+0\\s+\\d+s", table);

        JsonNode pod = json(kubectl, "get", "pod", "web", "-n", ns, "-o", "json");
        assertEquals("Always", pod.at("/spec/restartPolicy").asText(), "defaults were applied");
        assertEquals("Pod", pod.path("kind").asText());

        Result describe = kubectl.run("describe", "pod", "web", "-n", ns);
        assertEquals(0, describe.code(), describe.both());
        assertLine("Name:\\s+web", describe);
        assertLine("Namespace:\\s+" + ns, describe);
        assertLine("Labels:\\s+app=web", describe);
        assertLine("Status:\\s+Pending", describe);
        assertLine("\\s+Image:\\s+gantry/httpd:1.0", describe);

        Result missing = kubectl.run("get", "pod", "nope", "-n", ns);
        assertEquals("Error from server (NotFound): pods \"nope\" not found", missing.err().trim());
        Result describeMissing = kubectl.run("describe", "deployment", "nope", "-n", ns);
        assertEquals("Error from server (NotFound): deployments.apps \"nope\" not found", describeMissing.err().trim());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void everyCreateGenerator(String version) throws Exception {
        Kubectl kubectl = kubectl(version);
        String ns = namespace(kubectl, "gen", version);

        Result configMap = kubectl.run("create", "configmap", "settings", "-n", ns, "--from-literal=mode=fast",
                "--from-literal=level=3");
        assertEquals("configmap/settings created", configMap.out().trim(), configMap.both());
        assertEquals("fast", json(kubectl, "get", "configmap", "settings", "-n", ns, "-o", "json").at("/data/mode").asText());

        Result secret = kubectl.run("create", "secret", "generic", "token", "-n", ns, "--from-literal=key=s3cret");
        assertEquals("secret/token created", secret.out().trim(), secret.both());
        JsonNode stored = json(kubectl, "get", "secret", "token", "-n", ns, "-o", "json");
        assertEquals("Opaque", stored.path("type").asText());
        assertEquals("s3cret", new String(Base64.getDecoder().decode(stored.at("/data/key").asText())));

        Result registry = kubectl.run("create", "secret", "docker-registry", "pull", "-n", ns,
                "--docker-server=registry.example", "--docker-username=u", "--docker-password=p");
        assertEquals("secret/pull created", registry.out().trim(), registry.both());
        JsonNode pull = json(kubectl, "get", "secret", "pull", "-n", ns, "-o", "json");
        assertEquals("kubernetes.io/dockerconfigjson", pull.path("type").asText());
        assertTrue(new String(Base64.getDecoder().decode(pull.at("/data/.dockerconfigjson").asText()))
                .contains("registry.example"), pull.toString());

        Result deployment = kubectl.run("create", "deployment", "web", "-n", ns, "--image=gantry/httpd:1.0",
                "--replicas=2");
        assertEquals("deployment.apps/web created", deployment.out().trim(), deployment.both());
        JsonNode web = json(kubectl, "get", "deployment", "web", "-n", ns, "-o", "json");
        assertEquals(2, web.at("/spec/replicas").asInt());
        assertEquals("web", web.at("/spec/selector/matchLabels/app").asText());
        assertEquals("RollingUpdate", web.at("/spec/strategy/type").asText(), "defaults were applied");
        Result deployments = kubectl.run("get", "deployments", "-n", ns);
        assertTrue(deployments.out().lines().findFirst().orElse("")
                .matches("NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE"), deployments.both());
        assertLine("web\\s+0/2\\s+0\\s+0\\s+\\d+s", deployments);

        Result describeDeployment = kubectl.run("describe", "deployment", "web", "-n", ns);
        assertEquals(0, describeDeployment.code(), describeDeployment.both());
        assertLine("Replicas:\\s+2 desired \\| 0 updated \\| 0 total \\| 0 available \\| 0 unavailable", describeDeployment);
        assertLine("StrategyType:\\s+RollingUpdate", describeDeployment);
        assertLine("RollingUpdateStrategy:\\s+25% max unavailable, 25% max surge", describeDeployment);

        Result clusterIp = kubectl.run("create", "service", "clusterip", "front", "-n", ns, "--tcp=80:8080");
        assertEquals("service/front created", clusterIp.out().trim(), clusterIp.both());
        Result describeService = kubectl.run("describe", "service", "front", "-n", ns);
        assertEquals(0, describeService.code(), describeService.both());
        assertLine("Type:\\s+ClusterIP", describeService);
        assertLine("TargetPort:\\s+8080/TCP", describeService);
        assertLine("Session Affinity:\\s+None", describeService);
        Result nodePort = kubectl.run("create", "service", "nodeport", "edge", "-n", ns, "--tcp=443:8443");
        assertEquals("service/edge created", nodePort.out().trim(), nodePort.both());
        JsonNode edge = json(kubectl, "get", "service", "edge", "-n", ns, "-o", "json");
        assertEquals("NodePort", edge.at("/spec/type").asText());
        assertEquals(8443, edge.at("/spec/ports/0/targetPort").asInt());
        Result services = kubectl.run("get", "services", "-n", ns);
        assertTrue(services.out().lines().findFirst().orElse("")
                .matches("NAME\\s+TYPE\\s+CLUSTER-IP\\s+EXTERNAL-IP\\s+PORT\\(S\\)\\s+AGE"), services.both());
        assertLine("front\\s+ClusterIP\\s+.*\\s+<none>\\s+80/TCP\\s+\\d+s", services);
        assertLine("edge\\s+NodePort\\s+.*\\s+<none>\\s+443.*/TCP\\s+\\d+s", services);

        Result account = kubectl.run("create", "serviceaccount", "robot", "-n", ns);
        assertEquals("serviceaccount/robot created", account.out().trim(), account.both());
        Result accounts = kubectl.run("get", "serviceaccounts", "-n", ns);
        assertLine("robot\\s+0\\s+\\d+s", accounts);
        assertLine("default\\s+0\\s+\\d+s", accounts);

        Result invalid = kubectl.run("create", "configmap", "Not_A_Name", "-n", ns, "--from-literal=a=b");
        assertNotEquals(0, invalid.code());
        assertTrue(invalid.err().startsWith("error: failed to create configmap: ConfigMap \"Not_A_Name\" is invalid: "
                + "metadata.name: Invalid value: \"Not_A_Name\""), invalid.both());
        Result nowhere = kubectl.run("create", "configmap", "lost", "-n", "no-such-namespace", "--from-literal=a=b");
        assertNotEquals(0, nowhere.code());
        assertTrue(nowhere.err().contains("namespaces \"no-such-namespace\" not found"), nowhere.both());
    }


    @ParameterizedTest
    @MethodSource("versions")
    void servicesGetAClusterIpAndNodePorts(String version) throws Exception {
        Kubectl kubectl = kubectl(version);
        String ns = namespace(kubectl, "alloc", version);
        assertEquals(0, kubectl.run("create", "service", "clusterip", "front", "-n", ns, "--tcp=80:8080").code());
        assertEquals(0, kubectl.run("create", "service", "nodeport", "edge", "-n", ns, "--tcp=443:8443").code());
        JsonNode edge = json(kubectl, "get", "service", "edge", "-n", ns, "-o", "json");
        int port = edge.at("/spec/ports/0/nodePort").asInt();
        assertTrue(port >= 30000 && port <= 32767, "node port " + port + " is in the default range");
        Result services = kubectl.run("get", "services", "-n", ns);
        assertLine("front\\s+ClusterIP\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s+<none>\\s+80/TCP\\s+\\d+s", services);
        assertLine("edge\\s+NodePort\\s+\\d+\\.\\d+\\.\\d+\\.\\d+\\s+<none>\\s+443:" + port + "/TCP\\s+\\d+s", services);
    }

    @ParameterizedTest
    @MethodSource("versions")
    void applyTwiceWithAChange(String version) throws Exception {
        Kubectl kubectl = kubectl(version);
        String ns = namespace(kubectl, "apply", version);

        Result created = kubectl.stdin(DEPLOYMENT.formatted("web", 1, "gantry/httpd:1.0"), "apply", "-n", ns, "-f", "-");
        assertEquals("deployment.apps/web created", created.out().trim(), created.both());
        Result unchanged = kubectl.stdin(DEPLOYMENT.formatted("web", 1, "gantry/httpd:1.0"), "apply", "-n", ns, "-f", "-");
        assertEquals("deployment.apps/web unchanged", unchanged.out().trim(), unchanged.both());
        // a label set by someone else survives the next apply: strategic merge, not replacement
        assertEquals(0, kubectl.run("label", "deployment", "web", "-n", ns, "team=blue").code());

        String changed = DEPLOYMENT.formatted("web", 3, "gantry/httpd:2.0").replace("""
                        - containerPort: 80
                """, """
                        - containerPort: 80
                      - name: sidecar
                        image: gantry/sidecar:1.0
                """);
        Result configured = kubectl.stdin(changed, "apply", "-n", ns, "-f", "-");
        assertEquals("deployment.apps/web configured", configured.out().trim(), configured.both());

        JsonNode web = json(kubectl, "get", "deployment", "web", "-n", ns, "-o", "json");
        assertEquals(3, web.at("/spec/replicas").asInt());
        assertEquals("blue", web.at("/metadata/labels/team").asText());
        JsonNode containers = web.at("/spec/template/spec/containers");
        assertEquals(2, containers.size(), containers.toString());
        assertEquals("gantry/httpd:2.0", containers.get(0).path("image").asText());
        assertEquals(80, containers.get(0).at("/ports/0/containerPort").asInt());
        assertEquals("sidecar", containers.get(1).path("name").asText());
        assertEquals(2, web.at("/metadata/generation").asInt(), "the spec changed once after creation");
        assertTrue(web.at("/metadata/annotations/kubectl.kubernetes.io~1last-applied-configuration").asText()
                .contains("gantry/sidecar:1.0"), web.toString());

        // removing the sidecar from the manifest removes it from the object (last-applied diff)
        Result removed = kubectl.stdin(DEPLOYMENT.formatted("web", 3, "gantry/httpd:2.0"), "apply", "-n", ns, "-f", "-");
        assertEquals("deployment.apps/web configured", removed.out().trim(), removed.both());
        assertEquals(1, json(kubectl, "get", "deployment", "web", "-n", ns, "-o", "json")
                .at("/spec/template/spec/containers").size());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void applyServerSideWithAConflict(String version) throws Exception {
        Kubectl kubectl = kubectl(version);
        String ns = namespace(kubectl, "ssa", version);

        Result created = kubectl.stdin(DEPLOYMENT.formatted("web", 1, "gantry/httpd:1.0"),
                "apply", "--server-side", "-n", ns, "-f", "-");
        assertEquals("deployment.apps/web serverside-applied", created.out().trim(), created.both());
        Result changed = kubectl.stdin(DEPLOYMENT.formatted("web", 2, "gantry/httpd:1.0"),
                "apply", "--server-side", "-n", ns, "-f", "-");
        assertEquals("deployment.apps/web serverside-applied", changed.out().trim(), changed.both());
        JsonNode web = json(kubectl, "get", "deployment", "web", "-n", ns, "-o", "json", "--show-managed-fields");
        assertEquals(2, web.at("/spec/replicas").asInt());
        JsonNode managed = web.at("/metadata/managedFields/0");
        assertEquals("kubectl", managed.path("manager").asText(), web.at("/metadata/managedFields").toString());
        assertEquals("Apply", managed.path("operation").asText());
        assertTrue(managed.at("/fieldsV1/f:spec").has("f:replicas"), managed.toString());

        Result conflict = kubectl.stdin(DEPLOYMENT.formatted("web", 5, "gantry/httpd:1.0"),
                "apply", "--server-side", "--field-manager=autoscaler", "-n", ns, "-f", "-");
        assertNotEquals(0, conflict.code());
        assertTrue(conflict.err().startsWith("error: Apply failed with 1 conflict: conflict with \"kubectl\""),
                conflict.both());
        assertTrue(conflict.err().contains(".spec.replicas"), conflict.both());
        assertEquals(2, json(kubectl, "get", "deployment", "web", "-n", ns, "-o", "json").at("/spec/replicas").asInt(),
                "a conflicting apply changes nothing");

        Result forced = kubectl.stdin(DEPLOYMENT.formatted("web", 5, "gantry/httpd:1.0"),
                "apply", "--server-side", "--field-manager=autoscaler", "--force-conflicts", "-n", ns, "-f", "-");
        assertEquals("deployment.apps/web serverside-applied", forced.out().trim(), forced.both());
        JsonNode after = json(kubectl, "get", "deployment", "web", "-n", ns, "-o", "json", "--show-managed-fields");
        assertEquals(5, after.at("/spec/replicas").asInt());
        for (JsonNode entry : after.at("/metadata/managedFields")) {
            boolean ownsReplicas = entry.at("/fieldsV1/f:spec").has("f:replicas");
            assertEquals(entry.path("manager").asText().equals("autoscaler"), ownsReplicas,
                    "the forced apply took .spec.replicas over: " + after.at("/metadata/managedFields"));
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void patchOfEveryType(String version) throws Exception {
        Kubectl kubectl = kubectl(version);
        String ns = namespace(kubectl, "patch", version);
        kubectl.stdin(DEPLOYMENT.formatted("web", 1, "gantry/httpd:1.0"), "create", "-n", ns, "-f", "-");

        Result merge = kubectl.run("patch", "deployment", "web", "-n", ns, "--type=merge",
                "-p", "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}");
        assertEquals("deployment.apps/web patched", merge.out().trim(), merge.both());
        Result json = kubectl.run("patch", "deployment", "web", "-n", ns, "--type=json",
                "-p", "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":4}]");
        assertEquals("deployment.apps/web patched", json.out().trim(), json.both());
        Result strategic = kubectl.run("patch", "deployment", "web", "-n", ns, "--type=strategic",
                "-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"httpd\",\"image\":\"gantry/httpd:3.0\"}]}}}}");
        assertEquals("deployment.apps/web patched", strategic.out().trim(), strategic.both());
        Result image = kubectl.run("set", "image", "deployment/web", "-n", ns, "httpd=gantry/httpd:3.1");
        assertEquals("deployment.apps/web image updated", image.out().trim(), image.both());
        // kubectl edit: the editor is a script that changes the image back, as a user would by hand
        Path editor = dir.resolve("editor-" + version + ".sh");
        Files.writeString(editor, "#!/bin/sh\nsed -i 's|gantry/httpd:3.1|gantry/httpd:3.0|' \"$1\"\n");
        assertTrue(editor.toFile().setExecutable(true));
        Result edited = kubectl.run(null, Map.of("EDITOR", editor.toString(), "KUBE_EDITOR", editor.toString()),
                "edit", "deployment", "web", "-n", ns);
        assertEquals("deployment.apps/web edited", edited.out().trim(), edited.both());
        Result noChange = kubectl.run("patch", "deployment", "web", "-n", ns, "--type=merge",
                "-p", "{\"metadata\":{\"labels\":{\"tier\":\"front\"}}}");
        assertEquals("deployment.apps/web patched (no change)", noChange.out().trim(), noChange.both());

        JsonNode web = json(kubectl, "get", "deployment", "web", "-n", ns, "-o", "json");
        assertEquals("front", web.at("/metadata/labels/tier").asText());
        assertEquals("web", web.at("/metadata/labels/app").asText(), "a merge patch keeps what it does not name");
        assertEquals(4, web.at("/spec/replicas").asInt());
        assertEquals(5, web.at("/metadata/generation").asInt(), "created, then four changes of the spec");
        JsonNode container = web.at("/spec/template/spec/containers/0");
        assertEquals("gantry/httpd:3.0", container.path("image").asText());
        assertEquals(80, container.at("/ports/0/containerPort").asInt(), "strategic merge keeps the container's ports");

        Result failedTest = kubectl.run("patch", "deployment", "web", "-n", ns, "--type=json",
                "-p", "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":9},"
                        + "{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":9}]");
        assertNotEquals(0, failedTest.code());
        assertTrue(failedTest.err().contains("testing value /spec/replicas failed"), failedTest.both());
        Result invalid = kubectl.run("patch", "deployment", "web", "-n", ns, "--type=merge",
                "-p", "{\"spec\":{\"replicas\":-1}}");
        assertNotEquals(0, invalid.code());
        assertTrue(invalid.err().contains("The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1"),
                invalid.both());
        assertEquals(4, json(kubectl, "get", "deployment", "web", "-n", ns, "-o", "json").at("/spec/replicas").asInt(),
                "failed patches change nothing");
    }

    @ParameterizedTest
    @MethodSource("versions")
    void scaleAndDelete(String version) throws Exception {
        Kubectl kubectl = kubectl(version);
        String ns = namespace(kubectl, "scale", version);
        kubectl.stdin(DEPLOYMENT.formatted("web", 1, "gantry/httpd:1.0"), "create", "-n", ns, "-f", "-");

        Result scaled = kubectl.run("scale", "deployment", "web", "-n", ns, "--replicas=3");
        assertEquals("deployment.apps/web scaled", scaled.out().trim(), scaled.both());
        assertEquals(3, json(kubectl, "get", "deployment", "web", "-n", ns, "-o", "json").at("/spec/replicas").asInt());
        Result precondition = kubectl.run("scale", "deployment", "web", "-n", ns, "--current-replicas=2", "--replicas=1");
        assertNotEquals(0, precondition.code());
        assertTrue(precondition.err().contains("Expected replicas to be 2, was 3"), precondition.both());

        assertEquals(0, kubectl.run("create", "configmap", "gone", "-n", ns, "--from-literal=a=b").code());
        Result deleted = kubectl.run("delete", "configmap", "gone", "-n", ns);
        assertEquals("configmap \"gone\" deleted", deleted.out().trim(), deleted.both());
        Result waited = kubectl.run("delete", "deployment", "web", "-n", ns, "--wait", "--timeout=30s");
        assertEquals("deployment.apps \"web\" deleted", waited.out().trim(), waited.both());
        Result missing = kubectl.run("get", "deployment", "web", "-n", ns);
        assertEquals("Error from server (NotFound): deployments.apps \"web\" not found", missing.err().trim());
        Result again = kubectl.run("delete", "configmap", "gone", "-n", ns);
        assertEquals("Error from server (NotFound): configmaps \"gone\" not found", again.err().trim());
        Result ignored = kubectl.run("delete", "configmap", "gone", "-n", ns, "--ignore-not-found");
        assertEquals(0, ignored.code(), ignored.both());

        Result namespace = kubectl.run("delete", "namespace", ns, "--wait", "--timeout=30s");
        assertEquals("namespace \"" + ns + "\" deleted", namespace.out().trim(), namespace.both());
        assertEquals("Error from server (NotFound): namespaces \"" + ns + "\" not found",
                kubectl.run("get", "namespace", ns).err().trim());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void getWatchSeesAChange(String version) throws Exception {
        Kubectl kubectl = kubectl(version);
        String ns = namespace(kubectl, "watch", version);
        assertEquals(0, kubectl.run("create", "configmap", "seen", "-n", ns, "--from-literal=a=1").code());

        Path out = dir.resolve("watch-" + version + ".out");
        Process watch = new ProcessBuilder(kubectl.command("get", "configmaps", "-n", ns, "--watch",
                "--request-timeout=60s")).redirectOutput(out.toFile())
                .redirectError(dir.resolve("watch-" + version + ".err").toFile()).start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out).lines()
                    .anyMatch(l -> l.matches("seen\\s+1\\s+\\d+s")));
            Result patched = kubectl.run("patch", "configmap", "seen", "-n", ns, "--type=merge",
                    "-p", "{\"data\":{\"b\":\"2\"}}");
            assertEquals("configmap/seen patched", patched.out().trim(), patched.both());
            await().atMost(Duration.ofSeconds(30)).until(() -> Files.readString(out).lines()
                    .anyMatch(l -> l.matches("seen\\s+2\\s+\\d+s")));
            assertTrue(Files.readString(out).lines().findFirst().orElse("").matches("NAME\\s+DATA\\s+AGE"),
                    Files.readString(out));
        } finally {
            watch.destroy();
            watch.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @ParameterizedTest
    @MethodSource("versions")
    void serverDryRunDiffReplaceAndSelectors(String version) throws Exception {
        Kubectl kubectl = kubectl(version);
        String ns = namespace(kubectl, "diff", version);

        Result dryRun = kubectl.run("create", "configmap", "draft", "-n", ns, "--from-literal=a=b", "--dry-run=server",
                "-o", "name");
        assertEquals("configmap/draft", dryRun.out().trim(), dryRun.both());
        assertEquals("Error from server (NotFound): configmaps \"draft\" not found",
                kubectl.run("get", "configmap", "draft", "-n", ns).err().trim(), "a server dry run stores nothing");

        assertEquals(0, kubectl.stdin(DEPLOYMENT.formatted("web", 1, "gantry/httpd:1.0"), "apply", "-n", ns, "-f", "-")
                .code());
        // kubectl diff asks the server for a dry-run apply and compares it with the live object
        Result diff = kubectl.stdin(DEPLOYMENT.formatted("web", 3, "gantry/httpd:1.0"), "diff", "-n", ns, "-f", "-");
        assertEquals(1, diff.code(), diff.both());
        assertLine("-  replicas: 1", diff);
        assertLine("\\+  replicas: 3", diff);
        assertLine("-  generation: 1", diff);
        assertLine("\\+  generation: 2", diff);
        Result same = kubectl.stdin(DEPLOYMENT.formatted("web", 1, "gantry/httpd:1.0"), "diff", "-n", ns, "-f", "-");
        assertEquals(0, same.code(), same.both());
        assertEquals(1, json(kubectl, "get", "deployment", "web", "-n", ns, "-o", "json").at("/spec/replicas").asInt(),
                "diff changed nothing");

        Result replaced = kubectl.stdin(DEPLOYMENT.formatted("web", 3, "gantry/httpd:1.0"), "replace", "-n", ns, "-f", "-");
        assertEquals("deployment.apps/web replaced", replaced.out().trim(), replaced.both());
        Result wide = kubectl.run("get", "deployments", "-n", ns, "-o", "wide", "-l", "app=web");
        assertTrue(wide.out().lines().findFirst().orElse("").matches(
                "NAME\\s+READY\\s+UP-TO-DATE\\s+AVAILABLE\\s+AGE\\s+CONTAINERS\\s+IMAGES\\s+SELECTOR"), wide.both());
        assertLine("web\\s+0/3\\s+0\\s+0\\s+\\d+s\\s+httpd\\s+gantry/httpd:1.0\\s+app=web", wide);
        Result none = kubectl.run("get", "deployments", "-n", ns, "-l", "app notin (web)");
        assertEquals("No resources found in " + ns + " namespace.", none.err().trim(), none.both());
        Result phase = kubectl.run("get", "namespaces", "--field-selector", "status.phase=Active", "-o", "name");
        assertTrue(phase.out().lines().anyMatch(("namespace/" + ns)::equals), phase.both());
        Result badField = kubectl.run("get", "deployments", "-n", ns, "--field-selector", "spec.paused=true");
        assertNotEquals(0, badField.code());
        assertTrue(badField.err().contains("field label not supported: spec.paused"), badField.both());

        Result deleted = kubectl.stdin(DEPLOYMENT.formatted("web", 3, "gantry/httpd:1.0"), "delete", "-n", ns, "-f", "-");
        assertEquals("deployment.apps \"web\" deleted", deleted.out().trim(), deleted.both());
    }

    @ParameterizedTest
    @MethodSource("versions")
    void explainApiResourcesAndGetAll(String version) throws Exception {
        Kubectl kubectl = kubectl(version);
        String ns = namespace(kubectl, "all", version);

        Result explain = kubectl.run("explain", "pod.spec.containers");
        assertEquals(0, explain.code(), explain.both());
        assertLine("KIND:\\s+Pod", explain);
        assertLine("VERSION:\\s+v1", explain);
        assertLine("FIELD:\\s+containers\\s+<\\[\\]Container>", explain);
        assertLine("\\s+image\\s+<string>", explain);
        assertLine("\\s+name\\s+<string>.*", explain);
        Result unknownField = kubectl.run("explain", "pod.spec.nosuchfield");
        assertNotEquals(0, unknownField.code());
        assertTrue(unknownField.err().contains("field \"nosuchfield\" does not exist"), unknownField.both());

        Result resources = kubectl.run("api-resources");
        assertEquals(0, resources.code(), resources.both());
        assertTrue(resources.out().lines().findFirst().orElse("")
                .matches("NAME\\s+SHORTNAMES\\s+APIVERSION\\s+NAMESPACED\\s+KIND"), resources.both());
        assertLine("pods\\s+po\\s+v1\\s+true\\s+Pod", resources);
        assertLine("namespaces\\s+ns\\s+v1\\s+false\\s+Namespace", resources);
        assertLine("configmaps\\s+cm\\s+v1\\s+true\\s+ConfigMap", resources);
        assertLine("services\\s+svc\\s+v1\\s+true\\s+Service", resources);
        assertLine("serviceaccounts\\s+sa\\s+v1\\s+true\\s+ServiceAccount", resources);
        assertLine("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment", resources);
        assertLine("replicasets\\s+rs\\s+apps/v1\\s+true\\s+ReplicaSet", resources);
        Result namespaced = kubectl.run("api-resources", "--namespaced=false", "-o", "name");
        assertTrue(namespaced.out().lines().anyMatch("nodes"::equals), namespaced.both());
        assertTrue(namespaced.out().lines().noneMatch("pods"::equals), namespaced.both());

        assertEquals(0, kubectl.stdin(DEPLOYMENT.formatted("web", 1, "gantry/httpd:1.0"), "create", "-n", ns, "-f", "-")
                .code());
        assertEquals(0, kubectl.stdin(POD.formatted("solo"), "create", "-n", ns, "-f", "-").code());
        assertEquals(0, kubectl.run("create", "service", "clusterip", "front", "-n", ns, "--tcp=80:8080").code());
        assertEquals(0, kubectl.run("create", "configmap", "notincluded", "-n", ns, "--from-literal=a=b").code());
        Result all = kubectl.run("get", "all", "-n", ns);
        assertEquals(0, all.code(), all.both());
        assertLine("pod/solo\\s+0/1\\s+Pending\\s+0\\s+\\d+s", all);
        assertLine("service/front\\s+ClusterIP\\s+.*<none>\\s+80/TCP\\s+\\d+s", all);
        assertLine("deployment.apps/web\\s+0/1\\s+0\\s+0\\s+\\d+s", all);
        assertTrue(all.out().lines().noneMatch(l -> l.contains("notincluded")), "config maps are not in 'all'");
    }
}
