package io.gantry.store.etcd;

import io.gantry.api.store.StorageBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Measures creates per second and their latency against a real etcd, for one and for eight
 * writers; prints the numbers and asserts nothing about speed. Run it with
 * {@code -Dgantry.measure=true}.
 */
@EnabledIfSystemProperty(named = "gantry.measure", matches = "true")
class EtcdStoreThroughput {

    private static final byte[] VALUE = ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"namespace\":\"default\","
            + "\"uid\":\"0d6c5a56-6a1f-4c41-9f68-3b2b3e0b1f6e\"},\"data\":{\"key\":\"" + "v".repeat(120) + "\"}}")
            .getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path folder;

    @Test
    void measure() throws Exception {
        try (EtcdServer etcd = new EtcdServer(folder)) {
            EtcdStore store = new EtcdStore(new TestConfig(etcd.endpoint(), "/gantry"));
            try {
                for (int writers : new int[] {1, 8}) {
                    run(store, writers, 200); // warm-up
                    System.out.printf("etcd writers=%d: %s%n", writers, run(store, writers, 2000 / writers * (writers == 1 ? 1 : 2)));
                }
            } finally {
                store.deactivate();
            }
        }
    }

    /** Creates {@code each} objects from each of {@code writers} threads; returns the rate and latencies. */
    static String run(StorageBackend store, int writers, int each) throws Exception {
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
