package io.gantry.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The rule of who leads, on views of the cluster as members see them. */
class LeadershipTest {

    private static final ClusterNode LITE = node("lite", true, false, "control-plane");
    private static final ClusterNode WORKER = node("worker", false, false, "node");
    private static final ClusterNode CP1 = node("cp-1", false, false, "control-plane", "node");
    private static final ClusterNode CP2 = node("cp-2", false, true, "control-plane");
    private static final ClusterNode CP3 = node("cp-3", false, false, "control-plane");

    @Test
    void theOldestDataMemberOfTheControlPlaneLeads() {
        assertEquals(Optional.of(CP1), Leadership.leader(List.of(LITE, WORKER, CP1, CP2, CP3), 2));
        assertEquals(Optional.of(CP2), Leadership.leader(List.of(LITE, WORKER, CP2, CP3), 2));
    }

    @Test
    void noLeaderWithoutTheQuorumOfDataMembersWhateverTheLiteMembers() {
        assertEquals(Optional.empty(), Leadership.leader(List.of(LITE, CP2), 2), "lite members do not count");
        assertEquals(Optional.of(CP2), Leadership.leader(List.of(WORKER, CP2), 2), "a data worker counts, and never leads");
        assertEquals(Optional.empty(), Leadership.leader(List.of(LITE, WORKER), 1), "nobody may lead");
    }

    @Test
    void aMemberHearsTheQuorumWhenEnoughDataMembersSpokeWithinTheTolerance() {
        long now = 10_000;
        List<ClusterNode> view = List.of(LITE, CP1, CP2, CP3);
        Map<String, Long> heard = Map.of("lite", now - 5, "cp-1", now - 2_000, "cp-3", now - 500);
        assertTrue(Leadership.heardFromQuorum(view, heard, now, 1_000, 2), "itself and cp-3");
        assertFalse(Leadership.heardFromQuorum(view, heard, now, 1_000, 3), "cp-1 is silent, the lite member does not count");
        assertTrue(Leadership.heardFromQuorum(view, Map.of(), now, 1_000, 3), "members not heard yet have just joined");
    }

    @Test
    void aSuccessorWaitsUntilTheLostLeaderHasSurelyMissedTheHeartbeats() {
        // last heard at 100; the cut came by 100 + 1000, the lost leader stops by then + 1500 + 200
        assertEquals(2_800, Leadership.safeToStartAt(100, 1_000, 1_500, 200));
    }

    private static ClusterNode node(String name, boolean lite, boolean local, String... roles) {
        return new ClusterNode(name, "127.0.0.1:5701", name, "", Set.of(roles), lite, local);
    }
}
