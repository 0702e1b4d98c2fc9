package io.gantry.apiserver;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Configs;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.Times;
import io.gantry.apiserver.Kubectl.Result;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Events expire once last seen longer ago than the event TTL, as with kube-apiserver's
 * {@code --event-ttl}: a real API server on loopback with a TTL of 2 s, driven by the real kubectl.
 */
class EventExpiryTest {

    private static final String EVENTS = "/api/v1/namespaces/default/events/";

    @RegisterExtension
    final ApiServerExtension api = ApiServerExtension.activated(Map.of("eventTTLSeconds", 2L));
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void anEventGoesOnceLastSeenLongerAgoThanTheTtlAndARepeatKeepsItLonger() throws Exception {
        create("quiet", Instant.now());
        create("recurring", Instant.now().plus(Duration.ofMinutes(10))); // seen again, as far as its times say

        await().atMost(Duration.ofSeconds(30)).until(() -> status("quiet") == 404);
        assertEquals(200, status("recurring"), "an event seen within the TTL stays");

        Result seenLongAgo = api.kubectl().run("patch", "event", "recurring", "--type=merge", "-p",
                "{\"lastTimestamp\":\"" + Times.format(Instant.now().minus(Duration.ofHours(2))) + "\"}");
        assertEquals(0, seenLongAgo.code(), seenLongAgo.both());
        await().atMost(Duration.ofSeconds(30)).until(() -> status("recurring") == 404);
    }

    @Test
    void aBadTtlIsRefusedAndTheRunningExpiryGoesOn() throws Exception {
        Map<String, Object> bad = Map.of("storage", "memory", "eventTTLSeconds", 0L);
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> api.registry().activate(Configs.of(Registry.Config.class, bad)));
        assertTrue(refused.getMessage().startsWith("eventTTLSeconds: Invalid value: 0"), refused.getMessage());

        create("quiet", Instant.now());
        await().atMost(Duration.ofSeconds(30)).until(() -> status("quiet") == 404);
    }

    @Test
    void theLastSightingIsTheLatestOfAnEventsTimes() {
        var event = Json.mapper().createObjectNode();
        event.putObject("metadata").put("creationTimestamp", "2026-11-24T07:00:00Z");
        event.put("lastTimestamp", "2026-11-24T07:05:00Z");
        event.putObject("series").put("lastObservedTime", "2026-11-24T07:09:00.123456Z");
        event.put("eventTime", "not a time");
        assertEquals(Instant.parse("2026-11-24T07:09:00.123456Z"), EventExpiry.lastSeen(event));
        event.remove("series");
        assertEquals(Instant.parse("2026-11-24T07:05:00Z"), EventExpiry.lastSeen(event));
    }

    private void create(String name, Instant lastSeen) throws Exception {
        Result created = api.kubectl().stdin("""
                apiVersion: v1
                kind: Event
                metadata: {name: %s}
                involvedObject: {kind: Pod, name: web, namespace: default}
                reason: BackOff
                message: Back-off restarting failed container
                type: Warning
                source: {component: kubelet}
                firstTimestamp: "%s"
                lastTimestamp: "%s"
                count: 3
                """.formatted(name, Times.format(lastSeen.minus(Duration.ofHours(3))), Times.format(lastSeen)),
                "create", "-f", "-");
        assertEquals(0, created.code(), created.both());
    }

    private int status(String name) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(api.server().url() + EVENTS + name)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
