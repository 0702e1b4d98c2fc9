package io.gantry.apiserver.patch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gantry.api.client.ApiException;
import io.gantry.api.meta.v1.Status;
import io.gantry.apiserver.Kubectl;
import io.gantry.apiserver.Kubectl.Result;
import io.kubernetes.client.proto.V1Apps;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * The patch bodies the real kubectl (1.27 and 1.33) sends for {@code apply} (client-side, twice),
 * {@code apply --server-side} (twice, with a conflict and --force-conflicts) and {@code patch} of
 * each type, captured by a small HTTP stub on loopback that serves discovery and applies each
 * patch with this package, so the test checks both what kubectl sends and what it gets back.
 */
class KubectlPatchBodiesTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/default/deployments";
    private static final String WEB = DEPLOYMENTS + "/web";

    private static final String V1 = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              strategy:
                type: RollingUpdate
                rollingUpdate: {maxSurge: 1}
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.25
                    ports:
                    - containerPort: 80
                    - containerPort: 443
                    env:
                    - {name: A, value: "1"}
                    - {name: B, value: "2"}
                  - name: sidecar
                    image: busybox
            """;

    private static final String V2 = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: default
            spec:
              replicas: 2
              selector:
                matchLabels: {app: web}
              strategy:
                type: Recreate
              template:
                metadata:
                  labels: {app: web}
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
                    ports:
                    - containerPort: 80
                    env:
                    - {name: A, value: "1"}
                    - {name: C, value: "3"}
            """;

    /** One request as the stub saw it. */
    record Request(String method, String path, Map<String, String> query, String contentType, String body) {
    }

    @TempDir
    Path dir;

    private HttpServer server;
    private final List<Request> requests = new ArrayList<>();
    private final Map<String, ObjectNode> objects = new HashMap<>();
    private Kubectl kubectl;

    private void use(String version) throws IOException {
        assumeTrue(Kubectl.installed(version), "kubectl " + version + " is not installed beside kubectl");
        kubectl = new Kubectl(version, dir.resolve("kubeconfig"), dir.resolve("kubectl"));
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
        Files.writeString(dir.resolve("kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: stub
                  cluster: {server: "http://127.0.0.1:%d"}
                contexts:
                - name: stub
                  context: {cluster: stub, namespace: default}
                current-context: stub
                """.formatted(server.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @ParameterizedTest(name = "kubectl {0}")
    @ValueSource(strings = {"1.27", "1.33"})
    void clientSideApplyTwiceSendsAStrategicMergePatchThatThisPackageApplies(String version) throws Exception {
        use(version);
        assertEquals(0, kubectl(V1, "apply", "-f", "-").code());
        Request create = only("POST");
        assertTrue(JSON.readTree(create.body).at("/metadata/annotations")
                .has("kubectl.kubernetes.io/last-applied-configuration"));

        Result second = kubectl(V2, "apply", "-f", "-");
        assertEquals(0, second.code(), second.err());
        Request patch = only("PATCH");
        assertEquals(StrategicMergePatch.MEDIA_TYPE, patch.contentType);
        JsonNode body = JSON.readTree(patch.body);
        JsonNode podSpec = body.at("/spec/template/spec");
        assertEquals(JSON.readTree("[{\"name\":\"web\"}]"), podSpec.get("$setElementOrder/containers"));
        assertTrue(podSpec.get("containers").toString().contains("{\"$patch\":\"delete\",\"name\":\"sidecar\"}"), patch.body);
        assertEquals(JSON.readTree("[\"type\"]"), body.at("/spec/strategy/$retainKeys"), patch.body);

        ObjectNode stored = objects.get(WEB);
        assertEquals(JSON.readTree("""
                [{"name":"web","image":"nginx:1.27","ports":[{"containerPort":80}],
                  "env":[{"name":"A","value":"1"},{"name":"C","value":"3"}]}]"""),
                stored.at("/spec/template/spec/containers"));
        assertEquals(JSON.readTree("{\"type\":\"Recreate\"}"), stored.at("/spec/strategy"));
        assertEquals("kubectl-client-side-apply", stored.at("/metadata/managedFields/0/manager").asText());

        // Moving to server-side apply: kubectl takes over what it applied client-side, no conflict.
        Result serverSide = kubectl(V2.replace("replicas: 2", "replicas: 3"), "apply", "--server-side", "-f", "-");
        assertEquals(0, serverSide.code(), serverSide.err());
        assertEquals(3, objects.get(WEB).at("/spec/replicas").asInt());
    }

    @ParameterizedTest(name = "kubectl {0}")
    @ValueSource(strings = {"1.27", "1.33"})
    void kubectlPatchOfEachType(String version) throws Exception {
        use(version);
        assertEquals(0, kubectl(V1, "apply", "-f", "-").code());

        Result json = kubectl(null, "patch", "deployment", "web", "--type=json",
                "-p", "[{\"op\":\"replace\",\"path\":\"/spec/template/spec/containers/0/image\",\"value\":\"nginx:1.26\"}]");
        assertEquals(0, json.code(), json.err());
        assertEquals(JsonPatch.MEDIA_TYPE, last("PATCH").contentType);
        assertEquals("nginx:1.26", objects.get(WEB).at("/spec/template/spec/containers/0/image").asText());

        Result merge = kubectl(null, "patch", "deployment", "web", "--type=merge", "-p", "{\"spec\":{\"replicas\":4}}");
        assertEquals(0, merge.code(), merge.err());
        assertEquals(JsonMergePatch.MEDIA_TYPE, last("PATCH").contentType);
        assertEquals(4, objects.get(WEB).at("/spec/replicas").asInt());

        Result strategic = kubectl(null, "patch", "deployment", "web",
                "-p", "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"sidecar\",\"image\":\"busybox:1.36\"}]}}}}");
        assertEquals(0, strategic.code(), strategic.err());
        assertEquals(StrategicMergePatch.MEDIA_TYPE, last("PATCH").contentType);
        JsonNode containers = objects.get(WEB).at("/spec/template/spec/containers");
        assertEquals(2, containers.size(), "merged by name, not replaced");
        assertEquals("busybox:1.36", containers.get(1).get("image").asText());
        assertEquals("kubectl-patch", last("PATCH").query.get("fieldManager"));

        Result failing = kubectl(null, "patch", "deployment", "web", "--type=json",
                "-p", "[{\"op\":\"test\",\"path\":\"/spec/replicas\",\"value\":9}]");
        assertEquals(1, failing.code());
        assertEquals("The request is invalid: patch: testing value /spec/replicas failed: test failed", failing.err().trim());
    }

    @ParameterizedTest(name = "kubectl {0}")
    @ValueSource(strings = {"1.27", "1.33"})
    void serverSideApplyTwiceThenAConflictThenForce(String version) throws Exception {
        use(version);
        Result first = kubectl(V1, "apply", "--server-side", "-f", "-");
        assertEquals(0, first.code(), first.err());
        Request apply = only("PATCH");
        assertEquals(ServerSideApply.MEDIA_TYPE, apply.contentType);
        assertEquals("kubectl", apply.query.get("fieldManager"));
        assertEquals("web", new YAMLMapper().readTree(apply.body).at("/metadata/name").asText());
        assertEquals("kubectl", objects.get(WEB).at("/metadata/managedFields/0/manager").asText());
        assertEquals("Apply", objects.get(WEB).at("/metadata/managedFields/0/operation").asText());

        Result second = kubectl(V2, "apply", "--server-side", "-f", "-");
        assertEquals(0, second.code(), second.err());
        JsonNode containers = objects.get(WEB).at("/spec/template/spec/containers");
        assertEquals(1, containers.size(), "the sidecar is no longer applied and nobody else owns it");
        assertEquals(JSON.readTree("[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"C\",\"value\":\"3\"}]"), containers.get(0).get("env"));

        assertEquals(0, kubectl(null, "patch", "deployment", "web", "--type=merge", "-p", "{\"spec\":{\"replicas\":5}}").code());
        Result conflict = kubectl(V2, "apply", "--server-side", "-f", "-");
        assertEquals(1, conflict.code());
        assertTrue(conflict.err().contains(
                "Apply failed with 1 conflict: conflict with \"kubectl-patch\" using apps/v1: .spec.replicas"), conflict.err());
        assertEquals(5, objects.get(WEB).at("/spec/replicas").asInt());

        Result forced = kubectl(V2, "apply", "--server-side", "--force-conflicts", "-f", "-");
        assertEquals(0, forced.code(), forced.err());
        assertEquals("true", last("PATCH").query.get("force"));
        assertEquals(2, objects.get(WEB).at("/spec/replicas").asInt());
    }

    // ---- the stub

    private synchronized void handle(HttpExchange exchange) throws IOException {
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String path = exchange.getRequestURI().getPath();
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        String method = exchange.getRequestMethod();
        String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
        requests.add(new Request(method, path, query, contentType == null ? null : contentType.split(";")[0], body));
        try {
            JsonNode answer = answer(method, path, query, contentType == null ? "" : contentType.split(";")[0], body);
            if (answer == null) {
                respond(exchange, 404, status(404, "NotFound", "the server could not find the requested resource"));
            } else {
                respond(exchange, method.equals("POST") ? 201 : 200, answer);
            }
        } catch (ApiException e) {
            respond(exchange, e.code(), JSON.valueToTree(e.status()));
        }
    }

    private JsonNode answer(String method, String path, Map<String, String> query, String contentType, String body)
            throws IOException {
        switch (path) {
            case "/api":
                return JSON.readTree("{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                        + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1\"}]}");
            case "/apis":
                return JSON.readTree("{\"kind\":\"APIGroupList\",\"apiVersion\":\"v1\",\"groups\":[{\"name\":\"apps\","
                        + "\"versions\":[{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}],"
                        + "\"preferredVersion\":{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}}]}");
            case "/api/v1":
                return JSON.readTree("{\"kind\":\"APIResourceList\",\"groupVersion\":\"v1\",\"resources\":[]}");
            case "/apis/apps/v1":
                return JSON.readTree("{\"kind\":\"APIResourceList\",\"groupVersion\":\"apps/v1\",\"resources\":[{\"name\":"
                        + "\"deployments\",\"singularName\":\"deployment\",\"namespaced\":true,\"kind\":\"Deployment\","
                        + "\"shortNames\":[\"deploy\"],\"verbs\":[\"create\",\"delete\",\"get\",\"list\",\"patch\",\"update\",\"watch\"]}]}");
            case "/version":
                return JSON.readTree("{\"major\":\"1\",\"minor\":\"33\",\"gitVersion\":\"v1.33.0\"}");
            default:
                break;
        }
        if (!path.startsWith(DEPLOYMENTS)) {
            return null;
        }
        Instant now = Instant.now();
        var kind = V1Apps.Deployment.getDescriptor();
        Set<String> status = Set.of("status");
        String manager = query.get("fieldManager");
        if (method.equals("POST")) {
            ObjectNode created = (ObjectNode) JSON.readTree(body);
            ObjectNode stored = ServerSideApply.update(kind, "apps/v1", null, null, created,
                    manager == null ? "kubectl-create" : manager, status, now);
            objects.put(DEPLOYMENTS + "/" + created.at("/metadata/name").asText(), stored);
            return stored;
        }
        ObjectNode live = objects.get(path);
        if (method.equals("GET")) {
            return live;
        }
        if (!method.equals("PATCH")) {
            return null;
        }
        ObjectNode result;
        if (contentType.equals(ServerSideApply.MEDIA_TYPE)) {
            result = ServerSideApply.apply(kind, "apps/v1", live, new YAMLMapper().readTree(body), manager,
                    "true".equals(query.get("force")), status, now);
        } else {
            if (live == null) {
                return null;
            }
            JsonNode patch = JSON.readTree(body);
            JsonNode patched = switch (contentType) {
                case JsonPatch.MEDIA_TYPE -> JsonPatch.apply(live, patch);
                case JsonMergePatch.MEDIA_TYPE -> JsonMergePatch.apply(live, patch);
                case StrategicMergePatch.MEDIA_TYPE -> StrategicMergePatch.apply(kind, live, patch);
                default -> throw ApiException.unsupportedMediaType(contentType);
            };
            result = ServerSideApply.update(kind, "apps/v1", null, live, (ObjectNode) patched, manager, status, now);
        }
        objects.put(path, result);
        return result;
    }

    private static JsonNode status(int code, String reason, String message) {
        return JSON.valueToTree(Status.failure(code, reason, message));
    }

    private static void respond(HttpExchange exchange, int code, JsonNode body) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(body);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                String key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                query.put(key, eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    private synchronized Request only(String method) {
        List<Request> matching = requests.stream().filter(r -> r.method.equals(method)).toList();
        assertEquals(1, matching.size(), "one " + method + " in " + requests);
        requests.clear();
        return matching.get(0);
    }

    private synchronized Request last(String method) {
        Request found = null;
        for (Request r : requests) {
            if (r.method.equals(method)) {
                found = r;
            }
        }
        assertNotNull(found, "a " + method + " in " + requests);
        return found;
    }

    // ---- kubectl

    /** Runs kubectl (apply without client-side validation, which would need OpenAPI from the stub), and forgets earlier requests. */
    private Result kubectl(String stdin, String... args) throws IOException, InterruptedException {
        synchronized (this) {
            requests.clear();
        }
        List<String> command = new ArrayList<>(List.of(args));
        if (command.contains("apply")) {
            command.add("--validate=false");
        }
        Result result = kubectl.stdin(stdin, command.toArray(String[]::new));
        assertFalse(result.err().contains("panic"), result.err());
        return result;
    }
}
