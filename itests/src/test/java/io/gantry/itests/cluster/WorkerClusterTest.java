package io.gantry.itests.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.itests.Host.Result;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * One control plane and two workers ({@code ./gantry cluster up 3}): the workers boot gantry-node
 * alone, are Hazelcast lite members, and reach the API server over HTTP. A worker killed (its JVM
 * and containers, SIGKILL) is NotReady with the Ready condition Unknown, as Kubernetes' node
 * lifecycle controller marks a node that stopped posting status, and Ready again once started.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WorkerClusterTest {

    private static final LocalCluster CLUSTER = new LocalCluster("wk-node-", 3, 1, LocalCluster.PORT_SHIFT + 10);

    @BeforeAll
    static void up() throws Exception {
        CLUSTER.up();
    }

    @AfterAll
    static void down() throws Exception {
        CLUSTER.down();
    }

    @Test
    @Order(1)
    void theControlPlaneAndBothWorkersAreReady() throws Exception {
        for (int node = 1; node <= 3; node++) {
            assertEquals(Optional.of("True"), CLUSTER.readiness(1, node), CLUSTER.name(node));
        }
        String status = CLUSTER.status();
        assertTrue(status.lines().anyMatch(l -> l.startsWith(CLUSTER.name(1) + " ") && l.contains("control-plane")), status);
        assertTrue(status.lines().filter(l -> l.contains(" worker ") && l.endsWith("Ready")).count() == 2, status);
        Result nodes = CLUSTER.kubectl(1, "get", "nodes");
        assertEquals(4, nodes.out().lines().filter(l -> l.contains(" Ready ") || l.startsWith("NAME")).count(),
                nodes.toString());
    }

    @Test
    @Order(2)
    void aKilledWorkerIsNotReadyAndReadyAgainOnceStarted() throws Exception {
        CLUSTER.kill(3);
        // the member leaves within Hazelcast's heartbeat timeout; the node monitor marks the node then
        await().atMost(Duration.ofSeconds(15)).until(() -> CLUSTER.readiness(1, 3), r -> r.equals(Optional.of("Unknown")));
        assertEquals(Optional.of("True"), CLUSTER.readiness(1, 2), "the other worker stays Ready");
        String status = CLUSTER.status();
        assertTrue(status.lines().anyMatch(l -> l.startsWith(CLUSTER.name(3) + " ") && l.contains("not running")
                && l.contains("NotReady (Unknown)")), status);

        CLUSTER.start(3);
        assertEquals(Optional.of("True"), CLUSTER.readiness(1, 3));
    }
}
