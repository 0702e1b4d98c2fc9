package io.gantry.benchmarks;

import io.gantry.api.store.StorageBackend;
import io.gantry.api.store.StoreEvent;
import io.gantry.api.store.StoreException;
import io.gantry.api.store.StoreWatch;
import io.gantry.api.store.StoreWatchListener;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * {@code store-watches BACKEND WATCHERS WRITES}: WATCHERS watches of a storage backend on one
 * prefix, called directly in this JVM, then WRITES creates under it, one every few milliseconds;
 * for every event and every watch, the time from the write's return to the watch's listener
 * call, and whether every watch got every event exactly once and stayed open.
 *
 * <p>The peer, in the same run: the same backend with a single watch, so that the ratio shows
 * what fanning out adds. (The in-memory backend of the api test artifact calls its listeners
 * inside the write, so its delivery after the write's return is zero.)
 */
final class StoreWatchDelivery {

    private static final long WRITE_INTERVAL_MICROS = 5000;
    private static final byte[] VALUE = ("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"x\",\"namespace\":\"default\"},"
            + "\"data\":{\"key\":\"" + "v".repeat(120) + "\"}}").getBytes(StandardCharsets.UTF_8);

    void run(String backend, int watchers, int writes) throws Exception {
        List<String> names = backend.equals("all") ? StoreBackends.NAMES : List.of(backend);
        System.out.printf(Locale.ROOT, "store-watches: %d watches on one prefix, %d creates one every %.1f ms, per backend in one JVM%n",
                watchers, writes, WRITE_INTERVAL_MICROS / 1000.0);
        for (String name : names.stream().distinct().toList()) {
            StoreBackends.Started started = StoreBackends.start(name);
            try {
                System.out.printf(Locale.ROOT, " %s: %s%n", name, started.description());
                Latencies single = measure(started.backend(), name + ", 1 watch (peer)", 1, writes);
                Latencies fanOut = measure(started.backend(), name + ", " + watchers + " watches", watchers, writes);
                fanOut.printRatio(name + ", " + watchers + " watches", single, Double.NaN, Double.NaN);
            } finally {
                started.stop().close();
            }
        }
    }

    private static Latencies measure(StorageBackend store, String name, int count, int writes) throws Exception {
        String prefix = "/registry/configmaps/watched/" + Long.toString(System.nanoTime(), 36) + "-";
        long from = store.currentRevision();
        List<Watcher> watchers = new ArrayList<>();
        List<StoreWatch> watches = new ArrayList<>();
        long[] acknowledged = new long[writes];
        int ended;
        try {
            for (int i = 0; i < count; i++) {
                Watcher watcher = new Watcher(prefix, writes);
                watchers.add(watcher);
                watches.add(store.watch(prefix, from, watcher));
            }
            long next = System.nanoTime();
            for (int i = 0; i < writes; i++) {
                store.create(prefix + i, VALUE);
                acknowledged[i] = System.nanoTime();
                next += TimeUnit.MICROSECONDS.toNanos(WRITE_INTERVAL_MICROS);
                long wait = next - System.nanoTime();
                if (wait > 0) {
                    TimeUnit.NANOSECONDS.sleep(wait);
                }
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline && !watchers.stream().allMatch(w -> w.seen() == writes || w.closed())) {
                Thread.sleep(50);
            }
            ended = (int) watchers.stream().filter(Watcher::closed).count();
        } finally {
            watches.forEach(StoreWatch::close);
        }
        Latencies delivery = new Latencies();
        long missing = 0;
        long duplicates = 0;
        long beforeAck = 0;
        int complete = 0;
        for (Watcher watcher : watchers) {
            long[] arrivals = watcher.arrivals();
            for (int i = 0; i < writes; i++) {
                if (arrivals[i] == 0) {
                    missing++;
                } else {
                    long afterAck = arrivals[i] - acknowledged[i];
                    beforeAck += afterAck < 0 ? 1 : 0;
                    delivery.add(Math.max(0, afterAck));
                }
            }
            duplicates += watcher.duplicates();
            complete += watcher.seen() == writes ? 1 : 0;
        }
        delivery.print(name, Double.NaN);
        System.out.printf(Locale.ROOT, "  %-30s %d of %d watches saw every event, %d ended by the backend; "
                + "%d events missing, %d duplicated, %d delivered before the write returned%n", "  (from the write's return)",
                complete, count, ended, missing, duplicates, beforeAck);
        return delivery;
    }

    /** One watch's listener: when it got the create of each key. */
    private static final class Watcher implements StoreWatchListener {

        private final String prefix;
        private final long[] arrivals;
        private int seen;
        private long duplicates;
        private volatile boolean closed;

        Watcher(String prefix, int writes) {
            this.prefix = prefix;
            this.arrivals = new long[writes];
        }

        @Override
        public synchronized void onEvent(StoreEvent event) {
            long now = System.nanoTime();
            int index = Integer.parseInt(event.entry().key().substring(prefix.length()));
            if (arrivals[index] != 0) {
                duplicates++;
            } else {
                arrivals[index] = now;
                seen++;
            }
        }

        @Override
        public void onClose(StoreException cause) {
            closed = true;
        }

        synchronized int seen() {
            return seen;
        }

        boolean closed() {
            return closed;
        }

        synchronized long[] arrivals() {
            return arrivals.clone();
        }

        synchronized long duplicates() {
            return duplicates;
        }
    }
}
