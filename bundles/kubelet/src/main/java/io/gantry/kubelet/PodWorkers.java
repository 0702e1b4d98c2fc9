package io.gantry.kubelet;

import io.gantry.api.Daemons;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the sync of each pod on its own turn, as the kubelet's pod workers do: at most one sync
 * per pod at a time, pods in parallel, and a request that comes in during a sync makes one more
 * sync after it (never a queue of them).
 */
final class PodWorkers {

    private static final Logger LOG = LoggerFactory.getLogger(PodWorkers.class);

    /** How long a worker thread outlives its last sync. */
    static final Duration IDLE = Duration.ofSeconds(5);

    private final Consumer<String> sync;
    private final ExecutorService pool;
    /** Pods being synced, with whether another sync was asked for meanwhile. */
    private final Map<String, Boolean> busy = new HashMap<>();

    /** Threads come and go with the work: a pod that waits out a long grace period holds up no other. */
    PodWorkers(Consumer<String> sync) {
        this.sync = sync;
        this.pool = Daemons.pool("gantry-pod-worker", IDLE);
    }

    /** Asks for a sync of the pod with this key. */
    void update(String key) {
        synchronized (busy) {
            if (busy.containsKey(key)) {
                busy.put(key, Boolean.TRUE);
                return;
            }
            busy.put(key, Boolean.FALSE);
        }
        try {
            pool.execute(() -> run(key));
        } catch (RuntimeException rejected) {
            synchronized (busy) {
                busy.remove(key);
            }
        }
    }

    private void run(String key) {
        while (true) {
            try {
                sync.accept(key);
            } catch (RuntimeException e) {
                if (pool.isShutdown()) {
                    return; // stopping: a sync cut short is taken up by the next kubelet
                }
                LOG.warn("Sync of pod {} failed", key, e);
            }
            synchronized (busy) {
                if (Boolean.TRUE.equals(busy.get(key))) {
                    busy.put(key, Boolean.FALSE);
                } else {
                    busy.remove(key);
                    return;
                }
            }
        }
    }

    void shutdown() {
        pool.shutdownNow();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
