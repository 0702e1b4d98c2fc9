package io.gantry.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.coordination.v1.Lease;
import io.gantry.apiserver.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The leader's process is SIGKILLed, as a machine loss: the oldest member runs in a JVM of its
 * own, two members here campaign; when the process dies the next oldest takes over without the
 * partition wait (the dead member's port refuses connections) and publishes the next term.
 */
class LeaderKillTest {

    private final TestCluster cluster = new TestCluster(3);
    private final Registry registry = HazelcastLeaderElectionTest.registry();
    private final List<HazelcastLeaderElection> elections = new ArrayList<>();

    @AfterEach
    void stop() {
        elections.forEach(HazelcastLeaderElection::deactivate);
        cluster.close();
        registry.watches().close();
    }

    @Test
    void whenTheLeadersProcessIsKilledTheNextOldestLeads() throws Exception {
        Process leader = cluster.startProcess(0, "node-1");
        List<RecordingCandidate> candidates = new ArrayList<>();
        List<HazelcastInstance> members = List.of(cluster.start(1, "node-2"), cluster.start(2, "node-3"));
        for (HazelcastInstance member : members) {
            HazelcastLeaderElection election = new HazelcastLeaderElection(member, TestCluster.electionConfig(15, 5));
            election.setApi(registry);
            elections.add(election);
            RecordingCandidate candidate = new RecordingCandidate();
            election.campaign(LeaderElection.SCHEDULER, candidate);
            candidates.add(candidate);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> members.get(0).getCluster().getMembers().size() == 3);
        assertEquals("node-1", elections.get(0).current(LeaderElection.SCHEDULER).holder(), "the process's member is the oldest");
        assertFalse(candidates.get(0).leading || candidates.get(1).leading);

        long killed = System.nanoTime();
        leader.destroyForcibly(); // SIGKILL
        await().atMost(Duration.ofSeconds(20)).until(() -> candidates.get(0).leading);

        assertFalse(candidates.get(1).leading);
        assertNull(candidates.get(0).error);
        Lease lease = registry.get(ResourceKind.LEASES, "kube-system", LeaderElection.SCHEDULER);
        assertEquals("node-2", lease.spec.holderIdentity);
        System.out.println("Leader process SIGKILLed -> successor leading after "
                + (candidates.get(0).startedNanos - killed) / 1_000_000 + " ms");
    }
}
