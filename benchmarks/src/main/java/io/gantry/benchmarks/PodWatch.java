package io.gantry.benchmarks;

import static io.gantry.benchmarks.NodeApi.PODS;
import static io.gantry.benchmarks.NodeApi.expect;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The benchmark's pods of one label as a watch delivers them: a pod's state is seen the moment the
 * API sends it, and the observer puts no load on the node while it waits (polling the API every few
 * milliseconds would take CPU from the starts it measures).
 */
final class PodWatch implements AutoCloseable {

    /** The pods by name, as the latest event left them; guarded by itself. */
    private final Map<String, Pod> pods = new HashMap<>();
    private final CompletableFuture<HttpResponse<Stream<String>>> response;
    private volatile Throwable failure;

    /** Watches the pods labelled {@code bench=RUN}, from now on (the list's resource version). */
    PodWatch(NodeApi api, String run) throws Exception {
        String selector = "labelSelector=bench%3D" + run;
        JsonNode list = Json.mapper().readTree(expect(200, api.send("GET", PODS + "?" + selector, null)).body());
        for (JsonNode item : list.path("items")) {
            Pod pod = Json.mapper().treeToValue(item, Pod.class);
            pods.put(pod.metadata.name, pod);
        }
        String from = list.path("metadata").path("resourceVersion").asText();
        HttpRequest watch = HttpRequest.newBuilder(URI.create(NodeApi.URL + PODS + "?watch=1&" + selector
                + "&resourceVersion=" + from)).header("Accept", "application/json").build();
        response = api.http().sendAsync(watch, HttpResponse.BodyHandlers.ofLines());
        Thread reader = new Thread(this::read, "pod-watch-" + run);
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        try (Stream<String> lines = response.join().body()) {
            lines.forEach(line -> {
                try {
                    JsonNode event = Json.mapper().readTree(line);
                    Pod pod = Json.mapper().treeToValue(event.path("object"), Pod.class);
                    synchronized (pods) {
                        if ("DELETED".equals(event.path("type").asText())) {
                            pods.remove(pod.metadata.name);
                        } else {
                            pods.put(pod.metadata.name, pod);
                        }
                        pods.notifyAll();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            synchronized (pods) {
                pods.notifyAll();
            }
        }
    }

    /** Waits until the pods satisfy the condition; fails after the deadline or when the watch ends. */
    void await(Predicate<Map<String, Pod>> condition, Duration atMost, String what) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        synchronized (pods) {
            while (!condition.test(pods)) {
                long left = deadline - System.nanoTime();
                if (left <= 0 || response.isDone() && failure != null) {
                    throw new IllegalStateException(what + " did not happen within " + atMost
                            + (failure == null ? "" : " (the watch ended: " + failure + ")"));
                }
                pods.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /** The pod of that name as last seen, or null. */
    Pod get(String name) {
        synchronized (pods) {
            return pods.get(name);
        }
    }

    /** How many of the pods are Running. */
    static long running(Map<String, Pod> pods) {
        return pods.values().stream().filter(p -> p.status != null && "Running".equals(p.status.phase)).count();
    }

    @Override
    public void close() {
        response.cancel(true);
        response.thenAccept(r -> r.body().close());
    }
}
