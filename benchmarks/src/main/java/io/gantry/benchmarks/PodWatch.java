package io.gantry.benchmarks;

import static io.gantry.benchmarks.NodeApi.NAMESPACE;

import io.gantry.api.client.Informer;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Pod;
import io.gantry.client.ApiServers;
import io.gantry.client.HttpApiClient;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * The benchmark's pods of one run as a watch delivers them (an informer of Gantry's HTTP client):
 * a pod's state is seen the moment the API sends it, and the observer puts no load on the node
 * while it waits (polling the API every few milliseconds would take CPU from the starts it measures).
 */
final class PodWatch implements AutoCloseable {

    private static final Duration SYNC = Duration.ofSeconds(30);

    private final HttpApiClient client = new HttpApiClient(new ApiServers(List.of(URI.create(NodeApi.URL))));
    /** Notified after each change the informer applies. */
    private final Object changed = new Object();
    private final Informer<Pod> informer;

    /** Watches the pods labelled {@code bench=RUN}; returns once they are listed. */
    PodWatch(String run) throws InterruptedException {
        informer = new Informer<>(client, ResourceKind.PODS, NAMESPACE, ListOptions.labels("bench=" + run),
                Informer.Handler.onEvery(pod -> {
                    synchronized (changed) {
                        changed.notifyAll();
                    }
                })).start();
        await(pods -> true, SYNC, "the list of run " + run + "'s pods");
    }

    /** Waits until the pods, by name, satisfy the condition; fails after the deadline. */
    void await(Predicate<Map<String, Pod>> condition, Duration atMost, String what) throws InterruptedException {
        long deadline = System.nanoTime() + atMost.toNanos();
        synchronized (changed) {
            // the informer's first list may bring no pod, and so no notification: look again now and then until it has
            while (!informer.hasSynced() || !condition.test(pods())) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException(what + " did not happen within " + atMost);
                }
                changed.wait(Math.max(1, Math.min(informer.hasSynced() ? Long.MAX_VALUE : 10, left / 1_000_000)));
            }
        }
    }

    /** The pod of that name as last seen, or null. */
    Pod get(String name) {
        return informer.get(NAMESPACE, name).orElse(null);
    }

    /** How many of the pods are Running. */
    static long running(Map<String, Pod> pods) {
        return pods.values().stream().filter(p -> p.status != null && "Running".equals(p.status.phase)).count();
    }

    private Map<String, Pod> pods() {
        return informer.list().stream().collect(Collectors.toMap(p -> p.metadata.name, Function.identity()));
    }

    @Override
    public void close() {
        informer.close();
        client.close();
    }
}
