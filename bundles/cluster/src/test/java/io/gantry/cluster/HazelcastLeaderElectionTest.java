package io.gantry.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.coordination.v1.Lease;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Leader election on real Hazelcast members in this JVM, publishing to the real in-process API
 * server: the oldest data member of the control plane leads, a successor takes over when it dies,
 * a lite member never leads, and a member without the quorum stops leading.
 */
class HazelcastLeaderElectionTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final List<HazelcastLeaderElection> elections = new ArrayList<>();
    private TestCluster cluster;
    private Registry registry;

    @AfterEach
    void stop() {
        elections.forEach(HazelcastLeaderElection::deactivate);
        if (cluster != null) {
            cluster.close();
        }
        if (registry != null) {
            registry.watches().close();
        }
    }

    @Test
    void aLoneMemberLeadsAtOnce() {
        cluster = new TestCluster(1);
        HazelcastLeaderElection election = election(cluster.start(0, "node-1"));
        RecordingCandidate scheduler = new RecordingCandidate();
        RecordingCandidate controllers = new RecordingCandidate();

        LeaderElection.Campaign campaign = election.campaign(LeaderElection.SCHEDULER, scheduler);
        election.campaign(LeaderElection.CONTROLLER_MANAGER, controllers);

        await().atMost(DEADLINE).until(() -> scheduler.leading && controllers.leading);
        assertTrue(campaign.isLeading());
        assertEquals(new LeaderElection.Term(LeaderElection.SCHEDULER, "node-1", 0), election.current(LeaderElection.SCHEDULER));
        campaign.close();
        assertEquals(List.of("start node-1 0", "stop"), scheduler.calls, "closing a leading campaign stops it before close returns");
        assertFalse(campaign.isLeading());
        assertTrue(controllers.leading, "the other role's campaign goes on");
    }

    @Test
    void theOldestLeadsEveryRoleAndASuccessorTakesOverWhenItDies() {
        cluster = new TestCluster(3);
        registry = registry();
        List<HazelcastInstance> members = new ArrayList<>();
        List<RecordingCandidate> candidates = new ArrayList<>();
        List<RecordingCandidate> schedulers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(cluster.start(i, "node-" + (i + 1)));
        }
        for (int i = 0; i < 3; i++) {
            HazelcastLeaderElection election = election(members.get(i));
            election.setApi(registry);
            RecordingCandidate candidate = new RecordingCandidate();
            election.campaign(LeaderElection.CONTROLLER_MANAGER, candidate);
            candidates.add(candidate);
            RecordingCandidate scheduler = new RecordingCandidate();
            election.campaign(LeaderElection.SCHEDULER, scheduler);
            schedulers.add(scheduler);
        }
        await().atMost(DEADLINE).until(() -> candidates.get(0).leading && schedulers.get(0).leading);
        Lease first = registry.get(ResourceKind.LEASES, "kube-system", LeaderElection.CONTROLLER_MANAGER);
        assertEquals("node-1", first.spec.holderIdentity);
        assertNotNull(first.spec.acquireTime);
        assertEquals(15, first.spec.leaseDurationSeconds);
        assertEquals(first.spec.leaseTransitions.longValue(), candidates.get(0).term.epoch());
        for (HazelcastLeaderElection election : elections) {
            await().atMost(DEADLINE).until(() -> election.current(LeaderElection.CONTROLLER_MANAGER) != null
                    && election.current(LeaderElection.CONTROLLER_MANAGER).epoch() == first.spec.leaseTransitions);
            assertEquals("node-1", election.current(LeaderElection.CONTROLLER_MANAGER).holder(), "every member names the leader");
        }
        assertFalse(candidates.get(1).leading || candidates.get(2).leading || schedulers.get(1).leading);

        long killed = System.nanoTime();
        members.get(0).getLifecycleService().terminate();
        await().atMost(DEADLINE).until(() -> candidates.get(1).leading && schedulers.get(1).leading);
        long elected = candidates.get(1).startedNanos;

        assertFalse(candidates.get(2).leading, "one leader");
        Lease second = registry.get(ResourceKind.LEASES, "kube-system", LeaderElection.CONTROLLER_MANAGER);
        assertEquals("node-2", second.spec.holderIdentity);
        assertEquals(first.spec.leaseTransitions + 1, second.spec.leaseTransitions, "a new term counts a transition");
        assertEquals(second.spec.leaseTransitions.longValue(), candidates.get(1).term.epoch());
        assertEquals("node-2", registry.get(ResourceKind.LEASES, "kube-system", LeaderElection.SCHEDULER).spec.holderIdentity);
        for (RecordingCandidate candidate : candidates) {
            assertNull(candidate.error, candidate.error);
        }
        System.out.println("Leader terminated -> successor leading after " + (elected - killed) / 1_000_000 + " ms");
    }

    @Test
    void aLeaderThatShutsDownStopsAndItsSuccessorTakesOver() {
        cluster = new TestCluster(3);
        List<HazelcastInstance> members = new ArrayList<>();
        List<RecordingCandidate> candidates = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(cluster.start(i, "node-" + (i + 1)));
        }
        for (HazelcastInstance member : members) {
            RecordingCandidate candidate = new RecordingCandidate();
            election(member).campaign(LeaderElection.SCHEDULER, candidate);
            candidates.add(candidate);
        }
        await().atMost(DEADLINE).until(() -> candidates.get(0).leading);

        long shutdown = System.nanoTime();
        members.get(0).shutdown(); // graceful: it leaves the cluster, its partitions move first
        await().atMost(DEADLINE).until(() -> candidates.get(1).leading);

        assertEquals(List.of("start node-1 0", "stop"), candidates.get(0).calls, "the leaving leader stopped");
        assertTrue(candidates.get(0).stoppedNanos <= candidates.get(1).startedNanos, "before its successor started");
        assertFalse(candidates.get(2).leading);
        System.out.println("Leader shut down -> successor leading after "
                + (candidates.get(1).startedNanos - shutdown) / 1_000_000 + " ms");
    }

    @Test
    void theLeaderRenewsItsLease() {
        cluster = new TestCluster(1);
        registry = registry();
        HazelcastLeaderElection election = new HazelcastLeaderElection(cluster.start(0, "node-1"),
                TestCluster.electionConfig(3, 1));
        elections.add(election);
        election.setApi(registry);
        RecordingCandidate candidate = new RecordingCandidate();
        election.campaign(LeaderElection.SCHEDULER, candidate);
        await().atMost(DEADLINE).until(() -> candidate.leading);
        String acquired = registry.get(ResourceKind.LEASES, "kube-system", LeaderElection.SCHEDULER).spec.renewTime;

        await().atMost(DEADLINE).until(() -> !acquired.equals(
                registry.get(ResourceKind.LEASES, "kube-system", LeaderElection.SCHEDULER).spec.renewTime));
        assertTrue(candidate.leading);
        assertEquals(0, registry.get(ResourceKind.LEASES, "kube-system", LeaderElection.SCHEDULER).spec.leaseTransitions);
    }

    @Test
    void aLeaderWhoseLeaseAnotherHolderTookStopsLeading() {
        cluster = new TestCluster(1);
        registry = registry();
        HazelcastLeaderElection election = new HazelcastLeaderElection(cluster.start(0, "node-1"),
                TestCluster.electionConfig(3, 1));
        elections.add(election);
        election.setApi(registry);
        RecordingCandidate candidate = new RecordingCandidate();
        election.campaign(LeaderElection.SCHEDULER, candidate);
        await().atMost(DEADLINE).until(() -> candidate.leading);

        Lease lease = registry.get(ResourceKind.LEASES, "kube-system", LeaderElection.SCHEDULER);
        lease.spec.holderIdentity = "elsewhere";
        lease.spec.leaseTransitions++;
        registry.update(ResourceKind.LEASES, lease);

        await().atMost(DEADLINE).until(() -> candidate.calls.contains("stop"));
        // membership still names this node: it takes the role back in a new term
        await().atMost(DEADLINE).until(() -> candidate.leading);
        assertEquals(lease.spec.leaseTransitions + 1, candidate.term.epoch());
        assertNull(candidate.error, candidate.error);
    }

    @Test
    void aLiteMemberAndAWorkerNeverLead() {
        cluster = new TestCluster(3);
        cluster.quorum = 1;
        HazelcastInstance lite = cluster.start(0, "lite", true, MemberAttributes.CONTROL_PLANE, MemberAttributes.NODE_ROLE);
        HazelcastInstance worker = cluster.start(1, "worker", false, MemberAttributes.NODE_ROLE);
        HazelcastInstance controlPlane = cluster.start(2, "control");
        RecordingCandidate onLite = new RecordingCandidate();
        RecordingCandidate onWorker = new RecordingCandidate();
        RecordingCandidate onControlPlane = new RecordingCandidate();
        election(lite).campaign(LeaderElection.SCHEDULER, onLite);
        election(worker).campaign(LeaderElection.SCHEDULER, onWorker);
        election(controlPlane).campaign(LeaderElection.SCHEDULER, onControlPlane);

        await().atMost(DEADLINE).until(() -> onControlPlane.leading);
        assertEquals(3, lite.getCluster().getMembers().size());
        assertFalse(onLite.leading || onWorker.leading, "the older lite member and the worker do not lead");
        assertEquals("control", elections.get(0).current(LeaderElection.SCHEDULER).holder());
    }

    @Test
    void aLeaderThatLosesTheQuorumStopsAtOnce() {
        cluster = new TestCluster(3); // quorum 2
        List<HazelcastInstance> members = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            members.add(cluster.start(i, "node-" + (i + 1)));
        }
        RecordingCandidate leader = new RecordingCandidate();
        HazelcastLeaderElection oldest = election(members.get(0));
        LeaderElection.Campaign campaign = oldest.campaign(LeaderElection.CONTROLLER_MANAGER, leader);
        await().atMost(DEADLINE).until(() -> leader.leading);

        members.get(1).getLifecycleService().terminate();
        assertTrue(campaign.isLeading(), "two of three are a majority");
        long lost = System.nanoTime();
        members.get(2).getLifecycleService().terminate();

        await().atMost(DEADLINE).until(() -> !leader.leading);
        assertFalse(campaign.isLeading());
        assertNull(oldest.current(LeaderElection.CONTROLLER_MANAGER), "a minority has no leader");
        assertEquals(List.of("start node-1 0", "stop"), leader.calls);
        System.out.println("Quorum lost -> leader stopped after " + (leader.stoppedNanos - lost) / 1_000_000 + " ms");
    }

    private HazelcastLeaderElection election(HazelcastInstance member) {
        HazelcastLeaderElection election = new HazelcastLeaderElection(member, TestCluster.electionConfig(15, 5));
        elections.add(election);
        return election;
    }

    static Registry registry() {
        Registry registry = new Registry("memory");
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
        return registry;
    }
}
