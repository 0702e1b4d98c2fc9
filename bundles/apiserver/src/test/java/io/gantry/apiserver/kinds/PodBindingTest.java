package io.gantry.apiserver.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.json.Json;
import io.gantry.apiserver.kinds.pod.PodBinding;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The binding's rewrite of a stored pod, as a stream of tokens, gives the pod the tree rewrite
 * gives (spec.nodeName set, every PodScheduled condition replaced by one true one at the end,
 * all else as it was), for pods with and without each of the parts it touches.
 */
class PodBindingTest {

    private static final String NOW = "2026-11-24T12:00:00Z";

    @Test
    void aPodIsBoundAsTheTreeRewriteBindsIt() throws Exception {
        List<String> pods = List.of(
                // as stored by a create: status with Pending and no conditions
                """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","namespace":"default","uid":"u-1",
                 "labels":{"app":"web"},"annotations":{"note":"spec.nodeName in a string"}},
                 "spec":{"containers":[{"name":"c","image":"i","resources":{"requests":{"cpu":"100m"}}}],
                 "schedulerName":"default-scheduler","priority":0,"overhead":null},
                 "status":{"phase":"Pending","qosClass":"Burstable"}}""",
                // unschedulable before: its PodScheduled=False goes, the others stay in order
                """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","uid":"u-2"},
                 "spec":{"nodeName":"","containers":[]},
                 "status":{"conditions":[{"type":"Ready","status":"False"},
                  {"type":"PodScheduled","status":"False","reason":"Unschedulable","message":"0/3 nodes"},
                  {"type":"Initialized","status":"True","x":[1,2.5,{"y":null}]}]}}""",
                // no spec, no status at all; a status of null; conditions of null
                """
                {"metadata":{"name":"bare"}}""",
                """
                {"metadata":{"name":"n"},"spec":null,"status":null}""",
                """
                {"metadata":{"name":"n"},"spec":{},"status":{"conditions":null,"phase":"Pending"}}""");
        for (String text : pods) {
            byte[] stored = text.getBytes(StandardCharsets.UTF_8);
            PodBinding.Bound bound = PodBinding.bind(stored, "node-7", NOW);
            assertEquals(treeRewrite(stored, "node-7"), Json.mapper().readTree(bound.value()), text);
        }
    }

    @Test
    void whatTheChecksNeedIsReadOnTheWay() throws Exception {
        PodBinding.Bound fresh = PodBinding.bind("""
                {"metadata":{"name":"a","uid":"u-1","deletionTimestamp":null},"spec":{"nodeName":""}}"""
                .getBytes(StandardCharsets.UTF_8), "n", NOW);
        assertEquals("u-1", fresh.uid());
        assertFalse(fresh.marked());
        assertEquals("", fresh.nodeName());

        PodBinding.Bound taken = PodBinding.bind("""
                {"metadata":{"name":"a","deletionTimestamp":"2026-11-24T11:00:00Z"},"spec":{"nodeName":"other"}}"""
                .getBytes(StandardCharsets.UTF_8), "n", NOW);
        assertNull(taken.uid());
        assertTrue(taken.marked());
        assertEquals("other", taken.nodeName());
    }

    @Test
    void aValueThatIsNoObjectIsRefused() {
        assertThrows(IOException.class, () -> PodBinding.bind("[1]".getBytes(StandardCharsets.UTF_8), "n", NOW));
        assertThrows(IOException.class, () -> PodBinding.bind("{\"metadata\":".getBytes(StandardCharsets.UTF_8), "n", NOW));
    }

    /** What the binding did with a tree of the pod. */
    private static JsonNode treeRewrite(byte[] stored, String node) throws IOException {
        ObjectNode pod = (ObjectNode) Json.mapper().readTree(stored);
        if (!(pod.get("spec") instanceof ObjectNode)) {
            pod.putObject("spec");
        }
        ((ObjectNode) pod.get("spec")).put("nodeName", node);
        if (!(pod.get("status") instanceof ObjectNode)) {
            pod.putObject("status");
        }
        ObjectNode status = (ObjectNode) pod.get("status");
        if (!(status.get("conditions") instanceof ArrayNode)) {
            status.putArray("conditions");
        }
        ArrayNode conditions = (ArrayNode) status.get("conditions");
        for (int i = conditions.size() - 1; i >= 0; i--) {
            if ("PodScheduled".equals(conditions.get(i).path("type").asText())) {
                conditions.remove(i);
            }
        }
        conditions.addObject().put("type", "PodScheduled").put("status", "True").putNull("lastProbeTime")
                .put("lastTransitionTime", NOW);
        return pod;
    }
}
