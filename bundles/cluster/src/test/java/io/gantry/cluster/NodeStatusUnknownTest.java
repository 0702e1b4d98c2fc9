package io.gantry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.NodeStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeStatusUnknownTest {

    @Test
    void everyConditionBecomesUnknownKeepingTheLastHeartbeat() {
        NodeStatus status = new NodeStatus();
        status.conditions = List.of(condition("Ready", "True"), condition("MemoryPressure", "False"));

        List<NodeCondition> unknown = NodeStatusUnknown.conditions(status, "2026-11-24T02:00:00Z").orElseThrow();

        assertEquals(2, unknown.size());
        for (NodeCondition condition : unknown) {
            assertEquals("Unknown", condition.status);
            assertEquals("NodeStatusUnknown", condition.reason);
            assertEquals("Kubelet stopped posting node status.", condition.message);
            assertEquals("2026-11-24T01:00:00Z", condition.lastHeartbeatTime);
            assertEquals("2026-11-24T02:00:00Z", condition.lastTransitionTime);
        }
        NodeStatus marked = new NodeStatus();
        marked.conditions = unknown;
        assertTrue(NodeStatusUnknown.conditions(marked, "2026-11-24T03:00:00Z").isEmpty(), "marked once");
    }

    @Test
    void aNodeWhoseKubeletNeverPostedGetsAReadyConditionSayingSo() {
        List<NodeCondition> unknown = NodeStatusUnknown.conditions(null, "2026-11-24T02:00:00Z").orElseThrow();
        assertEquals(1, unknown.size());
        assertEquals("Ready", unknown.get(0).type);
        assertEquals("Unknown", unknown.get(0).status);
        assertEquals("NodeStatusNeverUpdated", unknown.get(0).reason);
        assertEquals("Kubelet never posted node status.", unknown.get(0).message);
    }

    private static NodeCondition condition(String type, String status) {
        NodeCondition condition = new NodeCondition();
        condition.type = type;
        condition.status = status;
        condition.lastHeartbeatTime = "2026-11-24T01:00:00Z";
        condition.lastTransitionTime = "2026-11-24T00:00:00Z";
        return condition;
    }
}
