package io.gantry.controllers;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys a controller has to reconcile, as client-go's rate-limited work queue holds them: a
 * key queued twice is reconciled once, a key is never reconciled by two workers at once (one
 * added while it is being reconciled is reconciled again afterwards), and a key whose
 * reconciliation failed comes back after a per-key exponential back-off.
 *
 * <p>Controllers put {@code namespace/name} keys in from their informers' handlers and reconcile
 * from the informers' caches, so a burst of changes to one object costs one reconciliation.
 */
public final class WorkQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);
    private static final long BASE_DELAY_MILLIS = 5;
    private static final long MAX_DELAY_MILLIS = 30_000;

    /** Makes the world match one object's desired state. */
    @FunctionalInterface
    public interface Reconciler {
        /** Reconciles the object under the key; an exception puts the key back after a back-off. */
        void reconcile(String key) throws Exception;
    }

    private final String name;
    private final Reconciler reconciler;
    private final Object lock = new Object();
    /** Keys waiting for a worker, in order. */
    private final Set<String> queue = new LinkedHashSet<>();
    /** Keys that need a reconciliation: queued, or added again while being reconciled. */
    private final Set<String> dirty = new HashSet<>();
    private final Set<String> processing = new HashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final ScheduledExecutorService timer;
    private final Thread[] workers;
    private volatile boolean closed;

    /**
     * A queue with its workers, started.
     *
     * @param name names the threads and the log lines ({@code replicaset})
     * @param workers how many keys are reconciled at once
     */
    public WorkQueue(String name, int workers, Reconciler reconciler) {
        this.name = name;
        this.reconciler = reconciler;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "gantry-" + name + "-delays"));
        this.workers = new Thread[workers];
        for (int i = 0; i < workers; i++) {
            this.workers[i] = daemon(this::work, "gantry-" + name + "-" + (i + 1));
            this.workers[i].start();
        }
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Queues a key now (no-op if it is queued already). */
    public void add(String key) {
        synchronized (lock) {
            if (closed || !dirty.add(key)) {
                return;
            }
            if (!processing.contains(key)) {
                queue.add(key);
                lock.notify();
            }
        }
    }

    /** Queues a key after a delay, to look at an object again when time alone changes it. */
    public void addAfter(String key, long delayMillis) {
        if (delayMillis <= 0) {
            add(key);
            return;
        }
        try {
            timer.schedule(() -> add(key), delayMillis, TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejected) {
            // closed
        }
    }

    /** Keys queued or being reconciled; for tests and metrics. */
    public int depth() {
        synchronized (lock) {
            return queue.size() + processing.size();
        }
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            lock.notifyAll();
        }
        timer.shutdownNow();
        for (Thread worker : workers) {
            worker.interrupt();
        }
    }

    private void work() {
        while (true) {
            String key;
            synchronized (lock) {
                while (queue.isEmpty() && !closed) {
                    try {
                        lock.wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                var first = queue.iterator();
                key = first.next();
                first.remove();
                dirty.remove(key);
                processing.add(key);
            }
            long retryMillis = -1;
            try {
                reconciler.reconcile(key);
                synchronized (lock) {
                    failures.remove(key);
                }
            } catch (Exception e) {
                if (closed) {
                    return;
                }
                int failed;
                synchronized (lock) {
                    failed = failures.merge(key, 1, Integer::sum);
                }
                retryMillis = Math.min(MAX_DELAY_MILLIS, BASE_DELAY_MILLIS << Math.min(failed - 1, 20));
                if (failed > 3) {
                    LOG.warn("Reconciling {} {} failed {} times; again in {} ms: {}", name, key, failed, retryMillis, e.toString());
                } else {
                    LOG.debug("Reconciling {} {} failed; again in {} ms", name, key, retryMillis, e);
                }
            } finally {
                synchronized (lock) {
                    processing.remove(key);
                    if (dirty.contains(key) && !closed) {
                        queue.add(key);
                        lock.notify();
                    }
                }
            }
            if (retryMillis >= 0) {
                addAfter(key, retryMillis);
            }
        }
    }
}
