package io.gantry.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Node;
import io.gantry.apiserver.Registry;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Node IPAM on a real member and the real API server: distinct /20 ranges, a range set by hand
 * respected, and ranges kept across a restart of the controller (and of its leader election).
 */
class NodeIpamTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final Registry registry = HazelcastLeaderElectionTest.registry();
    private final TestCluster cluster = new TestCluster(1);
    private Informers informers = new Informers(registry);
    private HazelcastInstance member;
    private HazelcastLeaderElection election;
    private NodeIpam ipam;

    @AfterEach
    void stop() {
        stopController();
        informers.close();
        cluster.close();
        registry.watches().close();
    }

    /** The controller manager's leader goes: its IPAM, its election and its member. */
    private void stopController() {
        if (ipam != null) {
            ipam.deactivate();
            election.deactivate();
            member.getLifecycleService().terminate();
        }
        ipam = null;
    }

    @Test
    void everyNodeGetsARangeOfItsOwnKeptAcrossARestart() {
        node("preset", "127.64.0.0/16"); // as a kubelet configured by hand registers: sixteen blocks
        node("a", null);
        node("b", null);
        start(cluster.start(0, "node-1"));

        await().atMost(DEADLINE).until(() -> rangeOf("a") != null && rangeOf("b") != null);
        Node a = registry.get(ResourceKind.NODES, null, "a");
        assertEquals(List.of(a.spec.podCIDR), a.spec.podCIDRs);
        Set<String> ranges = new HashSet<>(Set.of(rangeOf("a"), rangeOf("b")));
        assertEquals(Set.of("127.65.0.0/20", "127.65.16.0/20"), ranges, "the lowest blocks after the preset range");
        node("c", null);
        await().atMost(DEADLINE).until(() -> rangeOf("c") != null);
        assertEquals("127.65.32.0/20", rangeOf("c"));

        Map<String, String> before = new HashMap<>();
        for (String name : List.of("a", "b", "c")) {
            before.put(name, rangeOf(name));
        }
        stopController();
        informers.close();
        registry.delete(ResourceKind.NODES, null, "a", null); // its range is free again...
        informers = new Informers(registry);
        start(cluster.start(0, "node-1"));
        node("d", null);
        node("e", null);

        await().atMost(DEADLINE).until(() -> rangeOf("d") != null && rangeOf("e") != null);
        assertEquals(before.get("b"), rangeOf("b"));
        assertEquals(before.get("c"), rangeOf("c"));
        assertEquals(Set.of(before.get("a"), "127.65.48.0/20"), Set.of(rangeOf("d"), rangeOf("e")),
                "...and goes to a new node; nothing is handed out twice");
    }

    @Test
    void theApiServerKeepsARangeOnceSet() {
        node("a", "127.64.0.0/20");
        Node a = registry.get(ResourceKind.NODES, null, "a");
        a.spec.podCIDR = "127.64.16.0/20";
        a.spec.podCIDRs = List.of("127.64.16.0/20");
        ApiException refused = assertThrows(ApiException.class, () -> registry.update(ResourceKind.NODES, a));
        assertTrue(refused.getMessage().contains("spec.podCIDRs"), refused.getMessage());
        assertFalse(refused.isConflict());
    }

    private void start(HazelcastInstance instance) {
        member = instance;
        election = new HazelcastLeaderElection(instance, TestCluster.electionConfig(15, 5));
        election.setApi(registry);
        ipam = new NodeIpam(election, registry, informers, TestCluster.electionConfig(15, 5));
    }

    private void node(String name, String podCidr) {
        Node node = new Node();
        node.metadata.name = name;
        if (podCidr != null) {
            node.spec.podCIDR = podCidr;
        }
        registry.create(ResourceKind.NODES, node);
    }

    private String rangeOf(String node) {
        return registry.get(ResourceKind.NODES, null, node).spec.podCIDR;
    }
}
