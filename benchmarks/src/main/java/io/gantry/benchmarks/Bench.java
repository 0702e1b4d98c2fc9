package io.gantry.benchmarks;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;

/**
 * Benchmarks of a running node (started by {@code ./gantry up}), measured from outside through
 * its HTTP API, as a client sees it. Each prints one table of numbers; see README.md.
 *
 * <pre>
 *   api   [N] [CLIENTS]  N pods created, read, listed and deleted by CLIENTS parallel clients;
 *                        the pods name a node that does not exist, so only the API and the
 *                        store are measured
 *   pods  [N]            N pods of examples/httpd-pod.yaml's image, one after another: create to
 *                        Running, to answering HTTP on the pod IP, and delete to gone
 *   memory               the node's resident memory, idle
 * </pre>
 */
public final class Bench {

    private static final String API = System.getProperty("gantry.api", "http://127.0.0.1:8080");
    private static final String NAMESPACE = "bench";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        String which = args.length > 0 ? args[0] : "help";
        int n = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        switch (which) {
            case "api" -> api(n > 0 ? n : 1000, clients);
            case "pods" -> pods(n > 0 ? n : 10);
            case "memory" -> memory();
            default -> {
                System.out.println("usage: api [N] [CLIENTS] | pods [N] | memory   (node API at " + API
                        + ", -Dgantry.api=URL to change)");
                return;
            }
        }
    }

    private static void api(int n, int clients) throws Exception {
        ensureNamespace();
        String pods = "/api/v1/namespaces/" + NAMESPACE + "/pods";
        System.out.printf(Locale.ROOT, "api: %d pods, %d clients%n", n, clients);
        phase("create", n, clients, i -> expect(201, send("POST", pods, pod("api-" + i, "nowhere"))));
        phase("get", n, clients, i -> expect(200, send("GET", pods + "/api-" + i, null)));
        long list = timed(() -> expect(200, send("GET", pods, null)));
        phase("delete", n, clients, i -> expect(200, send("DELETE", pods + "/api-" + i, null)));
        System.out.printf(Locale.ROOT, "  list of %d pods: %.1f ms%n", n, list / 1e6);
    }

    /** N requests by CLIENTS parallel clients: latency percentiles and requests per second. */
    private static void phase(String what, int n, int clients, Step step) throws Exception {
        List<Long> latencies = Collections.synchronizedList(new ArrayList<>());
        long start = System.nanoTime();
        parallel(n, clients, i -> latencies.add(timed(() -> step.run(i))));
        row(what, latencies, n / seconds(System.nanoTime() - start));
    }

    private static void pods(int n) throws Exception {
        ensureNamespace();
        String node = firstReadyNode();
        List<Long> running = new ArrayList<>();
        List<Long> answering = new ArrayList<>();
        List<Long> gone = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            String name = "pod-" + i;
            String path = "/api/v1/namespaces/" + NAMESPACE + "/pods/" + name;
            long start = System.nanoTime();
            expect(201, send("POST", "/api/v1/namespaces/" + NAMESPACE + "/pods", pod(name, null)));
            Pod pod = waitFor(path, p -> p != null && "Running".equals(p.status.phase) && p.status.podIP != null);
            running.add(System.nanoTime() - start);
            String url = "http://" + pod.status.podIP + "/";
            while (!answers(url)) {
                Thread.onSpinWait();
            }
            answering.add(System.nanoTime() - start);
            start = System.nanoTime();
            expect(200, send("DELETE", path, null));
            waitFor(path, p -> p == null);
            gone.add(System.nanoTime() - start);
        }
        System.out.printf(Locale.ROOT, "pods: %d pods on node %s, one at a time%n", n, node);
        row("create to Running", running, Double.NaN);
        row("create to answering HTTP", answering, Double.NaN);
        row("delete to gone", gone, Double.NaN);
    }

    private static void memory() throws IOException {
        Path pidFile = Path.of(System.getProperty("gantry.home", ".gantry/node-1"), "karaf.pid");
        String pid = Files.readString(pidFile).strip();
        for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
            if (line.startsWith("VmRSS") || line.startsWith("VmHWM")) {
                System.out.println("memory: " + line.replaceAll("\\s+", " "));
            }
        }
    }

    // --- helpers

    private interface Step {
        void run(int i) throws Exception;
    }

    private interface Action {
        void run() throws Exception;
    }

    private static void parallel(int n, int clients, Step step) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    step.run(index);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static long timed(Action action) throws Exception {
        long start = System.nanoTime();
        action.run();
        return System.nanoTime() - start;
    }

    private static void row(String what, List<Long> nanos, double perSecond) {
        List<Long> sorted = new ArrayList<>(nanos);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "  %-26s p50 %8.2f ms   p90 %8.2f ms   p99 %8.2f ms   max %8.2f ms%s%n", what,
                percentile(sorted, 50), percentile(sorted, 90), percentile(sorted, 99),
                sorted.get(sorted.size() - 1) / 1e6,
                Double.isNaN(perSecond) ? "" : String.format(Locale.ROOT, "   %.0f/s", perSecond));
    }

    private static double percentile(List<Long> sorted, int p) {
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index))) / 1e6;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    private static String pod(String name, String nodeName) {
        String node = nodeName == null ? "" : "\"nodeName\": \"" + nodeName + "\", ";
        return """
                {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s", "labels": {"app": "bench"}},
                 "spec": {%s"containers": [{"name": "httpd", "image": "gantry/httpd:1.0",
                   "imagePullPolicy": "IfNotPresent", "ports": [{"containerPort": 80}]}]}}
                """.formatted(name, node);
    }

    private static void ensureNamespace() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/namespaces",
                "{\"apiVersion\": \"v1\", \"kind\": \"Namespace\", \"metadata\": {\"name\": \"" + NAMESPACE + "\"}}");
        if (created.statusCode() != 201 && created.statusCode() != 409) {
            throw new IllegalStateException("cannot create namespace " + NAMESPACE + ": " + created.body());
        }
    }

    private static String firstReadyNode() throws Exception {
        HttpResponse<String> nodes = expect(200, send("GET", "/api/v1/nodes", null));
        if (!nodes.body().contains("\"type\":\"Ready\",\"status\":\"True\"")) {
            throw new IllegalStateException("no node is Ready: start one with ./gantry up");
        }
        return Json.mapper().readTree(nodes.body()).path("items").path(0).path("metadata").path("name").asText();
    }

    private static Pod waitFor(String path, Predicate<Pod> condition) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> response = send("GET", path, null);
            Pod pod = response.statusCode() == 200 ? Json.read(response.body(), Pod.class) : null;
            if (condition.test(pod)) {
                return pod;
            }
            Thread.sleep(5);
        }
        throw new IllegalStateException(path + " did not reach the expected state within 120 s");
    }

    private static boolean answers(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static HttpResponse<String> expect(int code, HttpResponse<String> response) {
        if (response.statusCode() != code) {
            throw new IllegalStateException("expected " + code + ", got " + response.statusCode() + ": "
                    + response.body());
        }
        return response;
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(API + path)).timeout(Duration.ofSeconds(30))
                .header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
