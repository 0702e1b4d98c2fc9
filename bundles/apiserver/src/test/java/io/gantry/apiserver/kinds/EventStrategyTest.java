package io.gantry.apiserver.kinds;

import static io.gantry.apiserver.kinds.KindTesting.cells;
import static io.gantry.apiserver.kinds.KindTesting.created;
import static io.gantry.apiserver.kinds.KindTesting.createCauses;
import static io.gantry.apiserver.kinds.KindTesting.header;
import static io.gantry.apiserver.kinds.KindTesting.tree;
import static io.gantry.apiserver.kinds.KindTesting.updateCauses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.meta.v1.Times;
import io.gantry.apiserver.kinds.event.EventStrategy;
import io.gantry.apiserver.kinds.event.EventsV1Strategy;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** v1 and events.k8s.io/v1 events: legacy and strict checks, one set of columns. */
class EventStrategyTest {

    private final EventStrategy events = new EventStrategy();
    private final EventsV1Strategy eventsV1 = new EventsV1Strategy();

    private static String ago(long seconds) {
        return Times.format(Instant.now().minusSeconds(seconds));
    }

    @Test
    void coreEventsPrintAsKubectlGetEvents() {
        ObjectNode event = tree("""
                metadata: {name: web.17a, namespace: default}
                involvedObject: {kind: Pod, name: web, namespace: default, fieldPath: "spec.containers{httpd}"}
                reason: Pulled
                message: "Container image already present on machine\\n"
                type: Normal
                source: {component: kubelet, host: node-1}
                firstTimestamp: "%s"
                lastTimestamp: "%s"
                count: 3
                """.formatted(ago(600), ago(30)));
        assertEquals(List.of("Last Seen", "Type", "Reason", "Object", "Message"), header(events, false));
        assertEquals(List.of("Last Seen", "Type", "Reason", "Object", "Subobject", "Source", "Message", "First Seen",
                "Count", "Name"), header(events, true));
        assertEquals(List.of("30s", "Normal", "Pulled", "pod/web", "spec.containers{httpd}", "kubelet, node-1",
                "Container image already present on machine", "10m", 3L, "web.17a"), cells(events, event, true));
        assertEquals(List.of(), KindTesting.causes(event, events::validate));
        assertEquals("kubelet", events.fieldSelectors().get("source").apply(event));
        assertEquals("web", events.fieldSelectors().get("involvedObject.name").apply(event));
        assertEquals(List.of("ev"), events.kind().shortNames());
    }

    @Test
    void coreEventsNeedTheirObjectsNamespace() {
        assertEquals(List.of("involvedObject.namespace|FieldValueInvalid|Invalid value: \"other\": does not match "
                        + "event.namespace"),
                createCauses(events, "{metadata: {name: e, namespace: default}, involvedObject: {kind: Pod, namespace: other}}"));
        assertEquals(List.of("reportingController|FieldValueRequired|Required value",
                        "reportingInstance|FieldValueRequired|Required value", "action|FieldValueRequired|Required value",
                        "reason|FieldValueRequired|Required value"),
                createCauses(events, "{metadata: {name: e, namespace: default}, involvedObject: {kind: Pod, "
                        + "namespace: default}, eventTime: \"2026-01-01T00:00:00.000000Z\"}"));
    }

    @Test
    void eventsV1AreCheckedStrictlyAndPrintedFromTheirOwnFields() {
        String event = """
                metadata: {name: web.18b, namespace: default}
                regarding: {kind: Pod, name: web, namespace: default}
                reason: Scheduled
                note: Successfully assigned default/web to node-1
                type: Normal
                eventTime: "%s"
                reportingController: default-scheduler
                reportingInstance: default-scheduler-node-1
                action: Binding
                """.formatted(ago(5));
        assertEquals(List.of(), createCauses(eventsV1, event));
        assertEquals(List.of("type|FieldValueInvalid|Invalid value: \"\": has invalid value: Info"),
                createCauses(eventsV1, event.replace("type: Normal", "type: Info")));
        assertEquals(List.of("count|FieldValueInvalid|Invalid value: \"\": needs to be unset"),
                createCauses(eventsV1, event + "deprecatedCount: 2\n"));
        assertEquals(List.of("message|FieldValueInvalid|Invalid value: \"Moved\": field is immutable"),
                updateCauses(eventsV1, event, event.replace("note: Successfully assigned default/web to node-1", "note: Moved")));
        ObjectNode tree = created(eventsV1, event);
        assertEquals(List.of("5s", "Normal", "Scheduled", "pod/web", "", "default-scheduler, default-scheduler-node-1",
                "Successfully assigned default/web to node-1", "5s", 1L, "web.18b"), cells(eventsV1, tree, true));
        assertEquals("events.k8s.io/v1", eventsV1.kind().apiVersion());
        assertEquals("default-scheduler", eventsV1.fieldSelectors().get("source").apply(tree));
        assertEquals("web", eventsV1.fieldSelectors().get("regarding.name").apply(tree));
    }
}
