package io.gantry.benchmarks;

import static io.gantry.benchmarks.NodeApi.NAMESPACE;
import static io.gantry.benchmarks.NodeApi.URL;
import static io.gantry.benchmarks.NodeApi.expect;

import io.gantry.api.json.Json;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;

/**
 * {@code api-watches N WRITES}: N watches open over HTTP on the config maps of one namespace, then
 * WRITES config maps created one after another; for every event and every watcher, the time from
 * the write's acknowledgement to the moment that watcher read the event, and whether every
 * watcher saw every event exactly once.
 *
 * <p>The peer, in the same run: the same writes to one single watcher, so that the ratio shows
 * what fanning out to N adds.
 */
final class WatchFanOut {

    private static final String CONFIG_MAPS = "/api/v1/namespaces/" + NAMESPACE + "/configmaps";
    private static final long WRITE_INTERVAL_MILLIS = 50;

    private final HttpClient http = NodeApi.client();
    private final NodeApi api = new NodeApi(http);

    void run(int watchers, int writes) throws Exception {
        api.ensureNamespace();
        System.out.printf(Locale.ROOT, "api-watches: %d writes (config map creates, one every %d ms) watched by 1 (peer), "
                + "then by %d watchers over HTTP%n", writes, WRITE_INTERVAL_MILLIS, watchers);
        Phase peer = phase(1, writes);
        Phase fanOut = phase(watchers, writes);
        peer.print("1 watcher (peer)");
        fanOut.print(watchers + " watchers");
        // from the send: a single watcher often reads its event before the write's answer arrives
        fanOut.fromSend.printRatio(watchers + " watchers, from send", peer.fromSend, Double.NaN, Double.NaN);
    }

    /** What one phase saw. */
    private record Phase(Latencies fromAck, Latencies fromSend, int opened, int asked, int complete, long missing,
                         long duplicates, long beforeAck, double openSeconds, int written, int writes,
                         String writeFailure) {

        void print(String what) {
            fromAck.print(what + ", from ack", Double.NaN);
            fromSend.print(what + ", from send", Double.NaN);
            System.out.printf(Locale.ROOT, "  %-30s %d of %d watches open (in %.1f s), %d saw every event; "
                    + "%d events missing, %d duplicated, %d read before the write's ack%n", "",
                    opened, asked, openSeconds, complete, missing, duplicates, beforeAck);
            System.out.printf(Locale.ROOT, "  %-30s %d of %d writes acknowledged%s%n", "", written, writes,
                    writeFailure == null ? "" : " (" + writeFailure + ")");
        }
    }

