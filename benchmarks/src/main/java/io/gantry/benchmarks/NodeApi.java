package io.gantry.benchmarks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The HTTP API of the running node the benchmarks measure ({@code -Dgantry.api=URL}, by default
 * {@code http://127.0.0.1:8080}), and the requests several benchmarks share.
 */
final class NodeApi {

    static final String URL = System.getProperty("gantry.api", "http://127.0.0.1:8080");
    static final String NAMESPACE = "bench";
    static final String PODS = "/api/v1/namespaces/" + NAMESPACE + "/pods";

    private final HttpClient http;

    NodeApi() {
        this(client());
    }

    NodeApi(HttpClient http) {
        this.http = http;
    }

    /**
     * A client that speaks HTTP/1.1 at once: the JDK's default would first offer an upgrade to
     * HTTP/2 on every new connection, which no Kubernetes client does over plain HTTP.
     */
    static HttpClient client() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    }

    HttpClient http() {
        return http;
    }

    /** A request to the node with JSON in and out; {@code body} null for none. */
    static HttpRequest request(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(URL + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return request.build();
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return http.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> expect(int code, HttpResponse<String> response) {
        if (response.statusCode() != code) {
            throw new IllegalStateException("expected " + code + " from " + response.request().method() + " "
                    + response.request().uri() + ", got " + response.statusCode() + ": " + response.body());
        }
        return response;
    }

    /** Creates the benchmarks' namespace unless it exists; true when this call created it. */
    boolean ensureNamespace() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/namespaces",
                "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"" + NAMESPACE + "\"}}");
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            throw new IllegalStateException("cannot create namespace " + NAMESPACE + " (is a node running at " + URL
                    + "? ./gantry up): " + created.statusCode() + " " + created.body());
        }
        return created.statusCode() == 201;
    }

    /**
     * Deletes every pod of the benchmark's namespace with label {@code bench=RUN} in one request,
     * at once: a graceful delete would wait for a kubelet of the node the pods name, which does
     * not exist, and leave them Terminating for good.
     */
    void deletePods(String run) throws Exception {
        expect(200, send("DELETE", PODS + "?labelSelector=bench%3D" + run + "&" + NOW, null));
    }

    /** The query of a delete that removes a pod at once ({@code kubectl delete --grace-period=0 --force}). */
    static final String NOW = "gracePeriodSeconds=0";

    /**
     * A pod labelled {@code bench=RUN}; bound to {@code nodeName} when not null. A pod bound to a
     * node that does not exist starts no container: only the API server and the store work.
     */
    static String pod(String name, String run, String nodeName) {
        String node = nodeName == null ? "" : "\"nodeName\": \"" + nodeName + "\", ";
        return """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s", "labels": {"app": "bench", "bench": "%s"}},
                 "spec": {%s"containers": [{"name": "httpd", "image": "gantry/httpd:1.0",
                   "imagePullPolicy": "IfNotPresent", "ports": [{"containerPort": 80}]}]}}
                """.formatted(name, run, node);
    }

    /** A name part unique to one run, so that runs never meet each other's objects. */
    static String runId() {
        return Long.toString(System.currentTimeMillis(), 36);
    }
}
