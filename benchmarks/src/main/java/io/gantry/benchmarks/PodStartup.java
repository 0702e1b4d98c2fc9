package io.gantry.benchmarks;

import static io.gantry.benchmarks.NodeApi.PODS;
import static io.gantry.benchmarks.NodeApi.expect;

import io.gantry.api.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code pods N}: N pods of examples/httpd-pod.yaml's image, one after another: create to Running
 * (seen by a watch), to answering HTTP on the pod IP, and delete to gone (containers stopped and
 * removed). Each pod is followed by the peer: {@code docker run -d} of the same image to its return (the container
 * started), so that both see the same moment of the machine.
 */
final class PodStartup {

    private final NodeApi api = new NodeApi();

    void run(int n) throws Exception {
        api.ensureNamespace();
        String node = firstReadyNode();
        String run = NodeApi.runId();
        Latencies running = new Latencies();
        Latencies answering = new Latencies();
        Latencies gone = new Latencies();
        Latencies dockerRun = new Latencies();
        RawDocker docker = new RawDocker(run);
        try (PodWatch watch = new PodWatch(run)) {
            for (int i = 0; i < n; i++) {
                startOne(watch, run, "pod-" + run + "-" + i, running, answering, gone);
                long start = System.nanoTime();
                docker.start(String.valueOf(i));
                dockerRun.add(System.nanoTime() - start);
                docker.removeAll();
            }
        }
        System.out.printf(Locale.ROOT, "pods: %d pods on node %s, one at a time%n", n, node);
        running.print("create to Running", Double.NaN);
        dockerRun.print("peer: docker run -d", Double.NaN);
        running.printRatio("create to Running", dockerRun, Double.NaN, Double.NaN);
        answering.print("create to answering HTTP", Double.NaN);
        gone.print("delete to gone", Double.NaN);
    }

    /** One pod: create to Running (as the watch sees it), to answering HTTP, and delete to gone. */
    private void startOne(PodWatch watch, String run, String name, Latencies running, Latencies answering,
                          Latencies gone) throws Exception {
        long start = System.nanoTime();
        expect(201, api.send("POST", PODS, NodeApi.pod(name, run, null)));
        watch.await(pods -> pods.get(name) != null && pods.get(name).status != null
                && "Running".equals(pods.get(name).status.phase) && pods.get(name).status.podIP != null,
                Duration.ofSeconds(120), name + " Running");
        running.add(System.nanoTime() - start);
        String url = "http://" + watch.get(name).status.podIP + "/";
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (!answers(url)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(name + " did not answer on " + url + " within 60 s");
            }
            Thread.onSpinWait();
        }
        answering.add(System.nanoTime() - start);
        start = System.nanoTime();
        expect(200, api.send("DELETE", PODS + "/" + name, null));
        watch.await(pods -> !pods.containsKey(name), Duration.ofSeconds(120), name + " gone");
        gone.add(System.nanoTime() - start);
    }

    private String firstReadyNode() throws Exception {
        HttpResponse<String> nodes = expect(200, api.send("GET", "/api/v1/nodes", null));
        if (!nodes.body().contains("\"type\":\"Ready\",\"status\":\"True\"")) {
            throw new IllegalStateException("no node is Ready: start one with ./gantry up");
        }
        return Json.mapper().readTree(nodes.body()).path("items").path(0).path("metadata").path("name").asText();
    }

    private boolean answers(String url) {
        try {
            return api.http().send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
