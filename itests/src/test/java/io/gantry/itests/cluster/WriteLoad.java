package io.gantry.itests.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A steady load of ConfigMap creates through several API servers, as clients with failover do: a
 * writer that gets no answer, or a 5xx, goes on with the next API server and a new name (the
 * failed create may or may not have been made, so it counts as not acknowledged). Every create
 * the API answered 201 is acknowledged, with the resourceVersion it was given.
 */
final class WriteLoad implements AutoCloseable {

    private static final String PATH = "/api/v1/namespaces/default/configmaps";

    private final List<String> apiUrls;
    private final String prefix;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Map<String, String> acknowledged = new ConcurrentHashMap<>();
    private final AtomicInteger failed = new AtomicInteger();
    private final AtomicBoolean writing = new AtomicBoolean(true);
    private final List<Thread> writers = new ArrayList<>();

    /** Starts {@code threads} writers of ConfigMaps named PREFIX-w-i over the API servers given. */
    WriteLoad(String prefix, int threads, List<String> apiUrls) {
        this.prefix = prefix;
        this.apiUrls = List.copyOf(apiUrls);
        for (int w = 0; w < threads; w++) {
            int writer = w;
            Thread thread = new Thread(() -> write(writer), "write-load-" + w);
            thread.setDaemon(true);
            writers.add(thread);
            thread.start();
        }
    }

    private void write(int writer) {
        int server = writer % apiUrls.size();
        for (int i = 0; writing.get(); i++) {
            String name = prefix + "-" + writer + "-" + i;
            String body = "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                    + "\"},\"data\":{\"i\":\"" + i + "\"}}";
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(apiUrls.get(server) + PATH))
                        .timeout(Duration.ofSeconds(30))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 201) {
                    JsonNode created = LocalCluster.json(response.body());
                    acknowledged.put(name, created.path("metadata").path("resourceVersion").asText());
                    continue;
                }
                failed.incrementAndGet();
            } catch (IOException e) {
                failed.incrementAndGet();
            } catch (InterruptedException e) {
                return;
            }
            server = (server + 1) % apiUrls.size();
        }
    }

    /** ConfigMap name to the resourceVersion its create was acknowledged with. */
    Map<String, String> acknowledged() {
        return Map.copyOf(acknowledged);
    }

    int count() {
        return acknowledged.size();
    }

    int failed() {
        return failed.get();
    }

    @Override
    public void close() throws InterruptedException {
        writing.set(false);
        for (Thread thread : writers) {
            thread.join(Duration.ofSeconds(60).toMillis());
        }
    }
}
