package io.gantry.api;

import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for background work that must never keep a JVM alive on its own: a bundle stops them
 * when it deactivates, and a JVM that is shutting down does not wait for them.
 */
public final class Daemons {

    private Daemons() {
    }

    /** Daemon threads named {@code name-1}, {@code name-2}, and so on. */
    public static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * As many daemon threads as there are tasks at once, each ending after {@code idle} without
     * one. A burst (a hundred pods starting) leaves no hundred idle threads, and their stacks,
     * behind for the minute {@link Executors#newCachedThreadPool} would keep them.
     */
    public static ExecutorService pool(String name, Duration idle) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, idle.toMillis(), TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), threads(name));
    }

    /** One daemon thread named {@code name}, running tasks in turn, now or later. */
    public static ScheduledExecutorService scheduler(String name) {
        return Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        });
    }
}
