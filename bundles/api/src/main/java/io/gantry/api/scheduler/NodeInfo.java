package io.gantry.api.scheduler;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Quantity;
import java.util.List;
import java.util.Map;

/**
 * A node as the scheduler sees it: the node, the pods bound to it, and CPU (millicores) and
 * memory (bytes) allocatable and requested.
 */
public record NodeInfo(Node node, List<Pod> pods, long allocatableMilliCpu, long allocatableMemory,
                       long requestedMilliCpu, long requestedMemory) {

    /** Builds the view of a node from its status and the pods bound to it. */
    public static NodeInfo of(Node node, List<Pod> pods) {
        Map<String, String> allocatable = node.status == null ? null
                : node.status.allocatable != null ? node.status.allocatable : node.status.capacity;
        long cpu = 0;
        long memory = 0;
        for (Pod pod : pods) {
            cpu += requestedMilliCpu(pod);
            memory += requestedMemory(pod);
        }
        return new NodeInfo(node, List.copyOf(pods),
                allocatable == null || allocatable.get("cpu") == null ? 0 : Quantity.milliValue(allocatable.get("cpu")),
                allocatable == null || allocatable.get("memory") == null ? 0 : Quantity.value(allocatable.get("memory")),
                cpu, memory);
    }

    /** The CPU a pod requests, in millicores, summed over its containers. */
    public static long requestedMilliCpu(Pod pod) {
        long total = 0;
        for (Container container : pod.spec.containers) {
            String cpu = request(container, "cpu");
            total += cpu == null ? 0 : Quantity.milliValue(cpu);
        }
        return total;
    }

    /** The memory a pod requests, in bytes, summed over its containers. */
    public static long requestedMemory(Pod pod) {
        long total = 0;
        for (Container container : pod.spec.containers) {
            String memory = request(container, "memory");
            total += memory == null ? 0 : Quantity.value(memory);
        }
        return total;
    }

    private static String request(Container container, String resource) {
        if (container.resources == null) {
            return null;
        }
        if (container.resources.requests != null && container.resources.requests.get(resource) != null) {
            return container.resources.requests.get(resource);
        }
        // Kubernetes defaults requests to limits when only limits are given.
        return container.resources.limits == null ? null : container.resources.limits.get(resource);
    }

    public String name() {
        return node.metadata.name;
    }
}
