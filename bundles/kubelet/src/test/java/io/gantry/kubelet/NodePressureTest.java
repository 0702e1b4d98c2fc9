package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.NodeStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pressure conditions, as Kubernetes' default hard eviction thresholds set them. */
class NodePressureTest {

    private static final NodeResources RESOURCES = NodeResources.of("4", "8Gi", 50, "500m", "1Gi");

    @TempDir
    Path dir;

    @Test
    void thresholdsAreKubernetesDefaults() {
        assertEquals(NodePressure.NONE, NodePressure.of(200L << 20, 0.5, 0.5));
        assertTrue(NodePressure.of(99L << 20, 0.5, 0.5).memory());
        assertTrue(NodePressure.of(200L << 20, 0.05, 0.5).disk());
        assertTrue(NodePressure.of(200L << 20, 0.5, 0.05).pids());
        assertEquals(NodePressure.NONE, NodePressure.of(-1, -1, -1), "what cannot be read is no pressure");
    }

    @Test
    void memoryAvailableIsReadFromMeminfo() throws Exception {
        Path meminfo = dir.resolve("meminfo");
        Files.writeString(meminfo, "MemTotal:       24000000 kB\nMemFree:          500000 kB\nMemAvailable:      51200 kB\n");
        assertEquals(51200L * 1024, NodePressure.memoryAvailableBytes(meminfo));
        assertTrue(NodePressure.of(NodePressure.memoryAvailableBytes(meminfo), 0.5, 0.5).memory());
    }

    @Test
    void theNodeReportsFourConditionsInKubernetesOrderAndKeepsTransitionTimes() {
        NodeStatus first = NodeStatuses.status(null, "127.0.0.1", "n1", "docker://20.10", null, RESOURCES, 0,
                new NodePressure(true, false, false));
        assertEquals(List.of("MemoryPressure", "DiskPressure", "PIDPressure", "Ready"),
                first.conditions.stream().map(c -> c.type).toList());
        NodeCondition memory = first.conditions.get(0);
        assertEquals("True", memory.status);
        assertEquals("KubeletHasInsufficientMemory", memory.reason);
        assertEquals("KubeletHasNoDiskPressure", first.conditions.get(1).reason);
        assertEquals("KubeletHasSufficientPID", first.conditions.get(2).reason);

        Node previous = new Node();
        previous.status = first;
        memory.lastTransitionTime = "2026-01-01T00:00:00Z";
        first.conditions.get(1).lastTransitionTime = "2026-01-01T00:00:00Z";
        NodeStatus next = NodeStatuses.status(previous, "127.0.0.1", "n1", "docker://20.10", null, RESOURCES, 0,
                new NodePressure(false, false, false));
        assertEquals("False", next.conditions.get(0).status);
        assertFalse(next.conditions.get(0).lastTransitionTime.equals("2026-01-01T00:00:00Z"), "memory pressure changed");
        assertEquals("2026-01-01T00:00:00Z", next.conditions.get(1).lastTransitionTime, "disk pressure did not");
    }
}
