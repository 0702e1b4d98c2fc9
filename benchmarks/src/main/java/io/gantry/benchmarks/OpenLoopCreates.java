package io.gantry.benchmarks;

import static io.gantry.benchmarks.NodeApi.PODS;

import java.net.URI;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntFunction;

/**
 * {@code api-open RATE SECONDS}: single-pod creates offered in an open loop at RATE per second,
 * as independent clients would send them, whether or not earlier ones have answered.
 *
 * <p>Request i is due at {@code start + i / RATE}; its latency runs from that due time, not from
 * the moment it was actually sent, so a stall of the server (or of this client) shows in every
 * request that should have gone out during it (no coordinated omission).
 *
 * <p>The peer, offered at the same rate in the same run: {@code GET /healthz} of the same server,
 * which goes through the same HTTP stack and servlet but touches no object. The ratio of the two
 * is what the API (decoding, validation, admission, the store, the watch event) adds over HTTP.
 */
final class OpenLoopCreates {

    private static final int WARM_UP_SECONDS = 2;

    /** Connections of the load: enough that a stall of up to ~60 ms at 1,000/s queues nothing here. */
    private static final int CONNECTIONS = 64;

    private final NodeApi api = new NodeApi(NodeApi.client());
    private final PlainHttp http = new PlainHttp(URI.create(NodeApi.URL), CONNECTIONS);

    void run(int rate, int seconds) throws Exception {
        api.ensureNamespace();
        String run = NodeApi.runId();
        int count = rate * seconds;
        System.out.printf(Locale.ROOT, "api-open: %d requests/s offered for %d s (open loop, latency from the due time), "
                + "after %d s of warm-up each%n", rate, seconds, WARM_UP_SECONDS);
        IntFunction<byte[]> healthz = i -> http.prepare("GET", "/healthz", null);
        IntFunction<byte[]> create = i -> http.prepare("POST", PODS, NodeApi.pod("open-" + run + "-" + i, run, "nowhere"));
        try {
            offer(healthz, rate, WARM_UP_SECONDS, 0);
            offer(create, rate, WARM_UP_SECONDS, count);
            Result peer = offer(healthz, rate, seconds, 0);
            Result creates = offer(create, rate, seconds, 0);
            peer.print("GET /healthz (peer)");
            creates.print("create pod");
            creates.latencies.printRatio("create pod", peer.latencies, creates.achieved, peer.achieved);
        } finally {
            http.close();
            api.deletePods(run);
        }
    }

    /** What one offered phase gave. */
    private record Result(Latencies latencies, double achieved, int errors, String firstError, double maxSendLagMillis,
                          Instant began, Instant ended) {

        void print(String what) {
            latencies.print(what, achieved);
            System.out.printf(Locale.ROOT, "  %-30s errors %d%s, sender at most %.2f ms late%n", "",
                    errors, errors == 0 ? "" : " (first: " + firstError + ")", maxSendLagMillis);
            // to find the phase in the server's logs (a GC log with -Xlog:...:time, say)
            System.out.printf(Locale.ROOT, "  %-30s from %s to %s%n", "", began, ended);
        }
    }

    /**
     * Sends {@code rate * seconds} requests, request i at its due time (numbered from
     * {@code firstIndex}), and waits for every answer.
     */
    private Result offer(IntFunction<byte[]> requests, int rate, int seconds, int firstIndex) throws Exception {
        int count = rate * seconds;
        // built before the clock starts: the sender does nothing but send
        byte[][] prepared = new byte[count][];
        for (int i = 0; i < count; i++) {
            prepared[i] = requests.apply(firstIndex + i);
        }
        Latencies latencies = new Latencies();
        CountDownLatch answered = new CountDownLatch(count);
        AtomicInteger errors = new AtomicInteger();
        AtomicReference<String> firstError = new AtomicReference<>();
        AtomicLong lastAnswer = new AtomicLong();
        long maxLag = 0;
        Instant began = Instant.now();
        long start = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(50);
        for (int i = 0; i < count; i++) {
            long due = start + (long) (i * 1e9 / rate);
            long now;
            while ((now = System.nanoTime()) < due) {
                LockSupport.parkNanos(due - now);
            }
            maxLag = Math.max(maxLag, now - due);
            http.send(prepared[i], (status, firstLine, failure) -> {
                long done = System.nanoTime();
                lastAnswer.accumulateAndGet(done, Math::max);
                if (failure != null || status >= 300) {
                    errors.incrementAndGet();
                    firstError.compareAndSet(null, failure != null ? failure.toString() : firstLine);
                } else {
                    latencies.add(done - due);
                }
                answered.countDown();
            });
        }
        if (!answered.await(120, TimeUnit.SECONDS)) {
            throw new IllegalStateException(answered.getCount() + " of " + count + " requests unanswered after 120 s");
        }
        double achieved = latencies.count() / ((lastAnswer.get() - start) / 1e9);
        return new Result(latencies, achieved, errors.get(), firstError.get(), maxLag / 1e6, began, Instant.now());
    }
}
