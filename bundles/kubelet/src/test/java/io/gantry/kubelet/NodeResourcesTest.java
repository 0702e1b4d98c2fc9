package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.core.v1.NodeStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Capacity and allocatable come from configuration, less the system reserve. */
class NodeResourcesTest {

    @Test
    void configuredCapacityLessTheReserveIsAllocatable() {
        NodeResources resources = NodeResources.of("4", "8Gi", 50, "500m", "1Gi");
        assertEquals(Map.of("cpu", "4", "memory", "8388608Ki", "pods", "50"), resources.capacity());
        assertEquals(Map.of("cpu", "3500m", "memory", "7340032Ki", "pods", "50"), resources.allocatable());
        NodeStatus status = NodeStatuses.status(null, "127.0.0.1", "n1", "docker://20.10", null, resources, 10250);
        assertEquals("3500m", status.allocatable.get("cpu"));
        assertEquals("4", status.capacity.get("cpu"));
        assertEquals("Ready", status.conditions.get(3).type);
        assertEquals("True", status.conditions.get(3).status);
    }

    @Test
    void emptyMeansTheHostsAndAReserveNeverGoesBelowZero() {
        NodeResources resources = NodeResources.of("", "", 110, "", "");
        assertEquals(String.valueOf(Runtime.getRuntime().availableProcessors()), resources.capacity().get("cpu"));
        assertEquals(resources.capacity(), resources.allocatable());
        assertEquals("0", NodeResources.of("1", "1Gi", 1, "2", "2Gi").allocatable().get("cpu"));
        assertEquals("0Ki", NodeResources.of("1", "1Gi", 1, "2", "2Gi").allocatable().get("memory"));
    }
}
