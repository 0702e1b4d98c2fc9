package io.gantry.itests.cluster;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.itests.Host;
import io.gantry.itests.Host.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Three control planes (gantry-all-in-one each, the cluster state in Hazelcast, replicated among
 * them) from the built distribution, started by {@code ./gantry cluster up 3 --control-planes 3}.
 * One cluster for the whole class; a test that kills a node starts it again before it ends.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ControlPlanesClusterTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);
    private static final LocalCluster CLUSTER = new LocalCluster("cp-node-", 3, 3, LocalCluster.PORT_SHIFT);

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
    void everyNodeRegistersAndIsReadyAsEveryApiServerServesIt() throws Exception {
        for (int through = 1; through <= 3; through++) {
            for (int node = 1; node <= 3; node++) {
                assertEquals(Optional.of("True"), CLUSTER.readiness(through, node),
                        CLUSTER.name(node) + " through " + CLUSTER.apiUrl(through));
            }
        }
        Result nodes = CLUSTER.kubectl(2, "get", "nodes");
        assertEquals(0, nodes.exit(), nodes.toString());
        for (int node = 1; node <= 3; node++) {
            String name = CLUSTER.name(node);
            assertTrue(nodes.out().lines().anyMatch(l -> l.startsWith(name + " ") && l.contains(" Ready ")), nodes.out());
        }
        String status = CLUSTER.status();
        assertEquals(4, status.lines().count(), status);
        assertTrue(status.lines().skip(1).allMatch(l -> l.contains("control-plane") && l.contains("pid ")
                && l.endsWith("Ready")), status);
    }

    @Test
    @Order(2)
    void aWriteThroughOneApiServerIsReadThroughTheOthers() throws Exception {
        Result created = CLUSTER.kubectl(2, "create", "configmap", "seen-everywhere", "--from-literal=k=v");
        assertEquals(0, created.exit(), created.toString());
        String version = CLUSTER.get(2, "/api/v1/namespaces/default/configmaps/seen-everywhere").orElseThrow()
                .path("metadata").path("resourceVersion").asText();
        for (int through : List.of(1, 3)) {
            await().atMost(DEADLINE).until(() -> CLUSTER.get(through, "/api/v1/namespaces/default/configmaps/seen-everywhere")
                    .map(c -> c.path("metadata").path("resourceVersion").asText()), v -> v.equals(Optional.of(version)));
        }
        Result read = CLUSTER.kubectl(3, "get", "configmap", "seen-everywhere", "-o", "jsonpath={.data.k}");
        assertEquals("v", read.out(), read.toString());
    }

    @Test
    @Order(3)
    void killingAControlPlaneUnderWriteLoadLosesNoAcknowledgedWrite() throws Exception {
        // node-1 started first: the oldest Hazelcast member, the one the cluster's leader roles go to
        Map<String, String> acknowledged;
        int beforeKill;
        try (WriteLoad load = new WriteLoad("load", 3, List.of(CLUSTER.apiUrl(1), CLUSTER.apiUrl(2), CLUSTER.apiUrl(3)))) {
            await().atMost(DEADLINE).until(() -> load.count() >= 100);
            CLUSTER.kill(1);
            beforeKill = load.count();
            await().atMost(DEADLINE).until(() -> load.count() >= beforeKill + 100);
            load.close();
            acknowledged = load.acknowledged();
            System.out.printf("control plane kill: %d creates acknowledged (%d before the kill), %d not%n",
                    acknowledged.size(), beforeKill, load.failed());
        }
        for (int through : List.of(2, 3)) {
            assertAllKept(acknowledged, through);
        }
        CLUSTER.start(1);
        assertEquals(Optional.of("True"), CLUSTER.readiness(2, 1));
        await().atMost(DEADLINE).untilAsserted(() -> assertAllKept(acknowledged, 1));
    }

    @Test
    @Order(4)
    void killTakesTheNodesContainersItsPodIsEvictedAndTheNodeBackRunsItNoMore() throws Exception {
        String node = CLUSTER.name(3);
        Result created = CLUSTER.kubectl(1, List.of("create", "-f", "-"), """
                apiVersion: v1
                kind: Pod
                metadata:
                  name: pinned
                spec:
                  nodeName: %s
                  containers:
                  - name: httpd
                    image: gantry/httpd:1.0
                    imagePullPolicy: IfNotPresent
                """.formatted(node));
        assertEquals(0, created.exit(), created.toString());
        await().atMost(DEADLINE).until(() -> phase("pinned"), p -> p.equals("Running"));
        assertTrue(!runningContainers(node).isEmpty(), "the pod's containers run on " + node);

        CLUSTER.kill(3);
        assertEquals(List.of(), runningContainers(node), "a machine loss takes the node's containers with it");

        // unreachable, the node is tainted, and the pod, which tolerates nothing, is evicted
        await().atMost(DEADLINE).until(() -> CLUSTER.get(1, "/api/v1/namespaces/default/pods/pinned").isEmpty());

        CLUSTER.start(3);
        assertEquals(Optional.of("True"), CLUSTER.readiness(1, 3));
        assertEquals(List.of(), runningContainers(node), "a node that comes back runs no pod that is no longer bound to it");
    }

    @Test
    @Order(5)
    void aKilledNodeIsNotReadyUntilItIsStartedAgain() throws Exception {
        CLUSTER.kill(3);
        await().atMost(Duration.ofSeconds(15)).until(() -> CLUSTER.readiness(1, 3), r -> r.equals(Optional.of("Unknown")));
        // the node lifecycle controller taints the node once it sees the Ready condition Unknown: a write after it
        await().atMost(Duration.ofSeconds(15)).until(() -> unreachable(CLUSTER.get(1, "/api/v1/nodes/" + CLUSTER.name(3))
                .orElseThrow()));
        CLUSTER.start(3);
        assertEquals(Optional.of("True"), CLUSTER.readiness(1, 3));
    }

    @Test
    @Order(6)
    void killingTheLeaderUnderWriteLoadLosesNoAcknowledgedWriteAndAnotherLeads() throws Exception {
        String lease = "/apis/coordination.k8s.io/v1/namespaces/kube-system/leases/kube-scheduler";
        String holder = await().atMost(DEADLINE).until(() -> CLUSTER.get(1, lease)
                .map(l -> l.path("spec").path("holderIdentity").asText("")).orElse(""), h -> !h.isEmpty());
        int leader = 0;
        for (int node = 1; node <= 3; node++) {
            if (holder.contains(CLUSTER.name(node))) {
                leader = node;
            }
        }
        assertNotEquals(0, leader, "the holder " + holder + " names a node");
        int survivor = leader == 1 ? 2 : 1;
        Map<String, String> acknowledged;
        List<String> pods = new ArrayList<>();
        try (WriteLoad load = new WriteLoad("leader", 3, List.of(CLUSTER.apiUrl(1), CLUSTER.apiUrl(2), CLUSTER.apiUrl(3)))) {
            await().atMost(DEADLINE).until(() -> load.count() >= 100);
            // pods the leader is placing when it dies, and pods that come after: its successor binds the rest
            createPods(pods, 15, survivor, CLUSTER.name(leader));
            CLUSTER.kill(leader);
            createPods(pods, 15, survivor, CLUSTER.name(leader));
            int beforeKill = load.count();
            await().atMost(DEADLINE).until(() -> load.count() >= beforeKill + 100);
            load.close();
            acknowledged = load.acknowledged();
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> CLUSTER.get(survivor, lease)
                .map(l -> l.path("spec").path("holderIdentity").asText("")).orElse(""),
                h -> !h.isEmpty() && !h.equals(holder));
        for (int node = 1; node <= 3; node++) {
            if (node != leader) {
                assertAllKept(acknowledged, node);
            }
        }
        assertEveryPodBoundOnce(pods, survivor);
        CLUSTER.start(leader);
    }

    /**
     * Creates pods (through the survivor's API, which stays up) that may run anywhere but on the
     * node about to die, so that every one of them can be bound.
     */
    private static void createPods(List<String> pods, int count, int through, String avoid) {
        for (int i = 0; i < count; i++) {
            String name = "bind-" + pods.size();
            String pod = """
                    {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "%s", "labels": {"test": "bind"}},
                     "spec": {"terminationGracePeriodSeconds": 0,
                      "affinity": {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms":
                        [{"matchExpressions": [{"key": "kubernetes.io/hostname", "operator": "NotIn", "values": ["%s"]}]}]}}},
                      "containers": [{"name": "httpd", "image": "gantry/httpd:1.0", "imagePullPolicy": "IfNotPresent"}]}}
                    """.formatted(name, avoid);
            await().atMost(DEADLINE).until(() -> CLUSTER.post(through, "/api/v1/namespaces/default/pods", pod) == 201);
            pods.add(name);
        }
    }

    /**
     * Across the change of leader no pod is lost (each is bound) and none is bound twice: at most one
     * scheduler reported binding it (its {@code Scheduled} events, aggregated counts included; the
     * dead leader may have bound a pod without getting to report it).
     */
    private static void assertEveryPodBoundOnce(List<String> pods, int through) {
        for (String pod : pods) {
            await().atMost(DEADLINE).until(() -> CLUSTER.get(through, "/api/v1/namespaces/default/pods/" + pod)
                    .map(p -> p.path("spec").path("nodeName").asText("")).orElse(""), n -> !n.isEmpty());
        }
        // events are written after the binding: wait until most are in (a check that is not vacuous)
        Map<String, Integer> scheduled = await().atMost(DEADLINE).until(() -> scheduledEvents(through),
                counts -> pods.stream().filter(p -> counts.getOrDefault(p, 0) >= 1).count() >= pods.size() / 2);
        for (String pod : pods) {
            assertTrue(scheduled.getOrDefault(pod, 0) <= 1, pod + " was bound " + scheduled.get(pod) + " times");
        }
    }

    /** Pod name to the number of Scheduled events about it, aggregated counts included. */
    private static Map<String, Integer> scheduledEvents(int through) {
        Map<String, Integer> scheduled = new HashMap<>();
        JsonNode events = CLUSTER.get(through, "/api/v1/namespaces/default/events").orElseThrow();
        for (JsonNode event : events.path("items")) {
            if ("Scheduled".equals(event.path("reason").asText())) {
                scheduled.merge(event.path("involvedObject").path("name").asText(), event.path("count").asInt(1),
                        Integer::sum);
            }
        }
        return scheduled;
    }

    private static String phase(String pod) {
        return CLUSTER.get(1, "/api/v1/namespaces/default/pods/" + pod)
                .map(p -> p.path("status").path("phase").asText("")).orElse("");
    }

    /** Ids of the running Docker containers of the node's pods (the docker runtime labels them). */
    private static List<String> runningContainers(String node) throws Exception {
        Result ids = Host.run(new ProcessBuilder("docker", "ps", "-q", "--filter", "label=io.gantry.node=" + node),
                Duration.ofSeconds(30), null);
        assertEquals(0, ids.exit(), ids.toString());
        return ids.out().lines().filter(l -> !l.isBlank()).toList();
    }

    /**
     * Every acknowledged create is there through node {@code through}'s API with the version it was
     * acknowledged with, and no two ConfigMaps share a resourceVersion.
     */
    private static void assertAllKept(Map<String, String> acknowledged, int through) {
        JsonNode list = CLUSTER.get(through, "/api/v1/namespaces/default/configmaps").orElseThrow(
                () -> new AssertionError("no list from " + CLUSTER.apiUrl(through)));
        Map<String, String> stored = new HashMap<>();
        Set<String> versions = new HashSet<>();
        for (JsonNode item : list.path("items")) {
            String version = item.path("metadata").path("resourceVersion").asText();
            stored.put(item.path("metadata").path("name").asText(), version);
            assertTrue(versions.add(version), "resourceVersion " + version + " given twice");
        }
        for (Map.Entry<String, String> write : acknowledged.entrySet()) {
            assertEquals(write.getValue(), stored.get(write.getKey()),
                    "acknowledged create of " + write.getKey() + " through " + CLUSTER.apiUrl(through));
        }
    }

    private static boolean unreachable(JsonNode node) {
        for (JsonNode taint : node.path("spec").path("taints")) {
            if (taint.path("key").asText().equals("node.kubernetes.io/unreachable")) {
                return true;
            }
        }
        return false;
    }
}
