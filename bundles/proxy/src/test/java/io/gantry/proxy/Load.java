package io.gantry.proxy;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** Clients sending requests on new connections in a loop until stopped, counting answers by backend and failures. */
final class Load implements AutoCloseable {

    final AtomicInteger ok = new AtomicInteger();
    final List<String> failures = new CopyOnWriteArrayList<>();
    /** When each failed request was sent ({@link System#nanoTime}). */
    final List<Long> failedAt = new CopyOnWriteArrayList<>();
    final Map<String, AtomicInteger> byBackend = new ConcurrentHashMap<>();
    private final List<Thread> threads = new CopyOnWriteArrayList<>();
    private volatile boolean running = true;

    /** One request, answering which backend served it. */
    interface Request {
        String send() throws Exception;
    }

    Load(String ip, int port, int clients) {
        this(() -> TestBackend.request(ip, port), clients);
    }

    Load(Request request, int clients) {
        for (int i = 0; i < clients; i++) {
            Thread thread = new Thread(() -> {
                while (running) {
                    long sent = System.nanoTime();
                    try {
                        String backend = request.send();
                        byBackend.computeIfAbsent(backend, b -> new AtomicInteger()).incrementAndGet();
                        ok.incrementAndGet();
                    } catch (Exception e) {
                        failures.add(e.toString());
                        failedAt.add(sent);
                    }
                }
            }, "test-load-" + i);
            thread.setDaemon(true);
            threads.add(thread);
            thread.start();
        }
    }

    int count(String backend) {
        AtomicInteger count = byBackend.get(backend);
        return count == null ? 0 : count.get();
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread thread : threads) {
            thread.join(10_000);
        }
    }
}
