package io.gantry.apiserver.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.json.Json;
import io.gantry.apiserver.TestApiServer;
import io.gantry.apiserver.schema.ProtobufCodec;
import io.gantry.apiserver.schema.Schemas;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Valid manifests of five kinds mutated at random (fixed seed, a fixed number of cases) and sent
 * over HTTP as creates, updates and patches in JSON, YAML and protobuf: no answer is a 5xx, no connection
 * breaks, every failure is a Kubernetes Status without Java names, and afterwards every stored
 * object still passes validation (it can be PUT back unchanged under fieldValidation=Strict).
 */
class FuzzTest {

    /** Fixed, so that a failure repeats; -Dgantry.fuzz.seed and -Dgantry.fuzz.cases explore further. */
    private static final long SEED = Long.getLong("gantry.fuzz.seed", 20261123L);
    private static final int CASES = Integer.getInteger("gantry.fuzz.cases", 3000);
    private static final String NS = "fuzz";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Pattern JAVA = Pattern.compile(
            "java\\.|javax\\.|io\\.gantry|com\\.fasterxml|jackson|Exception|byte\\[\\]|\\bclass\\b|Source: \\(");

    /** A kind to fuzz: its collection path and a valid object of it. */
    private record Seed(String collection, String manifest) {
    }

    private static final List<Seed> SEEDS = List.of(
            new Seed("/api/v1/namespaces/fuzz/pods", """
                    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"web"},
                     "annotations":{"note":"x"}},
                     "spec":{"containers":[{"name":"httpd","image":"gantry/httpd:1.0","ports":[{"containerPort":80}],
                       "env":[{"name":"A","value":"1"}],"resources":{"limits":{"cpu":"100m","memory":"64Mi"}}}],
                       "restartPolicy":"Always","terminationGracePeriodSeconds":5,
                       "tolerations":[{"key":"k","operator":"Exists","effect":"NoSchedule"}],
                       "volumes":[{"name":"v","emptyDir":{}}]}}"""),
            new Seed("/apis/apps/v1/namespaces/fuzz/deployments", """
                    {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"web"}},
                     "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
                       "strategy":{"type":"RollingUpdate","rollingUpdate":{"maxSurge":"25%","maxUnavailable":1}},
                       "template":{"metadata":{"labels":{"app":"web"}},
                         "spec":{"containers":[{"name":"httpd","image":"gantry/httpd:1.0",
                           "ports":[{"containerPort":80,"protocol":"TCP"}]}]}}}}"""),
            new Seed("/api/v1/namespaces/fuzz/services", """
                    {"apiVersion":"v1","kind":"Service","metadata":{"name":"s"},
                     "spec":{"type":"NodePort","selector":{"app":"web"},
                       "ports":[{"name":"http","port":80,"targetPort":8080,"nodePort":30080,"protocol":"TCP"}],
                       "sessionAffinity":"None"}}"""),
            new Seed("/api/v1/namespaces/fuzz/configmaps", """
                    {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c","labels":{"a":"b"}},
                     "data":{"key":"value","other.txt":"line\\n"},"binaryData":{"bin":"AAEC"}}"""),
            new Seed("/api/v1/namespaces/fuzz/secrets", """
                    {"apiVersion":"v1","kind":"Secret","metadata":{"name":"x"},"type":"Opaque",
                     "data":{"password":"c2VjcmV0"},"stringData":{"user":"admin"}}"""));

    /** Fields users and controllers should not be able to smuggle in, and some that are simply tricky. */
    private static final List<String> INTERESTING = List.of("/metadata/resourceVersion", "/metadata/uid",
            "/metadata/generation", "/metadata/deletionTimestamp", "/metadata/deletionGracePeriodSeconds",
            "/metadata/finalizers", "/metadata/ownerReferences", "/metadata/generateName", "/metadata/namespace",
            "/metadata/managedFields", "/metadata/creationTimestamp", "/metadata/selfLink", "/status", "/status/phase",
            "/spec/nodeName", "/spec/clusterIP", "/spec/clusterIPs", "/immutable", "/type", "/apiVersion", "/kind",
            "/spec/replicas", "/spec/paused", "/spec/selector", "/spec/template/metadata/labels");

