package io.gantry.controllers.nodes;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.Times;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The eviction decision alone: tolerations, their seconds, and the default for not-ready and unreachable. */
class TaintEvictionTest {

    private static final Instant TAINTED = Instant.parse("2026-11-24T01:00:00Z");
    private static final Instant NOW = TAINTED.plusSeconds(1);

    @Test
    void aPodNamingNoTolerationGetsTheDefaultForNotReadyAndUnreachableButNotForOtherTaints() {
        Pod pod = pod("[]");
        assertEquals(new TaintEviction.Decision(TaintEviction.Action.EVICT, TAINTED.plusSeconds(2)),
                TaintEviction.decide(pod, List.of(taint(NodeTaints.UNREACHABLE)), 2, NOW, STAMPED));
        assertEquals(new TaintEviction.Decision(TaintEviction.Action.EVICT, TAINTED.plusSeconds(2)),
                TaintEviction.decide(pod, List.of(taint(NodeTaints.NOT_READY)), 2, NOW, STAMPED));
        assertEquals(TaintEviction.Decision.NOW, TaintEviction.decide(pod, List.of(taint("dedicated")), 2, NOW, STAMPED));
        assertEquals(TaintEviction.Decision.NOW, TaintEviction.decide(pod, List.of(taint(NodeTaints.UNREACHABLE)), 2,
                TAINTED.plusSeconds(3), STAMPED));
    }

    @Test
    void theShortestTolerationUsedWinsAndNoSecondsMeansForEver() {
        Pod pod = pod("""
                [{"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 10},
                 {"key": "dedicated", "operator": "Exists"}]""");
        assertEquals(new TaintEviction.Decision(TaintEviction.Action.EVICT, TAINTED.plusSeconds(10)),
                TaintEviction.decide(pod, List.of(taint(NodeTaints.UNREACHABLE), taint("dedicated")), 2, NOW, STAMPED));
        assertEquals(TaintEviction.Decision.KEEP, TaintEviction.decide(pod, List.of(taint("dedicated")), 2, NOW, STAMPED));
        // its own toleration for unreachable replaces the default, but not-ready still gets the default
        assertEquals(new TaintEviction.Decision(TaintEviction.Action.EVICT, TAINTED.plusSeconds(2)),
                TaintEviction.decide(pod, List.of(taint(NodeTaints.NOT_READY)), 2, NOW, STAMPED));
        Pod everything = pod("[{\"operator\": \"Exists\"}]");
        assertEquals(TaintEviction.Decision.KEEP,
                TaintEviction.decide(everything, List.of(taint(NodeTaints.UNREACHABLE), taint("dedicated")), 2, NOW, STAMPED));
    }

    @Test
    void aPodBoundAfterTheTaintCameIsGivenItsWholeToleration() {
        Pod late = pod("[]");
        late.metadata.creationTimestamp = Times.format(TAINTED.plusSeconds(30));
        assertEquals(new TaintEviction.Decision(TaintEviction.Action.EVICT, TAINTED.plusSeconds(32)),
                TaintEviction.decide(late, List.of(taint(NodeTaints.UNREACHABLE)), 2, TAINTED.plusSeconds(31), STAMPED));
    }

    /** The taints' own time, as a controller that just started knows it. */
    private static final java.util.function.Function<Taint, Instant> STAMPED = t -> TaintEviction.stamped(t, NOW);

    private static Pod pod(String tolerations) {
        Pod pod = new Pod();
        pod.metadata.name = "web";
        pod.metadata.namespace = "default";
        pod.metadata.creationTimestamp = Times.format(TAINTED.minusSeconds(3600));
        pod.spec.extra("tolerations", Json.read(tolerations, com.fasterxml.jackson.databind.JsonNode.class));
        return pod;
    }

    private static Taint taint(String key) {
        Taint taint = new Taint(key, null, Taint.NO_EXECUTE);
        taint.timeAdded = Times.format(TAINTED);
        return taint;
    }
}
