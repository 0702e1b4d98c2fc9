package io.gantry.scheduler;

import static io.gantry.scheduler.Fixtures.node;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The cache's sums and counts follow pods as they are assumed, confirmed, moved, forgotten and removed. */
class SchedulerCacheTest {

    private final SchedulerCache cache = new SchedulerCache();

    @Test
    void sumsFollowThePods() {
        cache.updateNode(node("a"));
        PodProfile web = PodProfile.of(Fixtures.pod("web", "500m", "1Gi", "rs-1"));
        cache.assume(web, "a");
        assertTrue(cache.isAssumed(web.key));
        CachedNode a = cache.node("a");
        assertEquals(500, a.requestedMilliCpu());
        assertEquals(1, a.podsOfController("rs-1"));

        cache.addPod(web, "a");
        assertFalse(cache.isAssumed(web.key), "the watch confirmed it");
        assertEquals(500, a.requestedMilliCpu(), "confirming does not count it twice");
        cache.forget(web.key);
        assertEquals(1, a.podCount(), "a confirmed pod is not forgotten");

        cache.removePod(web.key);
        assertEquals(0, a.requestedMilliCpu());
        assertEquals(0, a.nonZeroRequestedMemory());
        assertEquals(0, a.podsOfController("rs-1"));
    }

    @Test
    void aPodSeenOnAnotherNodeMoves() {
        cache.updateNode(node("a"));
        cache.updateNode(node("b"));
        PodProfile web = PodProfile.of(Fixtures.pod("web", "500m", "1Gi", "rs-1"));
        cache.assume(web, "a");
        cache.addPod(web, "b"); // bound by an earlier leader elsewhere

        assertEquals(0, cache.node("a").podCount());
        assertEquals(0, cache.node("a").podsOfController("rs-1"));
        assertEquals(1, cache.node("b").podsOfController("rs-1"));
    }

    @Test
    void aNodeGoneWithItsPodsLeavesNoCountsToTheNextNode() {
        cache.updateNode(node("a"));
        PodProfile web = PodProfile.of(Fixtures.pod("web", "500m", "1Gi", "rs-1"));
        cache.addPod(web, "a");
        cache.removeNode("a");
        assertEquals(0, cache.nodes().length, "a node that is gone takes no pods");
        cache.removePod(web.key);

        cache.updateNode(node("c"));

        assertEquals(0, cache.node("c").podsOfController("rs-1"));
        assertArrayEquals(new String[] {"c"}, Arrays.stream(cache.nodes()).map(CachedNode::name).toArray());
    }
}
