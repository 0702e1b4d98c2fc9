package io.gantry.apiserver.e2e;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.apiserver.TestApiServer;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * More open HTTP watches than the server has request threads (Jetty's pool holds 200): each
 * watch is held without a thread of its own, so every watch sees the next change and the server
 * still answers writes.
 */
class ManyWatchesTest {

    private static final int WATCHES = 400;

    @Test
    void moreWatchesThanRequestThreadsAllSeeTheNextChangeAndWritesStillAnswer() throws Exception {
        try (TestApiServer server = new TestApiServer(false)) {
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
            String base = server.url() + "/api/v1/namespaces/default/configmaps";
            String version = http.send(HttpRequest.newBuilder(URI.create(base)).build(),
                    HttpResponse.BodyHandlers.ofString()).body().replaceAll(".*\"resourceVersion\":\"(\\d+)\".*", "$1");
            AtomicInteger opened = new AtomicInteger();
            AtomicInteger saw = new AtomicInteger();
            ExecutorService readers = Executors.newFixedThreadPool(WATCHES);
            List<CompletableFuture<?>> watches = new ArrayList<>();
            try {
                for (int i = 0; i < WATCHES; i++) {
                    HttpRequest watch = HttpRequest.newBuilder(URI.create(base + "?watch=true&timeoutSeconds=60"
                            + "&resourceVersion=" + version)).build();
                    watches.add(http.sendAsync(watch, HttpResponse.BodyHandlers.ofInputStream()).thenAcceptAsync(
                            response -> read(response.body(), opened, saw), readers));
                }
                await().atMost(Duration.ofSeconds(60)).until(() -> opened.get() == WATCHES);
                HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(base))
                        .header("Content-Type", "application/json")
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString("{\"metadata\":{\"name\":\"seen\"},\"data\":{\"a\":\"b\"}}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(201, created.statusCode(), created.body());
                await().atMost(Duration.ofSeconds(60)).until(() -> saw.get() == WATCHES);
            } finally {
                watches.forEach(w -> w.cancel(true));
                readers.shutdownNow();
            }
        }
    }

    /** Counts the watch once its response started, and again once it saw the config map. */
    private static void read(InputStream body, AtomicInteger opened, AtomicInteger saw) {
        opened.incrementAndGet();
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8))) {
            String line;
            while ((line = lines.readLine()) != null) {
                if (line.contains("\"ADDED\"") && line.contains("\"seen\"")) {
                    saw.incrementAndGet();
                    return;
                }
            }
        } catch (Exception e) {
            // the test ends the watch
        }
    }
}
