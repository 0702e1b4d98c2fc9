package io.gantry.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.ConfigMap;
import io.gantry.api.json.Json;
import io.gantry.api.store.InMemoryStorageBackend;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * HTTP watches from a given resourceVersion, answered as kube-apiserver answers them: one the
 * store has not reached is waited for briefly, then refused with 504 "Too large resource
 * version" (cause ResourceVersionTooLarge, retry after 1 s); one it reaches meanwhile is served.
 */
class WatchResourceVersionTest {

    private static final String CONFIG_MAPS = "/api/v1/namespaces/default/configmaps";

    static Server jetty;
    static Registry registry;
    static String server;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        registry = new Registry("memory");
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(new ApiServlet(registry)), "/*");
        jetty.setHandler(context);
        jetty.start();
        server = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterAll
    static void stop() throws Exception {
        jetty.stop();
        registry.watches().close();
    }

    @Test
    void aWatchFromAFutureResourceVersionIsRefusedAsTooLarge() throws Exception {
        long current = Long.parseLong(registry.list(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL).metadata.resourceVersion);
        long future = current + 1000;

        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(server + CONFIG_MAPS
                + "?watch=true&resourceVersion=" + future)).timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());

        assertEquals(504, answer.statusCode(), answer.body());
        JsonNode status = Json.mapper().readTree(answer.body());
        assertEquals("Status", status.path("kind").asText());
        assertEquals("Failure", status.path("status").asText());
        assertEquals("Timeout", status.path("reason").asText());
        assertEquals(504, status.path("code").asInt());
        assertTrue(status.path("message").asText().startsWith("Timeout: Too large resource version: " + future + ", current: "),
                status.path("message").asText());
        assertEquals(1, status.path("details").path("retryAfterSeconds").asInt());
        assertEquals("ResourceVersionTooLarge", status.path("details").path("causes").path(0).path("reason").asText());
    }

    @Test
    void aWatchFromTheNextResourceVersionIsServedOnceTheStoreReachesIt() throws Exception {
        long current = Long.parseLong(registry.list(ResourceKind.CONFIG_MAPS, "default", ListOptions.ALL).metadata.resourceVersion);
        HttpRequest request = HttpRequest.newBuilder(URI.create(server + CONFIG_MAPS + "?watch=true&timeoutSeconds=10&resourceVersion="
                + (current + 1))).timeout(Duration.ofSeconds(30)).build();

        var pending = http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        ConfigMap configMap = new ConfigMap();
        configMap.metadata.name = "next";
        configMap.metadata.namespace = "default";
        configMap.data = Map.of("key", "value");
        ConfigMap created = registry.create(ResourceKind.CONFIG_MAPS, configMap);
        ConfigMap later = Json.copy(created);
        later.data = Map.of("key", "later");
        registry.update(ResourceKind.CONFIG_MAPS, later);

        HttpResponse<InputStream> answer = pending.get();
        assertEquals(200, answer.statusCode());
        try (BufferedReader lines = new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8))) {
            // the watch is from the create's revision: it gets the update, not the create
            JsonNode event = Json.mapper().readTree(lines.readLine());
            assertEquals("MODIFIED", event.path("type").asText(), event.toString());
            assertEquals("later", event.path("object").path("data").path("key").asText());
        }
    }
}
