package io.gantry.benchmarks;

import static io.gantry.benchmarks.NodeApi.PODS;
import static io.gantry.benchmarks.NodeApi.URL;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.json.Json;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * {@code api-list N ROUNDS}: N pods stored (bound to a node that does not exist), then ROUNDS
 * rounds of three lists of all of them, each timed until its last byte arrived: one full JSON
 * list, a paged list ({@code limit=500} following {@code continue} to the end), and the table
 * kubectl asks for ({@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}). Every list is
 * checked to hold the N pods.
 */
final class ListLatency {

    private static final int PAGE = 500;
    private static final int FILLERS = 8;
    private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io";

    private final HttpClient http = NodeApi.client();
    private final NodeApi api = new NodeApi(http);

    void run(int n, int rounds) throws Exception {
        api.ensureNamespace();
        String run = NodeApi.runId();
        String selector = "labelSelector=" + URLEncoder.encode("bench=" + run, StandardCharsets.UTF_8);
        System.out.printf(Locale.ROOT, "api-list: %d pods, %d rounds of each list (selector %s)%n", n, rounds, "bench=" + run);
        try {
            fill(n, run);
            Latencies full = new Latencies();
            Latencies paged = new Latencies();
            Latencies page = new Latencies();
            Latencies table = new Latencies();
            long fullBytes = 0;
            long tableBytes = 0;
            for (int round = 0; round < rounds; round++) {
                long start = System.nanoTime();
                byte[] body = get(PODS + "?" + selector, "application/json");
                full.add(System.nanoTime() - start);
                fullBytes = body.length;
                check("full list", n, Json.mapper().readTree(body).path("items").size());

                int items = 0;
                String token = "";
                long total = 0;
                do {
                    String path = PODS + "?" + selector + "&limit=" + PAGE
                            + (token.isEmpty() ? "" : "&continue=" + URLEncoder.encode(token, StandardCharsets.UTF_8));
                    start = System.nanoTime();
                    byte[] pageBody = get(path, "application/json");
                    long took = System.nanoTime() - start;
                    page.add(took);
                    total += took;
                    JsonNode list = Json.mapper().readTree(pageBody);
                    items += list.path("items").size();
                    token = list.path("metadata").path("continue").asText("");
                } while (!token.isEmpty());
                paged.add(total);
                check("paged list", n, items);

                start = System.nanoTime();
                body = get(PODS + "?" + selector, TABLE);
                table.add(System.nanoTime() - start);
                tableBytes = body.length;
                check("table", n, Json.mapper().readTree(body).path("rows").size());
            }
            full.print(String.format(Locale.ROOT, "full list (%.1f MB)", fullBytes / 1e6), Double.NaN);
            paged.print("paged list, all pages", Double.NaN);
            page.print("  one page of " + PAGE, Double.NaN);
            table.print(String.format(Locale.ROOT, "table (%.1f MB)", tableBytes / 1e6), Double.NaN);
        } finally {
            api.deletePods(run);
        }
    }

    /** Stores the pods with a few parallel clients, and prints how fast that went. */
    private void fill(int n, String run) throws Exception {
        Latencies creates = new Latencies();
        ExecutorService pool = Executors.newFixedThreadPool(FILLERS);
        long start = System.nanoTime();
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < FILLERS; w++) {
                int writer = w;
                done.add(pool.submit(() -> {
                    for (int i = writer; i < n; i += FILLERS) {
                        long sent = System.nanoTime();
                        NodeApi.expect(201, api.send("POST", PODS, NodeApi.pod("list-" + run + "-" + i, run, "nowhere")));
                        creates.add(System.nanoTime() - sent);
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
        creates.print("store (" + FILLERS + " clients, closed loop)", n / ((System.nanoTime() - start) / 1e9));
    }

    private byte[] get(String path, String accept) throws Exception {
        HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create(URL + path)).timeout(Duration.ofSeconds(120))
                .header("Accept", accept).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("GET " + path + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return response.body();
    }

    private static void check(String what, int expected, int seen) {
        if (seen != expected) {
            throw new IllegalStateException(what + " held " + seen + " pods, expected " + expected);
        }
    }
}