    private static final ProtobufCodec PROTOBUF = new ProtobufCodec(new Schemas(), Json.mapper());

    private final Random random = new Random(SEED);
    private HttpClient http;
    private String url;

    @Test
    void mutatedManifestsNeverBreakTheServerOrItsState() throws Exception {
        try (TestApiServer server = new TestApiServer(false)) {
            url = server.url();
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            assertEquals(201, send("POST", "/api/v1/namespaces", "", "application/json",
                    bytes("{\"metadata\":{\"name\":\"fuzz\"}}")).statusCode());
            for (Seed seed : SEEDS) {
                HttpResponse<String> created = send("POST", seed.collection, "", "application/json", bytes(seed.manifest));
                assertEquals(201, created.statusCode(), created.body());
            }

            int[] byCode = new int[600];
            Map<String, int[]> byFormat = new java.util.TreeMap<>();
            for (int i = 0; i < CASES; i++) {
                Case c = nextCase(i);
                HttpResponse<String> response;
                try {
                    response = send(c.method, c.path, c.query, c.contentType, c.body);
                } catch (IOException e) {
                    throw new AssertionError("case " + i + " (seed " + SEED + ") broke the connection: " + c, e);
                }
                int code = response.statusCode();
                byCode[code]++;
                byFormat.computeIfAbsent(c.contentType, t -> new int[2])[code < 300 ? 0 : 1]++;
                if (code >= 500) {
                    fail("case " + i + " (seed " + SEED + ") got " + code + ": " + response.body() + "\n" + c);
                }
                assertFalse(JAVA.matcher(response.body()).find(), "case " + i + ": Java names in " + response.body());
                JsonNode answer = Json.mapper().readTree(response.body());
                if (code >= 400) {
                    assertEquals("Status", answer.path("kind").asText(), "case " + i + ": " + response.body());
                    assertEquals(code, answer.path("code").asInt(), "case " + i + ": " + response.body());
                    assertFalse(answer.path("reason").asText().isEmpty(), "case " + i + ": " + response.body());
                }
            }
            // both sides were exercised: many rejections, and many writes that went through
            int accepted = byCode[200] + byCode[201];
            assertTrue(accepted > CASES / 20, "accepted " + accepted + " of " + CASES);
            assertTrue(byCode[400] + byCode[422] > CASES / 5, "rejected " + (byCode[400] + byCode[422]) + " of " + CASES);
            byFormat.forEach((format, counts) -> assertTrue(counts[0] > 0 && counts[1] > 0,
                    format + " bodies were both accepted and refused: " + Arrays.toString(counts)));
            assertEquals(6, byFormat.size(), "JSON, YAML, protobuf and the three patch types: " + byFormat.keySet());

            int checked = 0;
            for (Seed seed : SEEDS) {
                HttpResponse<String> list = send("GET", seed.collection, "", null, null);
                assertEquals(200, list.statusCode(), list.body());
                for (JsonNode item : Json.mapper().readTree(list.body()).path("items")) {
                    String name = item.at("/metadata/name").asText();
                    HttpResponse<String> read = send("GET", seed.collection + "/" + name, "", null, null);
                    assertEquals(200, read.statusCode(), read.body());
                    HttpResponse<String> again = send("PUT", seed.collection + "/" + name, "fieldValidation=Strict",
                            "application/json", read.body().getBytes(StandardCharsets.UTF_8));
                    assertEquals(200, again.statusCode(), "stored " + name + " no longer validates: " + again.body()
                            + "\n" + read.body());
                    checked++;
                }
            }
            assertTrue(checked > SEEDS.size(), "objects stored and re-checked: " + checked);
        }
    }

