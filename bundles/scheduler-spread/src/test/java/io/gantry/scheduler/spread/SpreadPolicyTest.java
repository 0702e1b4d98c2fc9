package io.gantry.scheduler.spread;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.ResourceRequirements;
import io.gantry.api.meta.v1.OwnerReference;
import io.gantry.api.scheduler.NodeInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SpreadPolicyTest {

    private final SpreadPolicy policy = new SpreadPolicy();

    @Test
    void prefersTheLeastAllocatedNode() {
        Node big = node("big", "4", "8Gi");
        Node busy = node("busy", "4", "8Gi");
        Pod pod = pod("new", "500m", "512Mi", null);
        int onBig = policy.score(pod, NodeInfo.of(big, List.of()));
        int onBusy = policy.score(pod, NodeInfo.of(busy, List.of(pod("old", "3", "6Gi", null))));
        assertTrue(onBig > onBusy, onBig + " should beat " + onBusy);
    }

    @Test
    void keepsReplicasOfOneOwnerApart() {
        Node a = node("a", "4", "8Gi");
        Node b = node("b", "4", "8Gi");
        Pod replica = pod("r2", "100m", "64Mi", "rs-uid");
        int withSibling = policy.score(replica, NodeInfo.of(a, List.of(pod("r1", "100m", "64Mi", "rs-uid"))));
        int withStranger = policy.score(replica, NodeInfo.of(b, List.of(pod("x", "100m", "64Mi", "other-uid"))));
        assertTrue(withStranger > withSibling, withStranger + " should beat " + withSibling);
    }

    @Test
    void scoresStayWithinZeroToHundred() {
        Node tiny = node("tiny", "100m", "64Mi");
        int score = policy.score(pod("huge", "8", "64Gi", null), NodeInfo.of(tiny, List.of()));
        assertTrue(score >= 0 && score <= 100);
        assertEquals(75, policy.score(pod("any", null, null, null), NodeInfo.of(new Node(), List.of())),
                "unknown capacity counts as half free, no siblings as fully apart");
    }

    private static Node node(String name, String cpu, String memory) {
        Node node = new Node();
        node.metadata.name = name;
        node.status().allocatable = Map.of("cpu", cpu, "memory", memory);
        return node;
    }

    private static Pod pod(String name, String cpu, String memory, String ownerUid) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        Container container = new Container();
        container.name = "c";
        if (cpu != null) {
            container.resources = new ResourceRequirements();
            container.resources.requests = Map.of("cpu", cpu, "memory", memory);
        }
        pod.spec.containers.add(container);
        if (ownerUid != null) {
            OwnerReference owner = new OwnerReference();
            owner.uid = ownerUid;
            owner.controller = true;
            pod.meta().ownerReferences().add(owner);
        }
        return pod;
    }
}
