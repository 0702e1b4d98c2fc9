package io.gantry.store.hazelcast;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads that call watch listeners, apart from the journal reader and from the writers, so
 * that a slow listener delays only its own watch. A watch is drained by one thread at a time.
 */
final class WatchDelivery {

    private final ExecutorService threads;

    WatchDelivery(String name, int threadCount) {
        AtomicInteger count = new AtomicInteger();
        ThreadFactory factory = task -> {
            Thread thread = new Thread(task, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
        this.threads = Executors.newFixedThreadPool(threadCount, factory);
    }

    void run(Runnable drain) {
        threads.execute(drain);
    }

    void stop() {
        threads.shutdown();
    }
}
