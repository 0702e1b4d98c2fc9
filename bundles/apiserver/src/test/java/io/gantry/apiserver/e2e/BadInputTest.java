package io.gantry.apiserver.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.json.Json;
import io.gantry.apiserver.TestApiServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Bad requests over HTTP, one row each: the answer is the Kubernetes Status users know (code,
 * reason, the field it names, words of its message), never a Java class name, and the store is
 * exactly as before (same revision, same bytes). Rows that succeed (warnings, dry runs) prove
 * the same: nothing was written.
 */
class BadInputTest {

    private static final String JSON = "application/json";
    private static final String YAML = "application/yaml";
    private static final String PROTOBUF = "application/vnd.kubernetes.protobuf";
    private static final String MERGE = "application/merge-patch+json";
    private static final String JSON_PATCH = "application/json-patch+json";
    private static final String STRATEGIC = "application/strategic-merge-patch+json";
    private static final String APPLY = "application/apply-patch+yaml";

    private static final String NS = "/api/v1/namespaces/bad";
    private static final String CONFIGMAPS = NS + "/configmaps";
    private static final String PODS = NS + "/pods";
    private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/bad/deployments";
    private static final String SERVICES = NS + "/services";
    /** Words that would betray the implementation language in a user-facing message. */
    private static final Pattern JAVA = Pattern.compile(
            "java\\.|javax\\.|io\\.gantry|com\\.fasterxml|jackson|Exception|byte\\[\\]|\\bclass\\b|Source: \\(");

    static TestApiServer server;
    static HttpClient http;
    static String podVersion;
    static String configMapVersion;

    /** One bad request and what Kubernetes answers to it. */
    record Row(String name, String method, String path, String query, String contentType, byte[] body,
               int code, String reason, String field, String message, String warning) {

        @Override
        public String toString() {
            return name;
        }

        Row warns(String words) {
            return new Row(name, method, path, query, contentType, body, code, reason, field, message, words);
        }
    }

    private static Row row(String name, String method, String path, String query, String contentType, String body,
                           int code, String reason, String field, String message) {
        return new Row(name, method, path, query, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                code, reason, field, message, null);
    }

    private static Row bytes(String name, String method, String path, String query, String contentType, byte[] body,
                             int code, String reason, String field, String message) {
        return new Row(name, method, path, query, contentType, body, code, reason, field, message, null);
    }

    @BeforeAll
    static void start() throws Exception {
        // no namespace controller: a deleted namespace stays Terminating, and nothing writes behind the rows' backs
        server = new TestApiServer(false);
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        send("POST", "/api/v1/namespaces", "", JSON, "{\"metadata\":{\"name\":\"bad\"}}", 201);
        send("POST", "/api/v1/namespaces", "", JSON, "{\"metadata\":{\"name\":\"closing\"}}", 201);
        sendBytes("DELETE", "/api/v1/namespaces/closing", "", JSON, null, -1);
        send("POST", CONFIGMAPS, "", JSON, configMap("cm", "{\"a\":\"1\"}"), 201);
        send("POST", CONFIGMAPS, "", JSON, "{\"metadata\":{\"name\":\"frozen\"},\"immutable\":true,\"data\":{\"a\":\"1\"}}", 201);
        send("POST", NS + "/secrets", "", JSON, "{\"metadata\":{\"name\":\"sec\"},\"type\":\"Opaque\",\"data\":{}}", 201);
        send("POST", PODS, "", JSON, pod("p", "gantry/httpd:1.0"), 201);
        send("POST", DEPLOYMENTS, "", JSON, deployment("d", "web"), 201);
        send("POST", SERVICES, "", JSON, "{\"metadata\":{\"name\":\"svc\"},\"spec\":{\"selector\":{\"app\":\"web\"},"
                + "\"clusterIP\":\"127.96.0.10\",\"ports\":[{\"port\":80}]}}", 201);
        podVersion = get(PODS + "/p").at("/metadata/resourceVersion").asText();
        configMapVersion = get(CONFIGMAPS + "/cm").at("/metadata/resourceVersion").asText();
        assertEquals("Terminating", get("/api/v1/namespaces/closing").at("/status/phase").asText());
    }

    @AfterAll
    static void stop() throws Exception {
        server.close();
    }