    @Test
    void randomListQueriesNeverBreakTheServer() throws Exception {
        try (TestApiServer server = new TestApiServer(false)) {
            url = server.url();
            http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            for (int i = 0; i < 10; i++) {
                assertEquals(201, send("POST", "/api/v1/namespaces/default/configmaps", "", "application/json",
                        bytes("{\"metadata\":{\"name\":\"c" + i + "\",\"labels\":{\"n\":\"" + i + "\"}}}")).statusCode());
            }
            List<String> words = List.of("", "a", "n", "n=1", "n==1", "n!=1", "n in (1,2)", "n notin (1)", "!n", "n,", "=",
                    "in", "(", "n in (", "n=1,,m", "metadata.name=c1", "metadata.namespace!=x", "spec.x=1", "a b",
                    "n=" + "v".repeat(70), "n in ()", "n=1=2", "%zz", "\u00fc=1", "x.y/z=1", "-1", "0", "1", "5",
                    "99999999999999999999", "abc", "eyJydiI6MX0", "bm90IGpzb24", "AAAA", "true", "Exact", "NotOlderThan");
            int ok = 0;
            for (int i = 0; i < 600; i++) {
                List<String> parts = new ArrayList<>();
                for (String parameter : List.of("labelSelector", "fieldSelector", "limit", "continue", "resourceVersion",
                        "resourceVersionMatch", "watch", "timeoutSeconds", "allowWatchBookmarks", "sendInitialEvents")) {
                    if (random.nextInt(3) == 0) {
                        parts.add(parameter + "=" + java.net.URLEncoder.encode(pick(words), StandardCharsets.UTF_8));
                    }
                }
                String query = String.join("&", parts);
                if (query.contains("watch=")) {
                    // a watch that would stream: bound it, as clients do
                    query += "&timeoutSeconds=1";
                }
                String path = random.nextBoolean() ? "/api/v1/namespaces/default/configmaps" : "/api/v1/configmaps";
                HttpResponse<String> response;
                try {
                    response = send("GET", path, query, null, null);
                } catch (IOException e) {
                    throw new AssertionError("GET " + path + "?" + query + " broke the connection", e);
                }
                assertTrue(response.statusCode() < 500, "GET " + path + "?" + query + ": " + response.body());
                assertFalse(JAVA.matcher(response.body()).find(), "GET " + path + "?" + query + ": " + response.body());
                if (response.statusCode() == 200) {
                    ok++;
                }
            }
            assertTrue(ok > 60, "lists answered: " + ok);
        }
    }

    /** One request of the fuzz. */
    private record Case(String method, String path, String query, String contentType, byte[] body) {

        @Override
        public String toString() {
            String text = new String(body == null ? new byte[0] : body, StandardCharsets.UTF_8);
            return method + " " + path + "?" + query + " " + contentType + "\n"
                    + (text.length() > 2000 ? text.substring(0, 2000) + "..." : text);
        }
    }

    private Case nextCase(int i) throws IOException {
        Seed seed = SEEDS.get(random.nextInt(SEEDS.size()));
        ObjectNode object = (ObjectNode) Json.mapper().readTree(seed.manifest);
        String baseName = object.at("/metadata/name").asText();
        String query = query();
        int verb = random.nextInt(10);
        if (verb < 5) {
            object.with("metadata").put("name", baseName + "-" + i);
            mutate(object, 1 + random.nextInt(3));
            return withBody(new Case("POST", seed.collection, query, "", null), object);
        }
        if (verb < 7) {
            // an update of the seed object (or of one the fuzz made), from what is stored now
            String name = random.nextBoolean() ? baseName : baseName + "-" + random.nextInt(Math.max(1, i));
            HttpResponse<String> current = send("GET", seed.collection + "/" + name, "", null, null);
            ObjectNode stored = current.statusCode() == 200 ? (ObjectNode) Json.mapper().readTree(current.body()) : object;
            if (random.nextInt(4) == 0) {
                stored.with("metadata").remove("resourceVersion");
            }
            mutate(stored, 1 + random.nextInt(2));
            return withBody(new Case("PUT", seed.collection + "/" + name, query, "", null), stored);
        }
        String target = seed.collection + "/" + baseName;
        if (verb < 9) {
            ObjectNode patch = (ObjectNode) Json.mapper().readTree(seed.manifest);
            patch.remove(List.of("apiVersion", "kind"));
            patch.with("metadata").remove("name");
            mutate(patch, 1 + random.nextInt(3));
            String type = random.nextBoolean() ? "application/merge-patch+json" : "application/strategic-merge-patch+json";
            return new Case("PATCH", target, query, type, mangle(Json.bytes(patch)));
        }
        return new Case("PATCH", target, query, "application/json-patch+json", mangle(jsonPatch(object)));
    }