    private Phase phase(int count, int writes) throws Exception {
        String run = NodeApi.runId();
        String prefix = "watch-" + run + "-";
        String revision = Json.mapper().readTree(expect(200, api.send("GET", CONFIG_MAPS + "?limit=1", null)).body())
                .path("metadata").path("resourceVersion").asText();
        // watch from the list's revision: only the changes after it, none of the objects already there
        HttpRequest watch = HttpRequest.newBuilder(URI.create(URL + CONFIG_MAPS + "?watch=1&resourceVersion=" + revision
                + "&timeoutSeconds=1800")).header("Accept", "application/json").GET().build();
        List<Watcher> all = new ArrayList<>();
        List<CompletableFuture<HttpResponse<Flow.Publisher<List<ByteBuffer>>>>> headers = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            all.add(new Watcher(prefix, writes));
            headers.add(http.sendAsync(watch, HttpResponse.BodyHandlers.ofPublisher()));
        }
        List<Watcher> open = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        for (int i = 0; i < count; i++) {
            try {
                HttpResponse<Flow.Publisher<List<ByteBuffer>>> response =
                        headers.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (response.statusCode() == 200) {
                    response.body().subscribe(all.get(i));
                    open.add(all.get(i));
                }
            } catch (java.util.concurrent.TimeoutException e) {
                headers.get(i).cancel(true);
            }
        }
        double openSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "  %d of %d watches answered in %.1f s%n", open.size(), count, openSeconds);
        long[] sent = new long[writes];
        long[] acknowledged = new long[writes];
        int written = 0;
        String writeFailure = null;
        try {
            for (; written < writes; written++) {
                long due = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WRITE_INTERVAL_MILLIS);
                sent[written] = System.nanoTime();
                try {
                    expect(201, api.send("POST", CONFIG_MAPS, configMap(prefix + written, run)));
                } catch (Exception e) {
                    // the number to report: the API stopped answering writes with these watches open
                    writeFailure = "write " + written + " failed: " + e;
                    break;
                }
                acknowledged[written] = System.nanoTime();
                Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(due - System.nanoTime())));
            }
            // every open watcher gets its events, or 30 s pass
            int expected = written;
            long wait = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < wait && !open.stream().allMatch(w -> w.seen() >= expected)) {
                Thread.sleep(100);
            }
        } finally {
            open.forEach(Watcher::close);
            headers.forEach(h -> h.cancel(true));
            for (int i = 0; i < written; i++) {
                api.send("DELETE", CONFIG_MAPS + "/" + prefix + i, null);
            }
        }
        Latencies fromAck = new Latencies();
        Latencies fromSend = new Latencies();
        long missing = 0;
        long duplicates = 0;
        long beforeAck = 0;
        int complete = 0;
        for (Watcher watcher : open) {
            long[] arrivals = watcher.arrivals();
            int seen = 0;
            for (int i = 0; i < written; i++) {
                if (arrivals[i] == 0) {
                    missing++;
                    continue;
                }
                seen++;
                fromSend.add(arrivals[i] - sent[i]);
                long afterAck = arrivals[i] - acknowledged[i];
                if (afterAck < 0) {
                    beforeAck++;
                }
                fromAck.add(Math.max(0, afterAck));
            }
            duplicates += watcher.duplicates();
            complete += seen == written ? 1 : 0;
        }
        missing += (long) (count - open.size()) * written;
        return new Phase(fromAck, fromSend, open.size(), count, complete, missing, duplicates, beforeAck, openSeconds,
                written, writes, writeFailure);
    }

    private static String configMap(String name, String run) {
        return """
                {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "%s", "labels": {"bench": "%s"}},
                 "data": {"key": "%s"}}
                """.formatted(name, run, "v".repeat(100));
    }

    /**
     * One watch's reader: splits the stream into events (one JSON object per line) and records,
     * per write, when this watcher read its ADDED event. It finds the write by its name alone,
     * without parsing the event, so that a thousand readers cost this client little.
     */
    private static final class Watcher implements Flow.Subscriber<List<ByteBuffer>> {

        private final String marker;
        private final long[] arrivals;
        private final StringBuilder line = new StringBuilder(1024);
        private long duplicates;
        private int seen;
        private volatile Flow.Subscription subscription;

        Watcher(String prefix, int writes) {
            this.marker = "\"name\":\"" + prefix;
            this.arrivals = new long[writes];
        }

        @Override
        public void onSubscribe(Flow.Subscription subscription) {
            this.subscription = subscription;
            subscription.request(Long.MAX_VALUE);
        }

        @Override
        public synchronized void onNext(List<ByteBuffer> buffers) {
            long now = System.nanoTime();
            for (ByteBuffer buffer : buffers) {
                while (buffer.hasRemaining()) {
                    byte b = buffer.get();
                    if (b == '\n') {
                        event(now);
                        line.setLength(0);
                    } else {
                        line.append((char) (b & 0xff));
                    }
                }
            }
        }

        private void event(long now) {
            int at = line.indexOf(marker);
            if (at < 0 || line.indexOf("\"type\":\"ADDED\"") < 0) {
                return;
            }
            int from = at + marker.length();
            int to = from;
            while (to < line.length() && Character.isDigit(line.charAt(to))) {
                to++;
            }
            int index = Integer.parseInt(line, from, to, 10);
            if (arrivals[index] != 0) {
                duplicates++;
            } else {
                arrivals[index] = now;
                seen++;
            }
        }

        synchronized int seen() {
            return seen;
        }

        synchronized long[] arrivals() {
            return arrivals.clone();
        }

        synchronized long duplicates() {
            return duplicates;
        }

        @Override
        public void onError(Throwable throwable) {
        }

        @Override
        public void onComplete() {
        }

        void close() {
            Flow.Subscription current = subscription;
            if (current != null) {
                current.cancel();
            }
        }
    }
}
