package io.gantry.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.meta.v1.Times;
import io.gantry.apiserver.Registry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Node health from membership on three real members and the real API server: the Node of a
 * terminated member is Unknown as Kubernetes' node lifecycle controller words it, also when the
 * member was the leader (its successor finds it at the start of its term), a Node stored
 * without any member is marked once its heartbeat is older than the grace period, and a Node whose
 * kubelet keeps posting status is never marked for want of a member (a worker registers through
 * HTTP before its member joins).
 */
class NodeMonitorTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    /** The heartbeat grace of Nodes whose member was never seen (40 s in etc/io.gantry.cluster.cfg). */
    private static final Duration GRACE = Duration.ofSeconds(3);

    private final Registry registry = HazelcastLeaderElectionTest.registry();
    private final TestCluster cluster = new TestCluster(3);
    private final List<HazelcastInstance> members = new ArrayList<>();
    private final List<HazelcastLeaderElection> elections = new ArrayList<>();
    private final List<NodeMonitor> monitors = new ArrayList<>();

    @AfterEach
    void stop() {
        monitors.forEach(NodeMonitor::deactivate);
        elections.forEach(HazelcastLeaderElection::deactivate);
        cluster.close();
        registry.watches().close();
    }

    @Test
    void theNodeOfALostMemberIsUnknownAndTheLostLeadersNodeToo() {
        for (int i = 1; i <= 3; i++) {
            readyNode("node-" + i);
        }
        readyNode("ghost"); // stored, but no member of that name, and no kubelet posting its status
        startMonitoredMembers();
        await().atMost(DEADLINE).until(() -> "Unknown".equals(ready("ghost").status));
        assertEquals("True", ready("node-3").status);

        long killed = System.nanoTime();
        members.get(2).getLifecycleService().terminate();
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> "Unknown".equals(ready("node-3").status));
        long marked = System.nanoTime();
        NodeCondition condition = ready("node-3");
        assertEquals("NodeStatusUnknown", condition.reason);
        assertEquals("Kubelet stopped posting node status.", condition.message);
        assertEquals("True", ready("node-1").status);
        assertEquals("True", ready("node-2").status);

        long leaderKilled = System.nanoTime();
        members.get(0).getLifecycleService().terminate(); // the leader: node-2 alone is no quorum of 3...
        // ...so nothing may be marked: a minority writes nothing
        await().during(Duration.ofSeconds(2)).atMost(DEADLINE).until(() -> "True".equals(ready("node-1").status));
        System.out.println("Member terminated -> its Node Unknown after " + (marked - killed) / 1_000_000 + " ms; "
                + "with the quorum lost the Node of the lost leader stayed Ready for "
                + (System.nanoTime() - leaderKilled) / 1_000_000 + " ms");
    }

    @Test
    void theSuccessorOfALostLeaderMarksItsNode() {
        for (int i = 1; i <= 3; i++) {
            readyNode("node-" + i);
        }
        startMonitoredMembers();
        await().atMost(DEADLINE).until(() -> elections.get(0).current("kube-controller-manager") != null
                && "node-1".equals(elections.get(0).current("kube-controller-manager").holder()));

        long killed = System.nanoTime();
        members.get(0).getLifecycleService().terminate();
        await().atMost(DEADLINE).pollInterval(Duration.ofMillis(20)).until(() -> "Unknown".equals(ready("node-1").status));
        System.out.println("Leader terminated -> its Node Unknown (by its successor) after "
                + (System.nanoTime() - killed) / 1_000_000 + " ms");
        assertEquals("True", ready("node-2").status);
    }

    @Test
    void aNodeWhoseKubeletPostsStatusIsNotMarkedForWantOfAMember() {
        long heartbeat = System.nanoTime();
        readyNode("stale");
        readyNode("posting"); // a worker whose member has not joined yet, or whose member is named otherwise
        startMonitoredMembers();
        await().atMost(DEADLINE).until(() -> {
            heartbeat("posting");
            return "Unknown".equals(ready("stale").status);
        });
        // heartbeats are stamped in whole seconds
        assertTrue(System.nanoTime() - heartbeat >= GRACE.minusSeconds(1).toNanos(), "a fresh heartbeat is given the grace period");
        await().during(GRACE.multipliedBy(2)).atMost(DEADLINE).until(() -> {
            heartbeat("posting");
            return "True".equals(ready("posting").status);
        });
    }

    /** Members node-1..3, each with an election and a node monitor. */
    private void startMonitoredMembers() {
        for (int i = 0; i < 3; i++) {
            members.add(cluster.start(i, "node-" + (i + 1)));
        }
        for (HazelcastInstance member : members) {
            HazelcastLeaderElection election = new HazelcastLeaderElection(member, TestCluster.electionConfig(15, 5));
            election.setApi(registry);
            elections.add(election);
            monitors.add(new NodeMonitor(election, member, registry, GRACE));
        }
    }

    private void heartbeat(String name) {
        Node node = registry.get(ResourceKind.NODES, null, name);
        node.status.conditions.forEach(c -> c.lastHeartbeatTime = Times.now());
        registry.updateStatus(ResourceKind.NODES, node);
    }

    private void readyNode(String name) {
        Node node = new Node();
        node.metadata.name = name;
        registry.create(ResourceKind.NODES, node);
        Node created = registry.get(ResourceKind.NODES, null, name);
        NodeCondition ready = new NodeCondition();
        ready.type = "Ready";
        ready.status = "True";
        ready.reason = "KubeletReady";
        ready.message = "kubelet is posting ready status";
        ready.lastHeartbeatTime = Times.now();
        ready.lastTransitionTime = Times.now();
        created.status().conditions = List.of(ready);
        registry.updateStatus(ResourceKind.NODES, created);
    }

    private NodeCondition ready(String node) {
        return registry.get(ResourceKind.NODES, null, node).status.conditions.stream()
                .filter(c -> "Ready".equals(c.type)).findFirst().orElseThrow();
    }
}
