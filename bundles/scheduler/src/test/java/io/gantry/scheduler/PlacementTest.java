package io.gantry.scheduler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.ResourceRequirements;
import io.gantry.api.scheduler.SchedulerPolicy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PlacementTest {

    /** Prefers the node with the fewest pods: enough to see filtering and scoring at work. */
    private final SchedulerPolicy fewestPods = (pod, node) -> 100 - node.pods().size();

    @Test
    void filtersNodesThePodCannotRunOn() {
        Node notReady = node("a-not-ready", false, "4", "8Gi");
        Node cordoned = node("b-cordoned", true, "4", "8Gi");
        cordoned.spec.unschedulable = true;
        Node small = node("c-small", true, "100m", "8Gi");
        Node fits = node("d-fits", true, "4", "8Gi");
        Placement.Decision decision = new Placement().choose(pod("p", "500m", null), List.of(notReady, cordoned, small, fits),
                List.of(), fewestPods);
        assertEquals("d-fits", decision.node());
    }

    @Test
    void saysWhyNoNodeFitsAsKubernetesDoes() {
        Placement.Decision decision = new Placement().choose(pod("p", "8", Map.of("disk", "ssd")),
                List.of(node("a", true, "4", "8Gi"), node("b", false, "4", "8Gi"), node("c", true, "4", "8Gi")),
                List.of(), fewestPods);
        assertNull(decision.node());
        assertEquals("0/3 nodes are available: 2 node(s) didn't match Pod's node affinity/selector, 1 node(s) were not ready.",
                decision.message());
    }

    @Test
    void countsPodsItJustPlacedBeforeTheCacheShowsThem() {
        Placement placement = new Placement();
        Node a = node("a", true, "1", "8Gi");
        Node b = node("b", true, "1", "8Gi");
        List<Pod> pods = new ArrayList<>();
        Pod first = pod("first", "600m", null);
        pods.add(first);
        Placement.Decision one = placement.choose(first, List.of(a, b), pods, fewestPods);
        placement.assume(first, one.node());
        Pod second = pod("second", "600m", null);
        pods.add(second);
        Placement.Decision two = placement.choose(second, List.of(a, b), pods, fewestPods);
        assertTrue(!one.node().equals(two.node()), "the second pod does not fit where the first went");
    }

    private static Node node(String name, boolean ready, String cpu, String memory) {
        Node node = new Node();
        node.metadata.name = name;
        NodeCondition condition = new NodeCondition();
        condition.type = "Ready";
        condition.status = ready ? "True" : "False";
        node.status().conditions = List.of(condition);
        node.status.allocatable = Map.of("cpu", cpu, "memory", memory);
        return node;
    }

    private static Pod pod(String name, String cpu, Map<String, String> nodeSelector) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.namespace = "default";
        pod.spec.nodeSelector = nodeSelector;
        Container container = new Container();
        container.name = "c";
        container.resources = new ResourceRequirements();
        container.resources.requests = Map.of("cpu", cpu);
        pod.spec.containers.add(container);
        return pod;
    }
}
