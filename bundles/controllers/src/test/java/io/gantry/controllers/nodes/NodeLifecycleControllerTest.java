package io.gantry.controllers.nodes;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.core.v1.Toleration;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.Times;
import io.gantry.controllers.endpoints.InProcessCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The node lifecycle and taint eviction controllers on the in-process API server: a node's Ready
 * condition turns into taints, and its pods are evicted by their tolerations (default: 2 s).
 */
class NodeLifecycleControllerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final AtomicReference<TaintEvictionController> eviction = new AtomicReference<>();
    private final InProcessCluster cluster = new InProcessCluster(2, NodeLifecycleController::new, context -> {
        eviction.set(new TaintEvictionController(context));
        return eviction.get();
    });

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void anUnreachableNodeIsTaintedAndItsPodsGoByTheirTolerations() {
        node("node-1", "True");
        running(InProcessCluster.pod("plain", Map.of()), "node-1", List.of());
        running(InProcessCluster.pod("patient", Map.of()), "node-1", List.of(toleration(NodeTaints.UNREACHABLE, 10L)));
        running(InProcessCluster.pod("forever", Map.of()), "node-1", List.of(toleration(NodeTaints.UNREACHABLE, null)));
        running(InProcessCluster.pod("elsewhere", Map.of()), "node-2", List.of());
        await().atMost(DEADLINE).until(() -> taints("node-1").isEmpty() && node("node-1").spec.taints == null);

        ready("node-1", "Unknown");

        await().atMost(DEADLINE).until(() -> taints("node-1").equals(List.of(
                NodeTaints.UNREACHABLE + ":NoSchedule", NodeTaints.UNREACHABLE + ":NoExecute")));
        Instant tainted = Times.parse(noExecute("node-1").timeAdded);
        // its pods are no longer ready, so they leave their services' endpoints at once
        await().atMost(DEADLINE).until(() -> !podReady("forever") && !podReady("patient"));
        assertTrue(podReady("elsewhere"));

        // no toleration named: the default 2 s, then deleted at once (grace 0: no kubelet to confirm)
        await().atMost(DEADLINE).until(() -> stored("plain").isEmpty());
        Event eviction = event("Pod", "plain", "TaintManagerEviction");
        assertEquals("Marking for deletion Pod default/plain", eviction.message);
        assertEquals("taint-eviction-controller", eviction.source.component);
        assertTrue(!Times.parse(eviction.firstTimestamp).isBefore(tainted.plusSeconds(2)), eviction.firstTimestamp);
        assertTrue(stored("patient").isPresent());

        // tolerationSeconds 10: ten seconds after the taint
        await().atMost(DEADLINE).until(() -> stored("patient").isEmpty());
        Event later = event("Pod", "patient", "TaintManagerEviction");
        assertTrue(!Times.parse(later.firstTimestamp).isBefore(tainted.plusSeconds(10)), later.firstTimestamp);

        // tolerated for ever: stays; a node that comes back loses its taints
        ready("node-1", "True");
        await().atMost(DEADLINE).until(() -> taints("node-1").isEmpty());
        assertTrue(stored("forever").isPresent());
        assertTrue(stored("elsewhere").isPresent());

        Event notReady = event("Node", "node-1", "NodeNotReady");
        assertEquals("Node node-1 status is now: NodeNotReady", notReady.message);
        assertEquals("node-controller", notReady.source.component);
        await().atMost(DEADLINE).until(() -> find("Node", "node-1", "NodeReady").isPresent());
        Event podNotReady = event("Pod", "forever", "NodeNotReady");
        assertEquals("Node is not ready", podNotReady.message);
        assertEquals(Event.WARNING, podNotReady.type);
    }

    @Test
    void aNodeThatComesBackInTimeKeepsItsPodsAndTheEvictionIsCancelled() {
        node("node-1", "True");
        running(InProcessCluster.pod("patient", Map.of()), "node-1", List.of(toleration(NodeTaints.UNREACHABLE, 600L)));
        ready("node-1", "Unknown");
        await().atMost(DEADLINE).until(() -> eviction.get().planned("default/patient"));

        ready("node-1", "True");
        await().atMost(DEADLINE).until(() -> find("Pod", "patient", "TaintManagerEviction").isPresent());
        assertEquals("Cancelling deletion of Pod default/patient", event("Pod", "patient", "TaintManagerEviction").message);
        assertTrue(stored("patient").isPresent());
        assertTrue(taints("node-1").isEmpty());
    }

    @Test
    void aNotReadyNodeIsTaintedNotReadyAndItsPodsAreDeletedGracefullyForItsKubelet() {
        node("node-1", "True");
        running(InProcessCluster.pod("plain", Map.of()), "node-1", List.of());
        ready("node-1", "False");

        await().atMost(DEADLINE).until(() -> taints("node-1").equals(List.of(
                NodeTaints.NOT_READY + ":NoSchedule", NodeTaints.NOT_READY + ":NoExecute")));
        await().atMost(DEADLINE).until(() -> stored("plain").map(p -> p.metadata.deletionTimestamp != null).orElse(true));
        Pod marked = stored("plain").orElseThrow();
        assertNotNull(marked.metadata.deletionGracePeriodSeconds);
        assertTrue(marked.metadata.deletionGracePeriodSeconds > 0);

        // not-ready, then unreachable: the taints are swapped
        ready("node-1", "Unknown");
        await().atMost(DEADLINE).until(() -> taints("node-1").equals(List.of(
                NodeTaints.UNREACHABLE + ":NoSchedule", NodeTaints.UNREACHABLE + ":NoExecute")));
        // and a pod stuck terminating on an unreachable node is removed, its kubelet being gone
        await().atMost(DEADLINE).until(() -> stored("plain").isEmpty());
    }

    @Test
    void aCordonedNodeIsTaintedUnschedulableAndOtherTaintsAreKept() {
        node("node-1", "True");
        await().atMost(DEADLINE).until(() -> taints("node-1").isEmpty());
        change("node-1", false, node -> {
            node.spec.unschedulable = true;
            node.spec.taints = List.of(new Taint("dedicated", "db", Taint.NO_SCHEDULE));
        });

        await().atMost(DEADLINE).until(() -> taints("node-1").equals(List.of("dedicated:NoSchedule",
                NodeTaints.UNSCHEDULABLE + ":NoSchedule")));
        change("node-1", false, node -> node.spec.unschedulable = null);
        await().atMost(DEADLINE).until(() -> taints("node-1").equals(List.of("dedicated:NoSchedule")));
    }

    private Node node(String name, String ready) {
        Node node = new Node();
        node.metadata.name = name;
        node.status().conditions = List.of(condition(ready));
        cluster.api.create(ResourceKind.NODES, node);
        return ready(name, ready);
    }

    private Node ready(String name, String status) {
        return change(name, true, node -> node.status().conditions = List.of(condition(status)));
    }

    private static NodeCondition condition(String status) {
        NodeCondition condition = new NodeCondition();
        condition.type = "Ready";
        condition.status = status;
        condition.lastTransitionTime = Times.now();
        condition.lastHeartbeatTime = condition.lastTransitionTime;
        return condition;
    }

    /** Changes a node as its kubelet or an admin would: read, change, write, again on a conflict with the controller. */
    private Node change(String name, boolean status, java.util.function.Consumer<Node> change) {
        AtomicReference<Node> written = new AtomicReference<>();
        await().atMost(DEADLINE).until(() -> {
            Node node = node(name);
            change.accept(node);
            try {
                written.set(status ? cluster.api.updateStatus(ResourceKind.NODES, node) : cluster.api.update(ResourceKind.NODES, node));
                return true;
            } catch (ApiException e) {
                if (e.isConflict()) {
                    return false;
                }
                throw e;
            }
        });
        return written.get();
    }

    private Node node(String name) {
        return cluster.api.get(ResourceKind.NODES, null, name);
    }

    private List<String> taints(String node) {
        List<Taint> taints = node(node).spec.taints;
        return taints == null ? List.of() : taints.stream().map(t -> t.key + (t.value == null ? "" : "") + ":" + t.effect).toList();
    }

    private Taint noExecute(String node) {
        return NodeTaints.noExecute(node(node)).get(0);
    }

    private void running(Pod pod, String node, List<Toleration> tolerations) {
        pod.spec.nodeName = node;
        if (!tolerations.isEmpty()) {
            pod.spec.extra("tolerations", Json.tree(tolerations));
        }
        cluster.api.create(ResourceKind.PODS, pod);
        cluster.running(pod.metadata.name, "127.1.0." + (1 + Math.abs(pod.metadata.name.hashCode() % 200)), true);
    }

    private static Toleration toleration(String key, Long seconds) {
        Toleration toleration = new Toleration(key, "Exists", null, Taint.NO_EXECUTE);
        toleration.tolerationSeconds = seconds;
        return toleration;
    }

    private Optional<Pod> stored(String name) {
        return cluster.api.find(ResourceKind.PODS, "default", name);
    }

    private boolean podReady(String name) {
        return stored(name).orElseThrow().status.conditions.stream().anyMatch(c -> "Ready".equals(c.type) && "True".equals(c.status));
    }

    private Optional<Event> find(String kind, String name, String reason) {
        return cluster.events("default", kind, name).stream().filter(e -> reason.equals(e.reason)).findFirst();
    }

    private Event event(String kind, String name, String reason) {
        await().atMost(DEADLINE).until(() -> find(kind, name, reason).isPresent());
        return find(kind, name, reason).orElseThrow();
    }
}
