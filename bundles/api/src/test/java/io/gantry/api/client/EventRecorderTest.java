package io.gantry.api.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Pod;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class EventRecorderTest {

    private final InMemoryApiClient api = new InMemoryApiClient();
    private final EventRecorder recorder = new EventRecorder(api, "default-scheduler", "node-1");

    @AfterEach
    void close() {
        recorder.close();
    }

    private static Pod pod(String name) {
        Pod pod = new Pod();
        pod.metadata.namespace = "shop";
        pod.metadata.name = name;
        pod.metadata.uid = "uid-" + name;
        return pod;
    }

    private List<Event> events() {
        return api.list(ResourceKind.EVENTS, "shop", ListOptions.ALL).items;
    }

    @Test
    void aRepeatRaisesTheCountOfOneEvent() {
        Pod pod = pod("web");
        recorder.warning(pod, "FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.");
        recorder.warning(pod, "FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.");
        recorder.warning(pod, "FailedScheduling", "0/1 nodes are available: 1 Insufficient cpu.");

        await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1 && events().get(0).count == 3);
        Event event = events().get(0);
        assertEquals("Warning", event.type);
        assertEquals("FailedScheduling", event.reason);
        assertEquals("web", event.involvedObject.name);
        assertEquals("uid-web", event.involvedObject.uid);
        assertEquals("default-scheduler", event.source.component);
        assertTrue(event.metadata.name.startsWith("web."));
        assertNotNull(event.firstTimestamp);
        assertNotNull(event.lastTimestamp);
    }

    @Test
    void anotherMessageOrObjectIsAnotherEvent() {
        recorder.normal(pod("web"), "Scheduled", "Successfully assigned shop/web to node-1");
        recorder.normal(pod("web"), "Scheduled", "Successfully assigned shop/web to node-2");
        recorder.normal(pod("db"), "Scheduled", "Successfully assigned shop/db to node-1");

        await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 3);
        assertTrue(events().stream().allMatch(e -> e.count == 1));
    }

    @Test
    void aRepeatOfAnEventDeletedMeanwhileStartsAFreshOne() {
        Pod pod = pod("web");
        recorder.normal(pod, "Pulled", "Container image already present");
        await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1);
        Event first = events().get(0);
        api.delete(ResourceKind.EVENTS, "shop", first.metadata.name, null);

        recorder.normal(pod, "Pulled", "Container image already present");

        await().atMost(Duration.ofSeconds(10)).until(() -> events().size() == 1
                && !events().get(0).metadata.name.equals(first.metadata.name));
        assertEquals(1, events().get(0).count);
    }
}
