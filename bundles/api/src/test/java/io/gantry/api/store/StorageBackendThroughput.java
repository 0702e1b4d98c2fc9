package io.gantry.api.store;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The one write benchmark every backend's throughput test runs, so that their numbers compare:
 * concurrent writers each creating config-map-sized objects, after a warm-up. It measures and
 * reports; it asserts nothing about speed.
 */
public final class StorageBackendThroughput {

    private static final byte[] VALUE = ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"namespace\":\"default\","
            + "\"uid\":\"0d6c5a56-6a1f-4c41-9f68-3b2b3e0b1f6e\"},\"data\":{\"key\":\"" + "v".repeat(120) + "\"}}")
            .getBytes(StandardCharsets.UTF_8);

    private StorageBackendThroughput() {
    }

    /**
     * Warms the backend up with 200 creates per writer, then measures 2000 creates from one
     * writer or 4000 spread over several; returns the rate and latencies.
     */
    public static String measure(StorageBackend store, int writers) throws Exception {
        run(store, writers, 200);
        return run(store, writers, 2000 / writers * (writers == 1 ? 1 : 2));
    }

    /** Creates {@code each} objects from each of {@code writers} threads; returns the rate and latencies. */
    public static String run(StorageBackend store, int writers, int each) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        String run = Long.toString(System.nanoTime(), 36);
        List<Future<long[]>> done = new ArrayList<>();
        long start = System.nanoTime();
        for (int w = 0; w < writers; w++) {
            int writer = w;
            done.add(pool.submit(() -> {
                long[] latencies = new long[each];
                for (int i = 0; i < each; i++) {
                    long t = System.nanoTime();
                    store.create("/registry/configmaps/default/" + run + "-" + writer + "-" + i, VALUE);
                    latencies[i] = System.nanoTime() - t;
                }
                return latencies;
            }));
        }
        long[] all = new long[writers * each];
        int n = 0;
        for (Future<long[]> f : done) {
            long[] part = f.get();
            System.arraycopy(part, 0, all, n, part.length);
            n += part.length;
        }
        long elapsed = System.nanoTime() - start;
        pool.shutdown();
        Arrays.sort(all);
        return String.format("%d writes, %.0f writes/s, p50 %.2f ms, p99 %.2f ms", all.length,
                all.length / (elapsed / 1e9), all[all.length / 2] / 1e6, all[(int) (all.length * 0.99)] / 1e6);
    }
}
