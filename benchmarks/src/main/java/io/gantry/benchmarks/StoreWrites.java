package io.gantry.benchmarks;

import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoredEntry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code store BACKEND WRITERS N}: writes per second and write latency of a storage backend,
 * called directly in this JVM (no HTTP, no API server): N creates by WRITERS parallel writers,
 * then N compare-and-set updates of the same keys. BACKEND is memory, hazelcast, embedded, etcd
 * or all.
 *
 * <p>The peer, in the same run: the in-memory backend of the api test artifact (one lock, no
 * copies, no disk, no network), the floor any backend is compared against.
 */
final class StoreWrites {

    /** A config map of about 300 bytes, the size of a small object. */
    private static final byte[] VALUE = ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"namespace\":\"default\","
            + "\"uid\":\"0d6c5a56-6a1f-4c41-9f68-3b2b3e0b1f6e\"},\"data\":{\"key\":\"" + "v".repeat(120) + "\"}}")
            .getBytes(StandardCharsets.UTF_8);

    void run(String backend, int writers, int n) throws Exception {
        List<String> names = backend.equals("all") ? StoreBackends.NAMES : List.of("memory", backend);
        System.out.printf(Locale.ROOT, "store: %d creates then %d updates by %d writers per backend, in one JVM, "
                + "after %d warm-up writes; value %d bytes%n", n, n, writers, warmUp(n), VALUE.length);
        Result peer = null;
        for (String name : names.stream().distinct().toList()) {
            StoreBackends.Started started = StoreBackends.start(name);
            try {
                System.out.printf(Locale.ROOT, " %s: %s%n", name, started.description());
                Result result = measure(started.backend(), writers, n);
                result.creates.print(name + " create", result.createRate);
                result.updates.print(name + " update (CAS)", result.updateRate);
                if (peer == null) {
                    peer = result;
                } else {
                    result.creates.printRatio(name + " create", peer.creates, result.createRate, peer.createRate);
                    result.updates.printRatio(name + " update", peer.updates, result.updateRate, peer.updateRate);
                }
            } finally {
                started.stop().close();
            }
        }
    }

    private record Result(Latencies creates, double createRate, Latencies updates, double updateRate) {
    }

    private static int warmUp(int n) {
        return Math.max(200, n / 10);
    }

    private static Result measure(StorageBackend store, int writers, int n) throws Exception {
        String run = Long.toString(System.nanoTime(), 36);
        String[] warm = keys("/registry/configmaps/warm/" + run + "-", warmUp(n));
        long[] warmRevisions = new long[warm.length];
        phase(writers, warm.length, i -> warmRevisions[i] = store.create(warm[i], VALUE).modRevision());
        phase(writers, warm.length, i -> store.update(warm[i], VALUE, warmRevisions[i]));

        String[] keys = keys("/registry/configmaps/bench/" + run + "-", n);
        long[] revisions = new long[n];
        Latencies creates = new Latencies();
        long start = System.nanoTime();
        phase(writers, n, i -> {
            long t = System.nanoTime();
            StoredEntry entry = store.create(keys[i], VALUE);
            creates.add(System.nanoTime() - t);
            revisions[i] = entry.modRevision();
        });
        double createRate = n / ((System.nanoTime() - start) / 1e9);
        Latencies updates = new Latencies();
        start = System.nanoTime();
        phase(writers, n, i -> {
            long t = System.nanoTime();
            store.update(keys[i], VALUE, revisions[i]);
            updates.add(System.nanoTime() - t);
        });
        double updateRate = n / ((System.nanoTime() - start) / 1e9);
        return new Result(creates, createRate, updates, updateRate);
    }

    private static String[] keys(String prefix, int n) {
        String[] keys = new String[n];
        for (int i = 0; i < n; i++) {
            keys[i] = prefix + i;
        }
        return keys;
    }

    private interface Write {
        void run(int i) throws Exception;
    }

    /** Writes 0..n-1, writer w taking w, w + writers, ...; each writer sends its next when one returns. */
    private static void phase(int writers, int n, Write write) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = writer; i < n; i += writers) {
                        write.run(i);
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
