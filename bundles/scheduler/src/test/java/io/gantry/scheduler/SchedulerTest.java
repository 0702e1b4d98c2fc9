package io.gantry.scheduler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.SoleLeader;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.scheduler.SchedulerPolicy;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import io.gantry.scheduler.binpack.BinpackPolicy;
import io.gantry.scheduler.spread.SpreadPolicy;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on the in-process API server, fed by the JVM's shared informers and leading by a
 * {@link SoleLeader}: it binds pods through pods/binding, reports a pod that fits nowhere as
 * kube-scheduler does (condition and event), places it when the cluster changes (an unschedulable
 * pod waits for a cluster event, or five minutes, whatever its back-off), follows the policies as they
 * come and go, binds each pod of a burst exactly once, and stops and resumes with leadership.
 */
class SchedulerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    private final Registry registry = new Registry("memory");
    private final Informers informers;
    private final SoleLeader election = new SoleLeader();
    /** Successful bindings per pod, and bindings the API refused. */
    private final Map<String, AtomicInteger> bindings = new ConcurrentHashMap<>();
    private final AtomicInteger refusedBindings = new AtomicInteger();
    private Scheduler scheduler;

    SchedulerTest() {
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
        informers = new Informers(registry);
    }

    @AfterEach
    void stop() {
        if (scheduler != null) {
            scheduler.deactivate();
        }
        informers.close();
        registry.watches().close();
    }

    private Scheduler start(String defaultPolicy, Map<String, SchedulerPolicy> policies) {
        scheduler = new Scheduler(counting(registry), informers, election, config(defaultPolicy));
        policies.forEach((name, policy) -> scheduler.addPolicy(policy, Map.of(Plugins.NAME, name)));
        return scheduler;
    }

    @Test
    void bindsAPodToAReadyNodeAndSaysSo() {
        start("spread", Map.of("spread", new SpreadPolicy()));
        node("node-1", true, "4");

        registry.create(ResourceKind.PODS, pod("web", "100m", null));

        await().atMost(DEADLINE).until(() -> "node-1".equals(nodeOf("web")));
        PodCondition scheduled = condition("web");
        assertEquals("True", scheduled.status);
        await().atMost(DEADLINE).until(() -> event("web", "Scheduled").isPresent());
        Event event = event("web", "Scheduled").orElseThrow();
        assertEquals("Normal", event.type);
        assertEquals("Successfully assigned default/web to node-1", event.message);
        assertEquals("default-scheduler", event.source.component);
        // what kubectl describe selects a pod's events by
        assertEquals("Pod", event.involvedObject.kind);
        assertEquals(registry.get(ResourceKind.PODS, "default", "web").metadata.uid, event.involvedObject.uid);
    }

    @Test
    void aPodThatFitsNowhereSaysWhyAndIsBoundWhenANodeIsAdded() {
        start("spread", Map.of("spread", new SpreadPolicy()));
        node("node-1", true, "1");
        node("node-2", false, "4");
        Node labelled = node("node-3", true, "4");
        labelled.metadata.labels = Map.of("disk", "hdd");
        registry.update(ResourceKind.NODES, labelled);
        Pod pod = pod("web", "2", Map.of("disk", "ssd"));
        registry.create(ResourceKind.PODS, pod);

        String message = "0/3 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: },"
                + " 2 node(s) didn't match Pod's node affinity/selector.";
        await().atMost(DEADLINE).until(() -> message.equals(condition("web").message));
        PodCondition condition = condition("web");
        assertEquals("False", condition.status);
        assertEquals("Unschedulable", condition.reason);
        await().atMost(DEADLINE).until(() -> event("web", "FailedScheduling").isPresent());
        Event event = event("web", "FailedScheduling").orElseThrow();
        assertEquals("Warning", event.type);
        assertEquals(message, event.message);
        assertEquals("web", event.involvedObject.name);

        Node fits = node("node-4", true, "4");
        fits.metadata.labels = Map.of("disk", "ssd");
        registry.update(ResourceKind.NODES, fits);

        await().atMost(DEADLINE).until(() -> "node-4".equals(nodeOf("web")));
    }

    @Test
    void aPodIsPlacedWhenAPodIsDeletedAndFreesRoom() {
        start("spread", Map.of("spread", new SpreadPolicy()));
        node("node-1", true, "1");
        registry.create(ResourceKind.PODS, pod("first", "800m", null));
        await().atMost(DEADLINE).until(() -> "node-1".equals(nodeOf("first")));
        registry.create(ResourceKind.PODS, pod("second", "800m", null));
        await().atMost(DEADLINE).until(() -> "0/1 nodes are available: 1 Insufficient cpu.".equals(condition("second").message));

        registry.delete(ResourceKind.PODS, "default", "first", io.gantry.api.meta.v1.DeleteOptions.immediately());

        await().atMost(DEADLINE).until(() -> "node-1".equals(nodeOf("second")));
    }

    @Test
    void podsOfAnotherSchedulerAreLeftAlone() {
        start("spread", Map.of("spread", new SpreadPolicy()));
        node("node-1", true, "4");
        Pod theirs = pod("theirs", "100m", null);
        theirs.spec.schedulerName = "my-custom-scheduler";
        registry.create(ResourceKind.PODS, theirs);
        registry.create(ResourceKind.PODS, pod("ours", "100m", null));

        await().atMost(DEADLINE).until(() -> "node-1".equals(nodeOf("ours")));
        assertEquals(null, nodeOf("theirs"));
        assertTrue(registry.get(ResourceKind.PODS, "default", "theirs").status.conditions == null
                || registry.get(ResourceKind.PODS, "default", "theirs").status.conditions.isEmpty());
    }

    @Test
    void theSchedulerNamePicksThePolicyAndRemovingTheDefaultFallsBack() {
        start("binpack", Map.of("spread", new SpreadPolicy(), "binpack", new BinpackPolicy()));
        node("node-1", true, "4");
        node("node-2", true, "4");
        assertEquals("binpack", scheduler.defaultPolicyName());
        for (int i = 0; i < 3; i++) {
            registry.create(ResourceKind.PODS, pod("packed-" + i, "500m", null));
            int n = i;
            await().atMost(DEADLINE).until(() -> nodeOf("packed-" + n) != null);
        }
        assertEquals(1, List.of(nodeOf("packed-0"), nodeOf("packed-1"), nodeOf("packed-2")).stream().distinct().count(),
                "binpack puts them together");

        scheduler.removePolicy(scheduler.policyFor("binpack"), Map.of(Plugins.NAME, "binpack"));
        assertEquals("spread", scheduler.defaultPolicyName(), "the default falls back to spread");
        registry.create(ResourceKind.PODS, pod("spread-0", "500m", null));
        await().atMost(DEADLINE).until(() -> nodeOf("spread-0") != null);
        assertFalse(nodeOf("spread-0").equals(nodeOf("packed-0")), "spread places it on the emptier node");

        Pod named = pod("named", "100m", null);
        named.spec.schedulerName = "binpack";
        registry.create(ResourceKind.PODS, named);
        await().during(Duration.ofMillis(500)).atMost(DEADLINE).until(() -> nodeOf("named") == null);
        scheduler.addPolicy(new BinpackPolicy(), Map.of(Plugins.NAME, "binpack"));
        await().atMost(DEADLINE).until(() -> nodeOf("named") != null);
    }

    @Test
    void everyPodOfABurstIsBoundExactlyOnce() {
        burst(300, false);
        assertEquals(0, refusedBindings.get(), "no binding of a bound pod was attempted");
    }

    @Test
    void aChangeOfLeaderInABurstLosesNoPodAndBindsNoneTwice() {
        // the new leader may try a pod whose binding it has not seen yet: the API refuses it (409), the pod stays bound once
        burst(300, true);
    }

    private void burst(int pods, boolean changeOfLeader) {
        for (int i = 0; i < 5; i++) {
            node("node-" + i, true, "64");
        }
        start("spread", Map.of("spread", new SpreadPolicy()));
        for (int i = 0; i < pods; i++) {
            registry.create(ResourceKind.PODS, pod("burst-" + i, "100m", null));
            if (changeOfLeader && i == pods / 2) {
                election.depose();
                election.elect();
            }
        }
        await().atMost(DEADLINE).until(() -> registry.list(ResourceKind.PODS, "default", ListOptions.ALL).items.stream()
                .allMatch(p -> p.spec.nodeName != null));
        assertEquals(pods, bindings.size());
        assertTrue(bindings.values().stream().allMatch(count -> count.get() == 1), "each pod bound once: " + bindings);
    }

    @Test
    void placesNothingWhileNotLeading() {
        start("spread", Map.of("spread", new SpreadPolicy()));
        node("node-1", true, "4");
        election.depose();
        assertFalse(scheduler.isLeading());
        registry.create(ResourceKind.PODS, pod("web", "100m", null));
        await().during(Duration.ofMillis(500)).atMost(DEADLINE).until(() -> nodeOf("web") == null);

        election.elect();

        await().atMost(DEADLINE).until(() -> "node-1".equals(nodeOf("web")));
    }

    private String nodeOf(String pod) {
        return registry.get(ResourceKind.PODS, "default", pod).spec.nodeName;
    }

    private PodCondition condition(String pod) {
        List<PodCondition> conditions = registry.get(ResourceKind.PODS, "default", pod).status.conditions;
        return conditions == null ? new PodCondition() : conditions.stream().filter(c -> "PodScheduled".equals(c.type))
                .findFirst().orElse(new PodCondition());
    }

    private Optional<Event> event(String pod, String reason) {
        return registry.list(ResourceKind.EVENTS, "default", ListOptions.ALL).items.stream()
                .filter(e -> pod.equals(e.involvedObject.name) && reason.equals(e.reason)).findFirst();
    }

    private Node node(String name, boolean ready, String cpu) {
        Node node = Fixtures.node(name);
        node.status.allocatable.put("cpu", cpu);
        node.status.conditions = List.of(Fixtures.ready(ready ? "True" : "False"));
        Node created = registry.create(ResourceKind.NODES, node);
        created.status = node.status;
        return registry.updateStatus(ResourceKind.NODES, created);
    }

    private static Pod pod(String name, String cpu, Map<String, String> nodeSelector) {
        Pod pod = Fixtures.pod(name, cpu, "64Mi", null);
        pod.metadata.uid = null;
        pod.spec.nodeSelector = nodeSelector;
        return pod;
    }

    /** The real API, with its bindings counted. */
    private ApiClient counting(ApiClient api) {
        return (ApiClient) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {ApiClient.class},
                (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(api, args);
                        if (method.getName().equals("fencedBy")) {
                            return counting((ApiClient) result); // the leader writes through it
                        }
                        if (method.getName().equals("bind")) {
                            bindings.computeIfAbsent(((Binding) args[0]).metadata.name, k -> new AtomicInteger()).incrementAndGet();
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        if (method.getName().equals("bind")) {
                            refusedBindings.incrementAndGet();
                        }
                        throw e.getCause();
                    }
                });
    }

    private static Scheduler.Config config(String defaultPolicy) {
        return Configs.of(Scheduler.Config.class, Map.of("defaultPolicy", defaultPolicy, "maxBackoffSeconds", 1));
    }
}
