package io.gantry.controllers.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.meta.v1.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The taints a node's conditions call for, alone. */
class NodeTaintsTest {

    private static final Instant NOW = Instant.parse("2026-11-24T01:00:00Z");

    @Test
    void readyFalseAndUnknownGiveTheirTaintsWhichSwapAndKeepTheirTime() {
        Node node = node("False");
        List<Taint> notReady = NodeTaints.desired(node, NOW);
        assertEquals(List.of("node.kubernetes.io/not-ready:NoSchedule", "node.kubernetes.io/not-ready:NoExecute"), names(notReady));
        assertEquals(Times.format(NOW), notReady.get(1).timeAdded);

        node.spec.taints = notReady;
        assertTrue(NodeTaints.sameTaints(notReady, NodeTaints.desired(node, NOW.plusSeconds(5))), "kept as they are, with their time");

        node.status.conditions.get(0).status = "Unknown";
        List<Taint> unreachable = NodeTaints.desired(node, NOW.plusSeconds(5));
        assertEquals(List.of("node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"), names(unreachable));
        assertEquals(Times.format(NOW.plusSeconds(5)), unreachable.get(1).timeAdded);

        node.status.conditions.get(0).status = "True";
        assertTrue(NodeTaints.desired(node, NOW).isEmpty());
    }

    @Test
    void othersTaintsStayAndPressureAndCordonAddNoSchedule() {
        Node node = node("True");
        node.spec.unschedulable = true;
        node.spec.taints = new ArrayList<>(List.of(new Taint("dedicated", "db", Taint.NO_EXECUTE)));
        NodeCondition disk = new NodeCondition();
        disk.type = "DiskPressure";
        disk.status = "True";
        node.status.conditions.add(disk);
        List<Taint> taints = NodeTaints.desired(node, NOW);
        assertEquals(List.of("dedicated:NoExecute", "node.kubernetes.io/unschedulable:NoSchedule",
                "node.kubernetes.io/disk-pressure:NoSchedule"), names(taints));
        assertFalse(NodeTaints.sameTaints(taints, node.spec.taints));
    }

    private static Node node(String ready) {
        Node node = new Node();
        node.metadata.name = "node-1";
        NodeCondition condition = new NodeCondition();
        condition.type = "Ready";
        condition.status = ready;
        node.status().conditions = new ArrayList<>(List.of(condition));
        return node;
    }

    private static List<String> names(List<Taint> taints) {
        return taints.stream().map(t -> t.key + ":" + t.effect).toList();
    }
}
