package io.gantry.controllers.replication;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.core.v1.ContainerStatus;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.meta.v1.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scale-down order, rule by rule, as Kubernetes' ActivePodsWithRanks. */
class ActivePodsTest {

    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    @Test
    void eachRuleDecidesBeforeTheNext() {
        Pod unscheduled = pod("unscheduled", null, "Pending", false, 0, 3600);
        Pod pending = pod("pending", "node-1", "Pending", false, 0, 3600);
        Pod unknown = pod("unknown", "node-1", "Unknown", false, 0, 3600);
        Pod notReady = pod("not-ready", "node-1", "Running", false, 0, 3600);
        Pod cheap = pod("cheap", "node-9", "Running", true, 0, 3600);
        cheap.metadata.annotations = Map.of(ActivePods.DELETION_COST, "-10");
        Pod doubledUp = pod("doubled-up", "node-1", "Running", true, 0, 3600);
        Pod readyBriefly = pod("ready-briefly", "node-2", "Running", true, 0, 3600);
        readyBriefly.status.conditions = List.of(new PodCondition("Ready", "True", Times.format(NOW.minusSeconds(10))));
        Pod restarted = pod("restarted", "node-3", "Running", true, 5, 3600);
        Pod newer = pod("newer", "node-4", "Running", true, 0, 60);
        Pod older = pod("older", "node-5", "Running", true, 0, 86_400);
        List<Pod> expected = List.of(unscheduled, pending, unknown, notReady, cheap, doubledUp, readyBriefly, restarted,
                newer, older);

        for (long seed = 0; seed < 20; seed++) {
            List<Pod> shuffled = new ArrayList<>(expected);
            Collections.shuffle(shuffled, new java.util.Random(seed));
            List<Pod> chosen = ActivePods.toDelete(shuffled, expected, expected.size() - 1, NOW);
            assertEquals(names(expected.subList(0, expected.size() - 1)), names(chosen));
        }
    }

    @Test
    void deletesOnlyWhatIsAskedAndAllWhenAskedForMore() {
        List<Pod> pods = List.of(pod("a", "node-1", "Running", true, 0, 10), pod("b", null, "Pending", false, 0, 10));
        assertEquals(List.of("b"), names(ActivePods.toDelete(pods, pods, 1, NOW)));
        assertEquals(2, ActivePods.toDelete(pods, pods, 5, NOW).size());
    }

    private static List<String> names(List<Pod> pods) {
        return pods.stream().map(p -> p.metadata.name).toList();
    }

    /** A pod; ready ones have been ready for an hour, every pod was created {@code ageSeconds} ago. */
    private static Pod pod(String name, String node, String phase, boolean ready, int restarts, long ageSeconds) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.uid = "uid-" + name;
        pod.metadata.creationTimestamp = Times.format(NOW.minusSeconds(ageSeconds));
        pod.spec.nodeName = node;
        pod.status().phase = phase;
        pod.status().conditions = List.of(new PodCondition("Ready", ready ? "True" : "False",
                Times.format(NOW.minusSeconds(3600))));
        ContainerStatus container = new ContainerStatus();
        container.restartCount = restarts;
        pod.status().containerStatuses = List.of(container);
        return pod;
    }
}