    private String query() {
        List<String> parts = new ArrayList<>();
        switch (random.nextInt(4)) {
            case 0 -> parts.add("fieldValidation=Strict");
            case 1 -> parts.add("fieldValidation=Warn");
            case 2 -> parts.add("fieldValidation=Ignore");
            default -> {
            }
        }
        if (random.nextInt(8) == 0) {
            parts.add("dryRun=All");
        }
        if (random.nextInt(10) == 0) {
            parts.add("fieldManager=fuzz");
        }
        return String.join("&", parts);
    }

    /** A JSON patch of a few random operations on paths of the object (or near them). */
    private byte[] jsonPatch(ObjectNode object) {
        List<String> paths = pointers(object, "");
        ArrayNode ops = NODES.arrayNode();
        for (int n = 1 + random.nextInt(3); n > 0; n--) {
            String path = random.nextInt(5) == 0 ? pick(INTERESTING) : pick(paths);
            String op = pick(List.of("add", "remove", "replace", "test", "move", "copy", "bogus"));
            ObjectNode operation = ops.addObject().put("op", op).put("path", random.nextInt(10) == 0 ? path + "/-" : path);
            if (op.equals("move") || op.equals("copy")) {
                operation.put("from", pick(paths));
            } else if (!op.equals("remove")) {
                operation.set("value", value(0));
            }
        }
        return Json.bytes(ops);
    }

    /** Mostly the bytes as they are; sometimes truncated, a byte flipped, or junk appended. */
    private byte[] mangle(byte[] body) {
        return switch (random.nextInt(12)) {
            case 0 -> Arrays.copyOf(body, random.nextInt(body.length + 1));
            case 1 -> {
                byte[] copy = body.clone();
                if (copy.length > 0) {
                    copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
                }
                yield copy;
            }
            case 2 -> (new String(body, StandardCharsets.UTF_8) + pick(List.of("}", "]", ",", "{\"a\":1}", "\u0000")))
                    .getBytes(StandardCharsets.UTF_8);
            default -> body;
        };
    }

    /** Some random changes: a field removed, replaced by a value of any type, or added. */
    private void mutate(ObjectNode object, int changes) {
        for (int n = 0; n < changes; n++) {
            List<String> paths = pointers(object, "");
            String path = random.nextInt(4) == 0 ? pick(INTERESTING) : pick(paths);
            String parentPath = path.substring(0, path.lastIndexOf('/'));
            String field = path.substring(path.lastIndexOf('/') + 1);
            JsonNode parent = parentPath.isEmpty() ? object : object.at(parentPath);
            if (parent.isMissingNode() || parent.isNull()) {
                parent = ensure(object, parentPath);
            }
            if (parent instanceof ObjectNode o) {
                switch (random.nextInt(5)) {
                    case 0 -> o.remove(field);
                    case 1 -> o.set("x" + random.nextInt(3) + field, value(0));
                    default -> o.set(field, value(0));
                }
            } else if (parent instanceof ArrayNode a && !a.isEmpty()) {
                int index = field.matches("\\d+") ? Math.min(Integer.parseInt(field), a.size() - 1) : 0;
                switch (random.nextInt(4)) {
                    case 0 -> a.remove(index);
                    case 1 -> a.add(a.get(index).deepCopy());
                    default -> a.set(index, value(0));
                }
            }
        }
    }

    /** Makes the objects along a pointer exist (replacing scalars on the way), so an interesting field can be set. */
    private static JsonNode ensure(ObjectNode root, String pointer) {
        ObjectNode at = root;
        for (String part : pointer.substring(1).split("/")) {
            JsonNode next = at.get(part);
            if (!(next instanceof ObjectNode)) {
                next = at.putObject(part);
            }
            at = (ObjectNode) next;
        }
        return at;
    }

