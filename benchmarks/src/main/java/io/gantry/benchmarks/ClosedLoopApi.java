package io.gantry.benchmarks;

import static io.gantry.benchmarks.NodeApi.PODS;
import static io.gantry.benchmarks.NodeApi.expect;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code api N CLIENTS}: N pods created, read, listed and deleted by CLIENTS parallel clients, each
 * sending its next request when the previous one answered (closed loop). The pods name a node
 * that does not exist, so only the API server and the store are measured; they are deleted at
 * once (grace period 0), as no kubelet would ever confirm their end.
 */
final class ClosedLoopApi {

    private final NodeApi api = new NodeApi();

    void run(int n, int clients) throws Exception {
        api.ensureNamespace();
        String run = NodeApi.runId();
        System.out.printf(Locale.ROOT, "api: %d pods, %d clients (closed loop)%n", n, clients);
        phase("create", n, clients, i -> expect(201, api.send("POST", PODS, NodeApi.pod("api-" + run + "-" + i, run, "nowhere"))));
        phase("get", n, clients, i -> expect(200, api.send("GET", PODS + "/api-" + run + "-" + i, null)));
        long start = System.nanoTime();
        expect(200, api.send("GET", PODS + "?labelSelector=bench%3D" + run, null));
        long list = System.nanoTime() - start;
        phase("delete", n, clients, i -> expect(200, api.send("DELETE", PODS + "/api-" + run + "-" + i + "?" + NodeApi.NOW, null)));
        System.out.printf(Locale.ROOT, "  list of %d pods: %.1f ms%n", n, list / 1e6);
    }

    private interface Step {
        void run(int i) throws Exception;
    }

    /** N requests by CLIENTS parallel clients: latency percentiles and requests per second. */
    private static void phase(String what, int n, int clients, Step step) throws Exception {
        Latencies latencies = new Latencies();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit(() -> {
                    long sent = System.nanoTime();
                    step.run(index);
                    latencies.add(System.nanoTime() - sent);
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
        latencies.print(what, n / ((System.nanoTime() - start) / 1e9));
    }
}
