package io.gantry.store.hazelcast;

import com.hazelcast.core.HazelcastInstance;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A quick measurement, not a test: write latency (one writer) and throughput (several writers)
 * of creates of 1 KB objects, on {@code members} in-process members, writing from a member that
 * does not own the store's partition when there are several. Run with the test classpath:
 * {@code java -cp ... io.gantry.store.hazelcast.StoreWriteBenchmark 3 8 5}.
 */
public final class StoreWriteBenchmark {

    private StoreWriteBenchmark() {
    }

    /** 1,000 watches on this member; 500 changes, 2 ms apart: from the write's start to each listener. */
    private static void watchDelivery(HazelcastStore store, byte[] object) throws Exception {
        int watchCount = 1000;
        int changes = 500;
        long[] started = new long[changes];
        long[][] delays = new long[watchCount][changes];
        java.util.concurrent.CountDownLatch all = new java.util.concurrent.CountDownLatch(watchCount);
        long from = store.currentRevision();
        List<io.gantry.api.store.StoreWatch> watches = new java.util.ArrayList<>();
        for (int w = 0; w < watchCount; w++) {
            int id = w;
            watches.add(store.watch("/registry/secrets/", from, new io.gantry.api.store.StoreWatchListener() {
                int seen;

                @Override
                public void onEvent(io.gantry.api.store.StoreEvent event) {
                    delays[id][seen] = System.nanoTime() - started[(int) (event.revision() - from - 1)];
                    if (++seen == changes) {
                        all.countDown();
                    }
                }
            }));
        }
        for (int i = 0; i < changes; i++) {
            started[i] = System.nanoTime();
            store.create("/registry/secrets/bench/s" + i, object);
            Thread.sleep(2);
        }
        all.await();
        long[] sorted = Arrays.stream(delays).flatMapToLong(Arrays::stream).sorted().toArray();
        System.out.printf("watch delivery to %d watches: p50 %.2f ms, p99 %.2f ms%n", watchCount,
                sorted[sorted.length / 2] / 1e6, sorted[sorted.length * 99 / 100] / 1e6);
        watches.forEach(io.gantry.api.store.StoreWatch::close);
    }

    public static void main(String[] args) throws Exception {
        int memberCount = args.length > 0 ? Integer.parseInt(args[0]) : 1;
        int writerCount = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seconds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<HazelcastInstance> members = TestMembers.start(memberCount, 15781, null);
        try {
            HazelcastInstance owner = TestMembers.owner(members, "bench");
            HazelcastInstance user = members.stream().filter(m -> m != owner || memberCount == 1).findFirst().orElseThrow();
            HazelcastStore store = new HazelcastStore(user, TestMembers.defaults(), "bench");
            byte[] value = new byte[1024];
            Arrays.fill(value, (byte) 'x');
            String json = "{\"kind\":\"ConfigMap\",\"data\":{\"v\":\"" + new String(value, StandardCharsets.US_ASCII) + "\"}}";
            byte[] object = json.getBytes(StandardCharsets.UTF_8);

            for (int i = 0; i < 2000; i++) {
                store.create("/registry/configmaps/warmup/c" + i, object);
            }
            int samples = 5000;
            long[] latencies = new long[samples];
            for (int i = 0; i < samples; i++) {
                long start = System.nanoTime();
                store.create("/registry/configmaps/latency/c" + i, object);
                latencies[i] = System.nanoTime() - start;
            }
            Arrays.sort(latencies);
            System.out.printf("members=%d one writer: p50 %.2f ms, p99 %.2f ms, max %.2f ms%n", memberCount,
                    latencies[samples / 2] / 1e6, latencies[samples * 99 / 100] / 1e6, latencies[samples - 1] / 1e6);

            AtomicBoolean running = new AtomicBoolean(true);
            AtomicLong writes = new AtomicLong();
            ExecutorService pool = Executors.newFixedThreadPool(writerCount);
            long[][] perWriter = new long[writerCount][];
            Future<?>[] done = new Future<?>[writerCount];
            long begin = System.nanoTime();
            for (int w = 0; w < writerCount; w++) {
                int id = w;
                done[w] = pool.submit(() -> {
                    long[] mine = new long[1_000_000];
                    int n = 0;
                    while (running.get()) {
                        long start = System.nanoTime();
                        store.create("/registry/configmaps/load/w" + id + "-" + n, object);
                        mine[n++] = System.nanoTime() - start;
                        writes.incrementAndGet();
                    }
                    perWriter[id] = Arrays.copyOf(mine, n);
                });
            }
            Thread.sleep(seconds * 1000L);
            running.set(false);
            for (Future<?> f : done) {
                f.get();
            }
            double elapsed = (System.nanoTime() - begin) / 1e9;
            pool.shutdown();
            long[] all = Arrays.stream(perWriter).flatMapToLong(Arrays::stream).sorted().toArray();
            System.out.printf("members=%d %d writers: %.0f writes/s, p50 %.2f ms, p99 %.2f ms%n", memberCount, writerCount,
                    writes.get() / elapsed, all[all.length / 2] / 1e6, all[all.length * 99 / 100] / 1e6);
            watchDelivery(store, object);
            store.deactivate();
        } finally {
            members.forEach(HazelcastInstance::shutdown);
        }
    }
}