    private JsonNode value(int depth) {
        return switch (random.nextInt(depth > 2 ? 9 : 12)) {
            case 0 -> NODES.textNode(pick(List.of("", "x", "web", "Always", "-", "a/b", "a.b", "UPPER", "10Gi", "100m",
                    "25%", "-1", "1.5", "true", "null", "\u00fcn\u00efc\u00f6d\u00e9", "\u0000", "line\nbreak",
                    "k8s\u0000", "2024-01-02T03:04:05Z", "not-a-time", "c2VjcmV0", "not base64!", "10.0.0.1",
                    "example.com/x", "a".repeat(300), "b".repeat(70_000))));
            case 1 -> NODES.numberNode(pick(List.of(0L, 1L, -1L, 80L, 65536L, 2147483648L, Long.MAX_VALUE, Long.MIN_VALUE)));
            case 2 -> NODES.numberNode(pick(List.of(1.5, -0.0, 1e308, 0.1)));
            case 3 -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
            case 4 -> NODES.booleanNode(random.nextBoolean());
            case 5 -> NODES.nullNode();
            case 6 -> NODES.objectNode();
            case 7 -> NODES.arrayNode();
            case 8 -> NODES.textNode("v" + random.nextInt(100));
            case 9 -> {
                ObjectNode object = NODES.objectNode();
                for (int n = random.nextInt(3); n >= 0; n--) {
                    object.set(pick(List.of("name", "image", "key", "value", "app", "port", "a", "containerPort",
                            "matchLabels", "effect", "x")), value(depth + 1));
                }
                yield object;
            }
            case 10 -> {
                ArrayNode array = NODES.arrayNode();
                for (int n = random.nextInt(3); n >= 0; n--) {
                    array.add(value(depth + 1));
                }
                yield array;
            }
            default -> {
                // a deeply nested value: parsers and walkers must not blow their stack
                JsonNode nested = NODES.textNode("deep");
                for (int n = 0; n < 300; n++) {
                    nested = random.nextBoolean() ? NODES.arrayNode().add(nested) : NODES.objectNode().set("a", nested);
                }
                yield nested;
            }
        };
    }

    /** Every JSON pointer in a tree, containers included. */
    private static List<String> pointers(JsonNode node, String at) {
        List<String> all = new ArrayList<>();
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                String path = at + "/" + entry.getKey().replace("~", "~0").replace("/", "~1");
                all.add(path);
                all.addAll(pointers(entry.getValue(), path));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                all.add(at + "/" + i);
                all.addAll(pointers(node.get(i), at + "/" + i));
            }
        }
        return all;
    }

    private <T> T pick(List<T> list) {
        return list.get(random.nextInt(list.size()));
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private HttpResponse<String> send(String method, String path, String query, String contentType, byte[] body)
            throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path + (query == null || query.isEmpty()
                        ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null && !contentType.isEmpty()) {
            request.header("Content-Type", contentType);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The case with the object as its body, in JSON or YAML, sometimes mangled. */
    private Case withBody(Case c, ObjectNode object) throws IOException {
        if (random.nextInt(6) == 0) {
            // as kubectl 1.33's create generators send it; only what the schema can carry survives encoding
            byte[] protobuf;
            try {
                protobuf = PROTOBUF.encode(object);
            } catch (RuntimeException cannotEncode) {
                protobuf = PROTOBUF.encode((ObjectNode) Json.mapper().readTree(SEEDS.get(0).manifest));
            }
            return new Case(c.method, c.path, c.query, ProtobufCodec.CONTENT_TYPE,
                    random.nextBoolean() ? protobuf : mangle(mangle(protobuf)));
        }
        if (random.nextInt(5) == 0) {
            return new Case(c.method, c.path, c.query, "application/yaml",
                    mangle(Json.yamlMapper().writeValueAsBytes(object)));
        }
        return new Case(c.method, c.path, c.query, "application/json", mangle(Json.bytes(object)));
    }
}