    static String configMap(String name, String data) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name + "\"},\"data\":" + data + "}";
    }

    static String pod(String name, String image) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"" + image + "\"}]}}";
    }

    static String deployment(String name, String app) {
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"" + app + "\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + app + "\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"gantry/httpd:1.0\"}]}}}}";
    }

    /** The stored object at PATH with one change, for PUT rows (its resourceVersion kept). */
    static String changed(String path, String pointer, String json) {
        try {
            JsonNode object = get(path);
            String parent = pointer.substring(0, pointer.lastIndexOf('/'));
            String field = pointer.substring(pointer.lastIndexOf('/') + 1);
            ((com.fasterxml.jackson.databind.node.ObjectNode) object.at(parent)).set(field, Json.mapper().readTree(json));
            return object.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Stream<Row> rows() {
        String big = "x".repeat(300 * 1024);
        String huge = "x".repeat(5 * 1024 * 1024);
        List<Row> rows = new ArrayList<>(List.of(
                // names and required fields
                row("invalid name", "POST", CONFIGMAPS, "", JSON, configMap("Not_Valid", "{}"),
                        422, "Invalid", "metadata.name", "ConfigMap \"Not_Valid\" is invalid: metadata.name: Invalid value: \"Not_Valid\""),
                row("name too long for a label name", "POST", SERVICES, "", JSON,
                        "{\"metadata\":{\"name\":\"" + "s".repeat(64) + "\"},\"spec\":{\"ports\":[{\"port\":80}]}}",
                        422, "Invalid", "metadata.name", "must be no more than 63 characters"),
                row("no name", "POST", CONFIGMAPS, "", JSON, "{\"data\":{}}",
                        422, "Invalid", "metadata.name", "name or generateName is required"),
                row("pod without containers", "POST", PODS, "", JSON, "{\"metadata\":{\"name\":\"empty\"},\"spec\":{}}",
                        422, "Invalid", "spec.containers", "Required value"),
                row("container without image", "POST", PODS, "", JSON,
                        "{\"metadata\":{\"name\":\"noimage\"},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}",
                        422, "Invalid", "spec.containers[0].image", "Required value"),
                row("deployment whose selector misses the template", "POST", DEPLOYMENTS, "", JSON,
                        deployment("mismatch", "web").replace("\"labels\":{\"app\":\"web\"}", "\"labels\":{\"app\":\"other\"}"),
                        422, "Invalid", "spec.template.metadata.labels", "`selector` does not match template `labels`"),
                row("invalid label value", "POST", CONFIGMAPS, "", JSON,
                        "{\"metadata\":{\"name\":\"labelled\",\"labels\":{\"a\":\"-bad-\"}}}",
                        422, "Invalid", "metadata.labels", "Invalid value: \"-bad-\""),
                row("negative replicas", "POST", DEPLOYMENTS, "", JSON, deployment("neg", "web").replace("\"replicas\":1", "\"replicas\":-1"),
                        422, "Invalid", "spec.replicas", "must be greater than or equal to 0"),
                row("port out of range", "POST", SERVICES, "", JSON,
                        "{\"metadata\":{\"name\":\"range\"},\"spec\":{\"ports\":[{\"port\":70000}]}}",
                        422, "Invalid", "spec.ports[0].port", "must be between 1 and 65535, inclusive"),
                row("unknown service type", "POST", SERVICES, "", JSON,
                        "{\"metadata\":{\"name\":\"kind\"},\"spec\":{\"type\":\"Magic\",\"ports\":[{\"port\":80}]}}",
                        422, "Invalid", "spec.type", "Unsupported value: \"Magic\""),
                // wrong types: the field and the expected type, in Kubernetes' words
                row("containers as a string", "POST", PODS, "", JSON,
                        "{\"metadata\":{\"name\":\"t1\"},\"spec\":{\"containers\":\"nginx\"}}",
                        400, "BadRequest", "spec.containers", "spec.containers in body must be of type array: \"string\""),
                row("replicas as a word", "POST", DEPLOYMENTS, "", JSON, deployment("t2", "web").replace("\"replicas\":1", "\"replicas\":\"three\""),
                        400, "BadRequest", "spec.replicas", "spec.replicas in body must be of type integer: \"string\""),
                row("labels as a list", "POST", CONFIGMAPS, "", JSON, "{\"metadata\":{\"name\":\"t3\",\"labels\":[\"a\"]}}",
                        400, "BadRequest", "metadata.labels", "metadata.labels in body must be of type object: \"array\""),
                row("data value as a number", "POST", CONFIGMAPS, "", JSON, configMap("t4", "{\"a\":1}"),
                        400, "BadRequest", "data[a]", "data[a] in body must be of type string: \"integer\""),
                row("port as an object", "POST", SERVICES, "", JSON,
                        "{\"metadata\":{\"name\":\"t5\"},\"spec\":{\"ports\":[{\"port\":{\"n\":80}}]}}",
                        400, "BadRequest", "spec.ports[0].port", "spec.ports[0].port in body must be of type integer: \"object\""),
                row("a fraction where an integer goes", "POST", PODS, "", JSON,
                        pod("t6", "x").replace("]}}", "],\"terminationGracePeriodSeconds\":1.5}}"),
                        400, "BadRequest", "spec.terminationGracePeriodSeconds", "must be of type integer: \"number\""),
                // unknown and duplicate fields, by fieldValidation
                row("unknown field, Strict", "POST", CONFIGMAPS, "fieldValidation=Strict", JSON,
                        "{\"metadata\":{\"name\":\"u1\"},\"dta\":{}}",
                        400, "BadRequest", null, "strict decoding error: unknown field \"dta\""),
                row("unknown nested field, default Strict for kubectl", "POST", PODS, "fieldValidation=Strict", JSON,
                        pod("u2", "x").replace("\"image\":\"x\"", "\"image\":\"x\",\"imagePolicy\":\"Always\""),
                        400, "BadRequest", null, "unknown field \"spec.containers[0].imagePolicy\""),
                row("unknown field, Warn, dry run", "POST", CONFIGMAPS, "fieldValidation=Warn&dryRun=All", JSON,
                        "{\"metadata\":{\"name\":\"u3\"},\"dta\":{}}", 201, null, null, null)
                        .warns("unknown field \"dta\""),
                row("unknown field, Ignore, dry run", "POST", CONFIGMAPS, "fieldValidation=Ignore&dryRun=All", JSON,
                        "{\"metadata\":{\"name\":\"u4\"},\"dta\":{}}", 201, null, null, null),
                row("duplicate field, Strict", "POST", CONFIGMAPS, "fieldValidation=Strict", JSON,
                        "{\"metadata\":{\"name\":\"dup\",\"name\":\"dup2\"}}",
                        400, "BadRequest", null, "duplicate field \"metadata.name\""),
                row("duplicate field in YAML, Strict", "POST", CONFIGMAPS, "fieldValidation=Strict", YAML,
                        "metadata:\n  name: dup\ndata:\n  a: '1'\n  a: '2'\n",
                        400, "BadRequest", null, "duplicate field"),
                row("duplicate field, Warn, dry run", "POST", CONFIGMAPS, "fieldValidation=Warn&dryRun=All", JSON,
                        "{\"metadata\":{\"name\":\"dup\"},\"data\":{\"a\":\"1\",\"a\":\"2\"}}", 201, null, null, null)
                        .warns("duplicate field"),
                // immutable fields and stale versions on update
                row("immutable config map data", "PUT", CONFIGMAPS + "/frozen", "", JSON,
                        changed(CONFIGMAPS + "/frozen", "/data", "{\"a\":\"2\"}"),
                        422, "Invalid", "data", "field is immutable when `immutable` is set"),
                row("secret type changed", "PUT", NS + "/secrets/sec", "", JSON,
                        changed(NS + "/secrets/sec", "/type", "\"kubernetes.io/tls\""),
                        422, "Invalid", "type", "field is immutable"),
                row("deployment selector changed", "PUT", DEPLOYMENTS + "/d", "", JSON,
                        changed(DEPLOYMENTS + "/d", "/spec/selector", "{\"matchLabels\":{\"app\":\"web\",\"x\":\"y\"}}"),
                        422, "Invalid", "spec.selector", "field is immutable"),
                row("service clusterIP changed", "PUT", SERVICES + "/svc", "", JSON,
                        changed(SERVICES + "/svc", "/spec/clusterIP", "\"10.0.0.11\""),
                        422, "Invalid", "spec.clusterIPs[0]", "spec.clusterIPs[0]: Invalid value: []string{\"10.0.0.11\"}: may not change once set"),
                row("pod spec beyond image changed", "PUT", PODS + "/p", "", JSON,
                        changed(PODS + "/p", "/spec/restartPolicy", "\"Never\""),
                        422, "Invalid", "spec", "pod updates may not change fields other than"),
                row("stale resourceVersion", "PUT", CONFIGMAPS + "/cm", "", JSON,
                        changed(CONFIGMAPS + "/cm", "/metadata/resourceVersion", "\"1\""),
                        409, "Conflict", null, "Operation cannot be fulfilled on configmaps \"cm\": the object has been "
                                + "modified; please apply your changes to the latest version and try again"),
                row("name differs from the URL", "PUT", CONFIGMAPS + "/cm", "", JSON, configMap("other", "{}"),
                        400, "BadRequest", null, "does not match the name on the URL"),
                row("namespace differs from the URL", "POST", CONFIGMAPS, "", JSON,
                        "{\"metadata\":{\"name\":\"elsewhere\",\"namespace\":\"default\"}}",
                        400, "BadRequest", null, "the namespace of the provided object does not match the namespace sent on the request"),
                row("kind differs from the resource", "POST", CONFIGMAPS, "", JSON,
                        "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"wrongkind\"}}",
                        400, "BadRequest", null, "Secret"),
                // selectors and query parameters
                row("bad label selector", "GET", CONFIGMAPS, "labelSelector=a%20in%20(b", null, null,
                        400, "BadRequest", null, "unable to parse requirement"),
                row("unsupported field selector", "GET", CONFIGMAPS, "fieldSelector=spec.foo%3Dbar", null, null,
                        400, "BadRequest", null, "field label not supported: spec.foo"),
                row("bad dryRun value", "POST", CONFIGMAPS, "dryRun=Some", JSON, configMap("dry", "{}"),
                        422, "Invalid", "dryRun", "CreateOptions.meta.k8s.io \"\" is invalid: dryRun: Unsupported value: \"Some\": supported values: \"All\""),
                row("bad fieldValidation value", "POST", CONFIGMAPS, "fieldValidation=Loose", JSON, configMap("fv", "{}"),
                        422, "Invalid", "fieldValidation", "CreateOptions.meta.k8s.io \"\" is invalid: fieldValidation: Unsupported value: \"Loose\""),
                row("bad propagationPolicy", "DELETE", CONFIGMAPS + "/cm", "propagationPolicy=Sideways", null, null,
                        422, "Invalid", "propagationPolicy", "DeleteOptions.meta.k8s.io \"\" is invalid: propagationPolicy: Unsupported value: \"Sideways\""),
                row("field manager over 128 characters", "POST", CONFIGMAPS, "fieldManager=" + "m".repeat(129), JSON,
                        configMap("fm", "{}"), 422, "Invalid", "fieldManager",
                        "CreateOptions.meta.k8s.io \"\" is invalid: fieldManager: Too long: may not be more than 128 bytes"),
                row("DeleteOptions with a wrong type", "DELETE", CONFIGMAPS + "/cm", "", JSON,
                        "{\"gracePeriodSeconds\":\"soon\"}", 400, "BadRequest", null,
                        "gracePeriodSeconds in body must be of type integer"),
                row("DeleteOptions that is not an object", "DELETE", CONFIGMAPS + "/cm", "", JSON, "[1]",
                        400, "BadRequest", null, "DeleteOptions"),
                row("delete with a stale uid precondition", "DELETE", CONFIGMAPS + "/cm", "", JSON,
                        "{\"preconditions\":{\"uid\":\"not-the-uid\"}}", 409, "Conflict", null,
                        "Precondition failed: UID in precondition: not-the-uid"),
                row("bad watch flag", "GET", CONFIGMAPS, "watch=maybe", null, null,
                        400, "BadRequest", null, "watch"),
                row("bad limit", "GET", CONFIGMAPS, "limit=ten", null, null,
                        400, "BadRequest", null, "limit"),
                // sizes
                row("annotations over 256 KiB", "POST", CONFIGMAPS, "", JSON,
                        "{\"metadata\":{\"name\":\"annotated\",\"annotations\":{\"big\":\"" + big + "\"}}}",
                        422, "Invalid", "metadata.annotations", "metadata.annotations: Too long: may not be more than 262144 bytes"),
                row("a 5 MB annotation", "POST", CONFIGMAPS, "", JSON,
                        "{\"metadata\":{\"name\":\"huge\",\"annotations\":{\"big\":\"" + huge + "\"}}}",
                        413, "RequestEntityTooLarge", null, "limit is 3145728"),
                row("a body over 3 MiB", "PUT", CONFIGMAPS + "/cm", "", JSON,
                        configMap("cm", "{\"a\":\"" + "y".repeat(3 * 1024 * 1024) + "\"}"),
                        413, "RequestEntityTooLarge", null, "limit is 3145728"),
                // malformed bodies
                row("truncated JSON", "POST", CONFIGMAPS, "", JSON, "{\"metadata\":{\"name\":",
                        400, "BadRequest", null, "the request body is not valid JSON (line 1, column 21)"),
                row("JSON array", "POST", CONFIGMAPS, "", JSON, "[1,2]",
                        400, "BadRequest", null, "must be an object"),
                row("empty body", "POST", CONFIGMAPS, "", JSON, "",
                        400, "BadRequest", null, "empty"),
                row("malformed YAML", "POST", CONFIGMAPS, "", YAML, "metadata: [name: x\n  data: {",
                        400, "BadRequest", null, "the request body is not valid YAML (line 2"),
                bytes("protobuf without its magic", "POST", CONFIGMAPS, "", PROTOBUF, new byte[] {1, 2, 3, 4, 5},
                        400, "BadRequest", null, null),
                bytes("protobuf with garbage after the magic", "POST", CONFIGMAPS, "", PROTOBUF,
                        new byte[] {0x6b, 0x38, 0x73, 0x00, 0x0a, 0x7f, 0x01, 0x02},
                        400, "BadRequest", null, null),
                row("unknown content type", "POST", CONFIGMAPS, "", "text/plain", configMap("plain", "{}"),
                        415, "UnsupportedMediaType", null, "application/json"),
                row("malformed merge patch", "PATCH", CONFIGMAPS + "/cm", "", MERGE, "{\"data\":",
                        400, "BadRequest", null, null),
                row("JSON patch that is not a list", "PATCH", CONFIGMAPS + "/cm", "", JSON_PATCH, "{\"op\":\"add\"}",
                        400, "BadRequest", null, null),
                row("JSON patch with an unknown op", "PATCH", CONFIGMAPS + "/cm", "", JSON_PATCH,
                        "[{\"op\":\"frobnicate\",\"path\":\"/data/a\"}]", 422, "Invalid", "patch", "the server rejected our request due to an error in our request"),
                row("strategic patch with a wrong type", "PATCH", DEPLOYMENTS + "/d", "", STRATEGIC,
                        "{\"spec\":{\"replicas\":\"many\"}}", 400, "BadRequest", "spec.replicas", "spec.replicas in body must be of type integer: \"string\""),
                row("scale with a wrong type", "PUT", DEPLOYMENTS + "/d/scale", "", JSON,
                        "{\"apiVersion\":\"autoscaling/v1\",\"kind\":\"Scale\",\"metadata\":{\"name\":\"d\"},"
                                + "\"spec\":{\"replicas\":\"a\"}}",
                        400, "BadRequest", "spec.replicas", "Scale in version \"v1\" cannot be handled as a Scale: "
                                + "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer"),
                row("scale patch with a wrong type", "PATCH", DEPLOYMENTS + "/d/scale", "", MERGE,
                        "{\"spec\":{\"replicas\":[3]}}", 400, "BadRequest", "spec.replicas",
                        "spec.replicas in body must be of type integer: \"array\""),
                row("negative scale", "PATCH", DEPLOYMENTS + "/d/scale", "", MERGE, "{\"spec\":{\"replicas\":-3}}",
                        422, "Invalid", "spec.replicas", "must be greater than or equal to 0"),
                row("apply without a field manager", "PATCH", CONFIGMAPS + "/cm", "", APPLY,
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n",
                        422, "Invalid", "fieldManager", "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required for apply patch"),
                row("patch of a missing object", "PATCH", CONFIGMAPS + "/nothere", "", MERGE, "{}",
                        404, "NotFound", null, "configmaps \"nothere\" not found"),
                // namespaces
                row("namespace missing", "POST", "/api/v1/namespaces/nowhere/configmaps", "", JSON, configMap("lost", "{}"),
                        404, "NotFound", null, "namespaces \"nowhere\" not found"),
                row("namespace terminating", "POST", "/api/v1/namespaces/closing/configmaps", "", JSON, configMap("late", "{}"),
                        403, "Forbidden", null, "unable to create new content in namespace closing because it is being terminated"),
                // dry runs write nothing
                row("dry-run create", "POST", CONFIGMAPS, "dryRun=All", JSON, configMap("dry", "{}"), 201, null, null, null),
                row("dry-run update", "PUT", CONFIGMAPS + "/cm", "dryRun=All", JSON,
                        changed(CONFIGMAPS + "/cm", "/data", "{\"a\":\"2\"}"), 200, null, null, null),
                row("dry-run merge patch", "PATCH", CONFIGMAPS + "/cm", "dryRun=All", MERGE,
                        "{\"data\":{\"b\":\"2\"}}", 200, null, null, null),
                row("dry-run apply", "PATCH", CONFIGMAPS + "/applied", "dryRun=All&fieldManager=t", APPLY,
                        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n", 201, null, null, null),
                row("dry-run scale", "PATCH", DEPLOYMENTS + "/d/scale", "dryRun=All", MERGE,
                        "{\"spec\":{\"replicas\":7}}", 200, null, null, null),
                row("dry-run delete", "DELETE", CONFIGMAPS + "/cm", "dryRun=All", null, null, 200, null, null, null),
                row("dry-run delete collection", "DELETE", CONFIGMAPS, "dryRun=All", null, null, 200, null, null, null),
                row("dry-run delete of a pod", "DELETE", PODS + "/p", "dryRun=All&gracePeriodSeconds=0", null, null,
                        200, null, null, null)));
        return rows.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void answeredAsKubernetesDoesAndNothingIsWritten(Row row) throws Exception {
        TestApiServer.Snapshot before = server.snapshot();
        HttpResponse<String> response = sendBytes(row.method, row.path, row.query, row.contentType, row.body, -1);
        String body = response.body();
        assertEquals(row.code, response.statusCode(), body);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith(JSON), response.headers().toString());
        assertFalse(JAVA.matcher(body).find(), "no Java names in " + body);
        List<String> warnings = response.headers().allValues("Warning");
        warnings.forEach(w -> assertFalse(JAVA.matcher(w).find(), "no Java names in " + w));
        if (row.warning != null) {
            assertTrue(warnings.stream().anyMatch(w -> w.startsWith("299 - ") && w.replace("\\\"", "\"").contains(row.warning)),
                    "a Warning header with " + row.warning + ": " + warnings);
        } else if (row.code < 300) {
            assertEquals(List.of(), warnings);
        }
        JsonNode status = Json.mapper().readTree(body);
        if (row.reason != null) {
            assertEquals("Status", status.path("kind").asText(), body);
            assertEquals("v1", status.path("apiVersion").asText(), body);
            assertEquals("Failure", status.path("status").asText(), body);
            assertEquals(row.code, status.path("code").asInt(), body);
            assertEquals(row.reason, status.path("reason").asText(), body);
            if (row.message != null) {
                assertTrue(status.path("message").asText().contains(row.message),
                        "message has \"" + row.message + "\": " + status.path("message").asText());
            }
            if (row.field != null) {
                List<String> fields = new ArrayList<>();
                status.at("/details/causes").forEach(c -> fields.add(c.path("field").asText()));
                assertTrue(fields.contains(row.field), "a cause names " + row.field + ": " + body);
            }
        }
        TestApiServer.Snapshot after = server.snapshot();
        assertEquals(before.revision(), after.revision(), "no revision was used");
        assertEquals(before.entries(), after.entries(), "the store is unchanged");
    }

    /** The server answers before the client has sent all of a too large body: the answer must still arrive. */
    @Test
    void tooLargeBodiesAreAnsweredNotCutOff() throws Exception {
        TestApiServer.Snapshot before = server.snapshot();
        byte[] body = ("{\"metadata\":{\"name\":\"huge\",\"annotations\":{\"big\":\"" + "x".repeat(5 * 1024 * 1024)
                + "\"}}}").getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < 8; i++) {
            HttpResponse<String> response = sendBytes("POST", CONFIGMAPS, "", JSON, body, 413);
            assertEquals("RequestEntityTooLarge", Json.mapper().readTree(response.body()).path("reason").asText());
        }
        assertEquals(before, server.snapshot());
    }

    private static JsonNode get(String path) throws Exception {
        HttpResponse<String> response = sendBytes("GET", path, "", null, null, 200);
        return Json.mapper().readTree(response.body());
    }

    private static HttpResponse<String> send(String method, String path, String query, String contentType, String body,
                                             int expected) throws Exception {
        return sendBytes(method, path, query, contentType, body == null ? null : body.getBytes(StandardCharsets.UTF_8),
                expected);
    }

    private static HttpResponse<String> sendBytes(String method, String path, String query, String contentType, byte[] body,
                                             int expected) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path
                        + (query == null || query.isEmpty() ? "" : "?" + query)))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (expected > 0) {
            assertEquals(expected, response.statusCode(), method + " " + path + ": " + response.body());
        }
        assertNotNull(response.body());
        return response;
    }
}
