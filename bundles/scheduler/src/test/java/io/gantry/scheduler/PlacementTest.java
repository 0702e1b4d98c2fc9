package io.gantry.scheduler;

import static io.gantry.scheduler.Fixtures.node;
import static io.gantry.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.scheduler.SchedulerPolicy;
import io.gantry.scheduler.binpack.BinpackPolicy;
import io.gantry.scheduler.spread.SpreadPolicy;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Choosing a node over the cache: the message when none fits, assumptions, weights, and the policies' placement properties. */
class PlacementTest {

    private static final SchedulerPolicy SAME = (pod, node) -> 50;

    @Test
    void saysWhyNoNodeFitsAsKubeSchedulerDoes() {
        SchedulerCache cache = new SchedulerCache();
        cache.updateNode(node("a"));
        Node ssd = node("b");
        ssd.metadata.labels.put("disk", "ssd");
        ssd.status.allocatable.put("cpu", "1");
        cache.updateNode(ssd);
        Node notReady = node("c");
        notReady.status.conditions = List.of(Fixtures.ready("False"));
        cache.updateNode(notReady);

        Placement.Decision decision = new Placement(0).choose(PodProfile.of(pod("p", """
                nodeSelector: {disk: ssd}
                containers: [{name: c, image: i, resources: {requests: {cpu: 2}}}]""")), cache, SAME);

        assertNull(decision.node());
        // each entry is "count reason", sorted as strings, as kube-scheduler sorts them
        assertEquals("0/3 nodes are available: 1 Insufficient cpu, 1 node(s) didn't match Pod's node affinity/selector,"
                + " 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }.", decision.message());
    }

    @Test
    void sortsTheCountsAsStrings() {
        assertEquals("0/12 nodes are available: 10 node(s) were unschedulable, 2 Insufficient cpu.",
                Placement.message(12, Map.of("Insufficient cpu", 2, "node(s) were unschedulable", 10)));
    }

    @Test
    void aClusterWithoutNodes() {
        assertEquals("no nodes available to schedule pods",
                new Placement(0).choose(PodProfile.of(pod("p", "")), new SchedulerCache(), SAME).message());
    }

    @Test
    void countsAssumedPodsBeforeTheWatchShowsThem() {
        SchedulerCache cache = new SchedulerCache();
        Node a = node("a");
        a.status.allocatable.put("cpu", "1");
        Node b = node("b");
        b.status.allocatable.put("cpu", "1");
        cache.updateNode(a);
        cache.updateNode(b);
        Placement placement = new Placement(0);
        PodProfile first = PodProfile.of(Fixtures.pod("first", "600m", null, null));
        String one = placement.choose(first, cache, SAME).node();
        cache.assume(first, one);

        String two = placement.choose(PodProfile.of(Fixtures.pod("second", "600m", null, null)), cache, SAME).node();

        assertNotEquals(one, two, "the second pod does not fit where the first went");
        cache.forget(first.key);
        assertEquals(0, cache.node(one).podCount(), "a forgotten assumption frees the room");
    }

    @Test
    void preferredNodeAffinityOutweighsThePolicy() {
        SchedulerCache cache = new SchedulerCache();
        Node busy = node("a");
        busy.metadata.labels.put("zone", "east");
        cache.updateNode(busy);
        cache.updateNode(node("b"));
        cache.addPod(PodProfile.of(Fixtures.pod("there", "3", "6Gi", null)), "a");

        String chosen = new Placement(0).choose(PodProfile.of(pod("p", """
                affinity:
                  nodeAffinity:
                    preferredDuringSchedulingIgnoredDuringExecution:
                    - weight: 10
                      preference: {matchExpressions: [{key: zone, operator: In, values: [east]}]}""")),
                cache, new SpreadPolicy()).node();

        assertEquals("a", chosen, "2 x 100 for the preferred zone beats spread's preference for the empty node");
    }

    @Test
    void preferNoScheduleTaintsOnlyScore() {
        SchedulerCache cache = new SchedulerCache();
        Node tainted = node("a");
        tainted.spec.taints = List.of(new Taint("spot", "true", Taint.PREFER_NO_SCHEDULE));
        cache.updateNode(tainted);
        cache.updateNode(node("b"));

        assertEquals("b", new Placement(0).choose(PodProfile.of(pod("p", "")), cache, SAME).node());
        SchedulerPolicy prefersA = (pod, node) -> node.name().equals("a") ? 100 : 0;
        assertEquals("b", new Placement(0).choose(PodProfile.of(pod("p", "")), cache, prefersA).node(),
                "3 x 100 for the untainted node outweighs the policy's 100");
        assertEquals("a", new Placement(0).choose(PodProfile.of(pod("p", "tolerations: [{key: spot, operator: Exists}]")),
                cache, prefersA).node(), "a pod tolerating the taint leaves the choice to the policy");
    }

    @Test
    void spreadEvensReplicasAcrossNodes() {
        SchedulerCache cache = cluster(4);
        Placement placement = new Placement(0);
        Map<String, Integer> perNode = new HashMap<>();
        for (int i = 0; i < 12; i++) {
            PodProfile pod = PodProfile.of(Fixtures.pod("web-" + i, "100m", "128Mi", "rs-web"));
            String node = placement.choose(pod, cache, new SpreadPolicy()).node();
            cache.assume(pod, node);
            perNode.merge(node, 1, Integer::sum);
        }
        assertEquals(Map.of("node-0", 3, "node-1", 3, "node-2", 3, "node-3", 3), perNode);
    }

    @Test
    void spreadKeepsReplicasApartEvenOnBusierNodes() {
        SchedulerCache cache = cluster(2);
        // node-0 is emptier, but already runs a replica
        cache.addPod(PodProfile.of(Fixtures.pod("web-0", "100m", "128Mi", "rs-web")), "node-0");
        cache.addPod(PodProfile.of(Fixtures.pod("other", "1", "2Gi", null)), "node-1");
        String node = new Placement(0).choose(PodProfile.of(Fixtures.pod("web-1", "100m", "128Mi", "rs-web")), cache,
                new SpreadPolicy()).node();
        assertEquals("node-1", node);
    }

    @Test
    void binpackFillsOneNodeBeforeTheNext() {
        SchedulerCache cache = cluster(3);
        Placement placement = new Placement(0);
        StringBuilder order = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            // 4 CPUs per node: four 1-CPU pods fill one
            PodProfile pod = PodProfile.of(Fixtures.pod("job-" + i, "1", "128Mi", null));
            String node = placement.choose(pod, cache, new BinpackPolicy()).node();
            cache.assume(pod, node);
            order.append(node.charAt(node.length() - 1));
        }
        assertEquals("0000111122", order.toString());
    }

    private static SchedulerCache cluster(int nodes) {
        SchedulerCache cache = new SchedulerCache();
        for (int i = 0; i < nodes; i++) {
            cache.updateNode(node("node-" + i));
        }
        return cache;
    }
}
