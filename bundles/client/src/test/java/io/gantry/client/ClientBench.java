package io.gantry.client;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.store.InMemoryStorageBackend;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Not a test: what the HTTP client costs against the in-process one, on the same registry in the
 * same JVM (the peer is measured in the same run). Lists of {@code pods} pods (whole, and in pages
 * of 500), then creates by {@code threads} parallel callers, closed loop. Run from the client's test
 * class path: {@code java -cp ... io.gantry.client.ClientBench [pods] [rounds] [threads]}.
 */
public final class ClientBench {

    private ClientBench() {
    }

    public static void main(String[] args) throws Exception {
        int pods = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        int threads = args.length > 2 ? Integer.parseInt(args[2]) : 4;
        try (TestApiServer server = TestApiServer.start(TestApiServer.registry(new InMemoryStorageBackend()));
             HttpApiClient paged = new HttpApiClient(new ApiServers(List.of(server.uri())), ApiTransport.Settings.DEFAULTS,
                     500);
             HttpApiClient whole = new HttpApiClient(new ApiServers(List.of(server.uri())), ApiTransport.Settings.DEFAULTS,
                     0)) {
            ApiClient inProcess = server.registry;
            // warm-up: both paths, JIT and connections
            creates("warm", inProcess, 300, threads);
            creates("warm-http", paged, 300, threads);
            deleteAll(inProcess);

            // in alternate batches, so that a change of the machine's load falls on both alike
            System.out.printf("creates of %d pods each by %d callers (closed loop), in batches of %d taken in turn%n",
                    pods, threads, pods / 10);
            double localSeconds = 0;
            double httpSeconds = 0;
            for (int batch = 0; batch < 10; batch++) {
                localSeconds += pods / 10 / creates("local-" + batch, inProcess, pods / 10, threads);
                httpSeconds += pods / 10 / creates("http-" + batch, paged, pods / 10, threads);
            }
            double local = pods / localSeconds;
            double http = pods / httpSeconds;
            System.out.printf("  in-process %.0f/s, HTTP %.0f/s: ratio %.2f%n", local, http, http / local);
            for (Pod pod : inProcess.list(ResourceKind.PODS, "default", ListOptions.ALL).items) {
                if (pod.metadata.name.startsWith("http-")) {
                    inProcess.delete(ResourceKind.PODS, "default", pod.metadata.name, DeleteOptions.immediately());
                }
            }

            System.out.printf("list of %d pods, %d rounds, the three clients in turn (p50 / max)%n", pods, rounds);
            List<ApiClient> clients = List.of(inProcess, whole, paged);
            List<List<Double>> millis = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
            for (int round = 0; round < rounds + 3; round++) {
                for (int c = 0; c < clients.size(); c++) {
                    double took = list(clients.get(c), pods);
                    if (round >= 3) { // warm-up rounds
                        millis.get(c).add(took);
                    }
                }
            }
            System.out.printf("  in-process %s; HTTP whole %s; HTTP pages of 500 %s%n", summary(millis.get(0)),
                    summary(millis.get(1)), summary(millis.get(2)));
            deleteAll(inProcess);
        }
    }

    private static double creates(String prefix, ApiClient api, int count, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        AtomicInteger next = new AtomicInteger();
        long start = System.nanoTime();
        List<Future<?>> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(pool.submit(() -> {
                for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
                    api.create(ResourceKind.PODS, HttpApiClientTest.pod(prefix + "-" + i));
                }
                return null;
            }));
        }
        for (Future<?> worker : workers) {
            worker.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return count / seconds;
    }

    /** One list, in milliseconds, checked to hold every pod. */
    private static double list(ApiClient api, int expected) {
        long start = System.nanoTime();
        int size = api.list(ResourceKind.PODS, "default", ListOptions.ALL).items.size();
        long took = System.nanoTime() - start;
        if (size != expected) {
            throw new IllegalStateException("listed " + size + " pods, expected " + expected);
        }
        return took / 1e6;
    }

    private static String summary(List<Double> millis) {
        List<Double> sorted = new ArrayList<>(millis);
        Collections.sort(sorted);
        return String.format("%.1f ms / %.1f ms", sorted.get(sorted.size() / 2), sorted.get(sorted.size() - 1));
    }

    private static void deleteAll(ApiClient api) {
        for (Pod pod : api.list(ResourceKind.PODS, "default", ListOptions.ALL).items) {
            api.delete(ResourceKind.PODS, "default", pod.metadata.name, DeleteOptions.immediately());
        }
    }
}
