package io.gantry.apiserver.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.json.Json;
import io.gantry.apiserver.ApiServerExtension;
import io.gantry.apiserver.Kubectl.Result;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * v1 events and events.k8s.io/v1 events are one stored resource, as in Kubernetes: what is
 * written through one API is read, listed, selected, watched and deleted through the other, with
 * the other's field names, driven by the real kubectl and plain HTTP on loopback.
 */
class EventsBothApisTest {

    private static final String CORE = "/api/v1/namespaces/default/events";
    private static final String EVENTS_V1 = "/apis/events.k8s.io/v1/namespaces/default/events";

    @RegisterExtension
    static final ApiServerExtension api = ApiServerExtension.plain();
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anEventsV1EventIsACoreEventToKubectlGetEvents() throws Exception {
        Result created = api.kubectl().stdin("""
                apiVersion: events.k8s.io/v1
                kind: Event
                metadata: {name: web.scheduled}
                regarding: {kind: Pod, name: web, namespace: default}
                reason: Scheduled
                note: Successfully assigned default/web to node-1
                type: Normal
                eventTime: "2026-11-24T07:00:00.000000Z"
                reportingController: default-scheduler
                reportingInstance: default-scheduler-node-1
                action: Binding
                """, "create", "-f", "-");
        assertEquals(0, created.code(), created.both());

        JsonNode core = get(CORE + "/web.scheduled");
        assertEquals("v1", core.path("apiVersion").asText());
        assertEquals("web", core.path("involvedObject").path("name").asText());
        assertEquals("Successfully assigned default/web to node-1", core.path("message").asText());
        assertEquals("default-scheduler", core.path("reportingComponent").asText());
        assertTrue(core.path("note").isMissingNode() && core.path("regarding").isMissingNode(), core.toString());

        Result listed = api.kubectl().run("get", "events", "-o", "wide");
        assertEquals(0, listed.code(), listed.both());
        assertTrue(listed.out().contains("Successfully assigned default/web to node-1"), listed.out());
        assertTrue(listed.out().contains("pod/web"), listed.out());

        JsonNode selected = get(CORE + "?fieldSelector=involvedObject.name%3Dweb,reason%3DScheduled");
        assertEquals(List.of("web.scheduled"), names(selected));
    }

    @Test
    void aCoreEventIsReadSelectedAndDeletedAsAnEventsV1Event() throws Exception {
        Result created = api.kubectl().stdin("""
                apiVersion: v1
                kind: Event
                metadata: {name: db.pulled}
                involvedObject: {kind: Pod, name: db, namespace: default, fieldPath: "spec.containers{db}"}
                reason: Pulled
                message: Container image already present on machine
                type: Normal
                source: {component: kubelet, host: node-1}
                firstTimestamp: "2026-11-24T07:00:00Z"
                lastTimestamp: "2026-11-24T07:01:00Z"
                count: 2
                """, "create", "-f", "-");
        assertEquals(0, created.code(), created.both());

        JsonNode event = get(EVENTS_V1 + "/db.pulled");
        assertEquals("events.k8s.io/v1", event.path("apiVersion").asText());
        assertEquals("db", event.path("regarding").path("name").asText());
        assertEquals("Container image already present on machine", event.path("note").asText());
        assertEquals("kubelet", event.path("deprecatedSource").path("component").asText());
        assertEquals(2, event.path("deprecatedCount").asInt());
        assertEquals("2026-11-24T07:01:00Z", event.path("deprecatedLastTimestamp").asText());
        assertTrue(event.path("message").isMissingNode() && event.path("involvedObject").isMissingNode(), event.toString());

        assertEquals(List.of("db.pulled"), names(get(EVENTS_V1 + "?fieldSelector=regarding.name%3Ddb")));
        Result v1 = api.kubectl().run("get", "events.v1.events.k8s.io", "db.pulled", "-o", "jsonpath={.note}");
        assertEquals("Container image already present on machine", v1.out(), v1.both());

        // the events.k8s.io rules hold for an update through that API: the note may not change
        String before = api.server().snapshot().entries().get("/registry/events/default/db.pulled");
        HttpResponse<String> changed = http.send(HttpRequest.newBuilder(URI.create(api.server().url() + EVENTS_V1 + "/db.pulled"))
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"note\":\"something else\"}"))
                .header("Content-Type", "application/merge-patch+json").build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(422, changed.statusCode(), changed.body());
        assertTrue(changed.body().contains("\"field\":\"message\""), changed.body());
        assertEquals(before, api.server().snapshot().entries().get("/registry/events/default/db.pulled"), "nothing was written");

        Result deleted = api.kubectl().run("delete", "events.v1.events.k8s.io", "db.pulled");
        assertEquals(0, deleted.code(), deleted.both());
        assertEquals(404, http.send(HttpRequest.newBuilder(URI.create(api.server().url() + CORE + "/db.pulled")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void aWatchOfEitherApiSeesEventsWrittenThroughTheOther() throws Exception {
        try (Lines v1 = watch(EVENTS_V1 + "?watch=1&fieldSelector=regarding.name%3Dcache");
             Lines core = watch(CORE + "?watch=1&fieldSelector=involvedObject.name%3Dcache")) {
            HttpResponse<String> created = http.send(HttpRequest.newBuilder(URI.create(api.server().url() + CORE))
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"apiVersion":"v1","kind":"Event","metadata":{"name":"cache.killing"},
                             "involvedObject":{"kind":"Pod","name":"cache","namespace":"default"},
                             "reason":"Killing","message":"Stopping container cache","type":"Normal"}"""))
                    .header("Content-Type", "application/json").build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(201, created.statusCode(), created.body());

            JsonNode seenAsV1 = v1.next();
            assertEquals("ADDED", seenAsV1.path("type").asText());
            assertEquals("events.k8s.io/v1", seenAsV1.path("object").path("apiVersion").asText());
            assertEquals("Stopping container cache", seenAsV1.path("object").path("note").asText());
            JsonNode seenAsCore = core.next();
            assertEquals("Stopping container cache", seenAsCore.path("object").path("message").asText());

            Result deleted = api.kubectl().run("delete", "event", "cache.killing");
            assertEquals(0, deleted.code(), deleted.both());
            JsonNode gone = v1.next();
            assertEquals("DELETED", gone.path("type").asText());
            assertEquals("cache", gone.path("object").path("regarding").path("name").asText());
        }
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create(api.server().url() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, answer.statusCode(), path + ": " + answer.body());
        return Json.mapper().readTree(answer.body());
    }

    private static List<String> names(JsonNode list) {
        return java.util.stream.StreamSupport.stream(list.path("items").spliterator(), false)
                .map(item -> item.path("metadata").path("name").asText()).toList();
    }

    private Lines watch(String path) throws Exception {
        HttpResponse<InputStream> answer = http.send(HttpRequest.newBuilder(URI.create(api.server().url() + path)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, answer.statusCode(), path);
        return new Lines(new BufferedReader(new InputStreamReader(answer.body(), StandardCharsets.UTF_8)));
    }

    /** The events of an open watch, one JSON line each. */
    private record Lines(BufferedReader reader) implements AutoCloseable {

        JsonNode next() throws Exception {
            String line = CompletableFuture.supplyAsync(() -> {
                try {
                    return reader.readLine();
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).get(Duration.ofSeconds(10).toMillis(), TimeUnit.MILLISECONDS);
            return Json.mapper().readTree(line);
        }

        @Override
        public void close() throws Exception {
            reader.close();
        }
    }
}
