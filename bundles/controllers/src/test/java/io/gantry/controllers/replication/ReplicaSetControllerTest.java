package io.gantry.controllers.replication;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.apps.v1.ReplicaSetStatus;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.ReplicationController;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.LabelSelector;
import io.gantry.api.meta.v1.OwnerReference;
import io.gantry.api.meta.v1.Status;
import io.gantry.controllers.ForwardingApiClient;
import io.gantry.controllers.ObjectUpdates;
import io.gantry.controllers.OwnerReferences;
import io.gantry.controllers.PodStates;
import io.gantry.controllers.TestControlPlane;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The replica set controller on the real in-process API server: replicas kept, scale in
 * Kubernetes' deletion order, adoption and release, expectations against doubled bursts, status
 * fields, the ReplicaFailure condition, and the ReplicationController served by the same code.
 */
class ReplicaSetControllerTest {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Map<String, String> WEB = Map.of("app", "web");

    private TestControlPlane plane;

    @AfterEach
    void stop() {
        if (plane != null) {
            plane.close();
        }
    }

    private void start() {
        plane = new TestControlPlane(List.of(ReplicaSetController::replicaSets,
                ReplicaSetController::replicationControllers));
    }

    @Test
    void keepsTheReplicasAndReplacesADeletedPod() {
        start();
        ReplicaSet set = plane.registry.create(ResourceKind.REPLICA_SETS, replicaSet("web", 3));

        await().atMost(WAIT).until(() -> plane.activePods("default", "app=web").size() == 3);
        for (Pod pod : plane.activePods("default", "app=web")) {
            assertTrue(pod.metadata.name.startsWith("web-"), pod.metadata.name);
            OwnerReference owner = pod.metadata.ownerReferences.get(0);
            assertEquals(List.of("ReplicaSet", "apps/v1", "web", set.metadata.uid, true, true),
                    List.of(owner.kind, owner.apiVersion, owner.name, owner.uid, owner.controller,
                            owner.blockOwnerDeletion));
        }

        Pod lost = plane.activePods("default", "app=web").get(0);
        plane.registry.delete(ResourceKind.PODS, "default", lost.metadata.name, null);

        await().atMost(WAIT).until(() -> plane.activePods("default", "app=web").size() == 3
                && plane.activePods("default", "app=web").stream().noneMatch(p -> p.metadata.name.equals(lost.metadata.name)));
        await().atMost(WAIT).until(() -> plane.events("default", "web").stream()
                .filter(e -> "SuccessfulCreate".equals(e.reason)).count() == 4);
        Event created = plane.events("default", "web").stream().filter(e -> "SuccessfulCreate".equals(e.reason))
                .findFirst().orElseThrow();
        assertTrue(created.message.matches("Created pod: web-[a-z0-9]{5}"), created.message);
        assertEquals("replicaset-controller", created.source.component);
        assertEquals("Normal", created.type);
        assertEquals("ReplicaSet", created.involvedObject.kind);
    }

    @Test
    void scaleDownDeletesUnscheduledThenPendingThenNotReadyPodsFirst() {
        start();
        plane.registry.create(ResourceKind.REPLICA_SETS, replicaSet("web", 4));
        await().atMost(WAIT).until(() -> plane.activePods("default", "app=web").size() == 4);
        List<Pod> pods = plane.activePods("default", "app=web");
        Pod unscheduled = pods.get(0);
        Pod pending = pods.get(1);
        Pod notReady = pods.get(2);
        Pod ready = pods.get(3);
        plane.bind(pending, "node-1");
        plane.bind(notReady, "node-1");
        plane.bind(ready, "node-2");
        plane.report(notReady, "Running", false);
        plane.report(ready, "Running", true);
        // the controller decides from its informer: let it see what the scheduler and kubelet did
        await().atMost(WAIT).until(() -> cached(pending).spec.nodeName != null
                && "Running".equals(cached(notReady).status.phase) && PodStates.isReady(cached(ready)));

        for (Pod expected : List.of(unscheduled, pending, notReady)) {
            int replicas = plane.activePods("default", "app=web").size() - 1;
            scale("web", replicas);
            await().atMost(WAIT).until(() -> plane.activePods("default", "app=web").size() == replicas);
            assertTrue(plane.activePods("default", "app=web").stream()
                    .noneMatch(p -> p.metadata.name.equals(expected.metadata.name)), expected.metadata.name);
        }
        assertEquals(List.of(ready.metadata.name),
                plane.activePods("default", "app=web").stream().map(p -> p.metadata.name).toList());
        await().atMost(WAIT).until(() -> plane.events("default", "web").stream()
                .filter(e -> "SuccessfulDelete".equals(e.reason)).count() == 3);
        assertTrue(plane.events("default", "web").stream().anyMatch(e -> ("Deleted pod: " + unscheduled.metadata.name)
                .equals(e.message)));
    }

    @Test
    void adoptsMatchingOrphansAndReleasesPodsThatStopMatching() {
        start();
        Pod orphan = plane.registry.create(ResourceKind.PODS, TestControlPlane.pod("default", "orphan", WEB));
        Pod foreign = TestControlPlane.pod("default", "foreign", WEB);
        OwnerReference other = new OwnerReference();
        other.apiVersion = "apps/v1";
        other.kind = "ReplicaSet";
        other.name = "other";
        other.uid = "0c9b4b1e-0000-4000-8000-000000000000";
        other.controller = true;
        foreign.metadata.ownerReferences = List.of(other);
        plane.registry.create(ResourceKind.PODS, foreign);
        // seen before the owner: otherwise the first sync makes two pods, adopts the orphan later and
        // may delete it as the surplus (created within the same second, the order is by uid)
        await().atMost(WAIT).until(() -> informed(orphan) && informed(foreign));

        ReplicaSet set = plane.registry.create(ResourceKind.REPLICA_SETS, replicaSet("web", 2));

        await().atMost(WAIT).until(() -> OwnerReferences.isControlledBy(pod("orphan"), set.metadata.uid));
        await().atMost(WAIT).until(() -> owned(set).size() == 2);
        assertTrue(owned(set).stream().anyMatch(p -> p.metadata.name.equals("orphan")));
        assertFalse(OwnerReferences.isControlledBy(pod("foreign"), set.metadata.uid), "another controller's pod stays its");

        ObjectUpdates.update(plane.registry, ResourceKind.PODS, "default", "orphan", null, relabelled -> {
            relabelled.metadata.labels = Map.of("app", "debug");
            return true;
        });

        await().atMost(WAIT).until(() -> pod("orphan").metadata.ownerReferences == null);
        await().atMost(WAIT).until(() -> owned(set).size() == 2
                && owned(set).stream().noneMatch(p -> p.metadata.name.equals("orphan")));
    }

    @Test
    void aBurstOfCreatesIsNeverDoubledWhileTheInformerLags() {
        // the controller's pod informer learns of each pod 300 ms after it exists
        plane = new TestControlPlane(List.of(ReplicaSetController::replicaSets), api -> api,
                api -> new LaggingPodWatches(api, 300));
        Set<String> added = ConcurrentHashMap.newKeySet();
        Watch watch = plane.registry.watch(ResourceKind.PODS, "default", ListOptions.ALL, new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<Pod> event) {
                if (event.type() == WatchEvent.Type.ADDED) {
                    added.add(event.object().metadata.name);
                }
            }
        });
        try {
            ReplicaSet set = plane.registry.create(ResourceKind.REPLICA_SETS, replicaSet("web", 40));
            // every update of the replica set asks for a reconciliation while the creates are under way
            for (int i = 0; i < 20; i++) {
                String touch = String.valueOf(i);
                ObjectUpdates.update(plane.registry, ResourceKind.REPLICA_SETS, "default", "web", null, current -> {
                    current.metadata.annotations().put("touch", touch);
                    return true;
                });
            }
            await().atMost(WAIT).until(() -> owned(set).size() == 40);
            await().atMost(WAIT).until(() -> status("web").replicas == 40);
            assertEquals(40, added.size(), "pods created");
            assertEquals(40, plane.pods("default", "app=web").size());
        } finally {
            watch.close();
        }
    }

    @Test
    void reportsReplicasFullyLabeledReadyAndAvailableAfterMinReadySeconds() {
        start();
        Pod orphan = plane.registry.create(ResourceKind.PODS, TestControlPlane.pod("default", "partly-labelled", WEB));
        await().atMost(WAIT).until(() -> informed(orphan));
        ReplicaSet set = replicaSet("web", 2);
        set.spec.template.metadata.labels = Map.of("app", "web", "tier", "front");
        set.spec.minReadySeconds = 2;
        ReplicaSet created = plane.registry.create(ResourceKind.REPLICA_SETS, set);

        await().atMost(WAIT).until(() -> OwnerReferences.isControlledBy(pod("partly-labelled"), created.metadata.uid)
                && status("web").replicas == 2 && owned(created).size() == 2);
        await().atMost(WAIT).until(() -> status("web").fullyLabeledReplicas == 1);
        ReplicaSetStatus status = status("web");
        assertEquals(0, status.readyReplicas);
        assertEquals(created.metadata.generation, status.observedGeneration);

        Instant readySince = Instant.now();
        for (Pod pod : owned(created)) {
            plane.bind(pod, "node-1");
            plane.report(pod, "Running", true, readySince);
        }
        await().atMost(WAIT).until(() -> status("web").readyReplicas == 2);
        assertTrue(status("web").availableReplicas < 2 || Instant.now().isAfter(readySince.plusSeconds(2)),
                "available only after minReadySeconds");
        // no pod changes from here: only the controller's own timer makes them available
        await().atMost(WAIT).until(() -> status("web").availableReplicas == 2);

        scale("web", 3);
        long generation = plane.registry.get(ResourceKind.REPLICA_SETS, "default", "web").metadata.generation;
        await().atMost(WAIT).until(() -> status("web").observedGeneration == generation && status("web").replicas == 3);
    }

    @Test
    void failedCreatesSetReplicaFailureStopAfterTheFirstBatchAndClearOnSuccess() {
        AtomicBoolean refuse = new AtomicBoolean(true);
        AtomicInteger concurrent = new AtomicInteger();
        plane = new TestControlPlane(List.of(ReplicaSetController::replicaSets), api -> new RefusingPods(api, refuse,
                new AtomicInteger(), concurrent));
        plane.registry.create(ResourceKind.REPLICA_SETS, replicaSet("web", 10));

        await().atMost(WAIT).until(() -> status("web").conditions != null);
        var condition = status("web").conditions.get(0);
        assertEquals(List.of("ReplicaFailure", "True", "FailedCreate"), List.of(condition.type, condition.status,
                condition.reason));
        assertTrue(condition.message.contains("exceeded quota"), condition.message);
        await().atMost(WAIT).until(() -> plane.events("default", "web").stream()
                .anyMatch(e -> "FailedCreate".equals(e.reason) && e.count != null && e.count >= 2));
        Event failed = plane.events("default", "web").stream().filter(e -> "FailedCreate".equals(e.reason))
                .findFirst().orElseThrow();
        assertEquals("Warning", failed.type);
        assertTrue(failed.message.startsWith("Error creating: "), failed.message);
        assertEquals(1, plane.events("default", "web").stream().filter(e -> "FailedCreate".equals(e.reason)).count(),
                "repeats raise the count of one event");
        assertEquals(1, concurrent.get(), "each reconciliation stops after its first batch, of one create");

        refuse.set(false);
        await().atMost(WAIT).until(() -> status("web").replicas == 10 && status("web").conditions == null);
    }

    @Test
    void aReplicationControllerIsServedBySameLogicWithItsMapSelector() {
        start();
        ReplicationController controller = new ReplicationController();
        controller.metadata.name = "legacy";
        controller.metadata.namespace = "default";
        controller.spec.replicas = 2;
        controller.spec.selector = Map.of("app", "legacy");
        controller.spec.template = TestControlPlane.template(Map.of("app", "legacy"));
        ReplicationController created = plane.registry.create(ResourceKind.REPLICATION_CONTROLLERS, controller);

        await().atMost(WAIT).until(() -> plane.activePods("default", "app=legacy").size() == 2);
        Pod pod = plane.activePods("default", "app=legacy").get(0);
        assertEquals("ReplicationController", pod.metadata.ownerReferences.get(0).kind);
        assertEquals("v1", pod.metadata.ownerReferences.get(0).apiVersion);
        assertTrue(pod.metadata.name.startsWith("legacy-"));
        await().atMost(WAIT).until(() -> {
            ReplicationController current = plane.registry.get(ResourceKind.REPLICATION_CONTROLLERS, "default", "legacy");
            return current.status != null && current.status.replicas == 2
                    && current.status.observedGeneration == created.metadata.generation;
        });
        await().atMost(WAIT).until(() -> plane.events("default", "legacy").stream()
                .anyMatch(e -> "SuccessfulCreate".equals(e.reason)
                        && "replication-controller".equals(e.source.component)));

        ObjectUpdates.update(plane.registry, ResourceKind.REPLICATION_CONTROLLERS, "default", "legacy", null, current -> {
            current.spec.replicas = 1;
            return true;
        });
        await().atMost(WAIT).until(() -> plane.activePods("default", "app=legacy").size() == 1);
    }

    @Test
    void terminatingPodsDoNotCount() {
        start();
        plane.registry.create(ResourceKind.REPLICA_SETS, replicaSet("web", 2));
        await().atMost(WAIT).until(() -> plane.activePods("default", "app=web").size() == 2);
        Pod running = plane.activePods("default", "app=web").get(0);
        plane.bind(running, "node-1");
        plane.report(running, "Running", true);

        Pod marked = plane.registry.delete(ResourceKind.PODS, "default", running.metadata.name, null);
        assertNotEquals(null, marked.metadata.deletionTimestamp, "a bound pod waits for its kubelet");

        await().atMost(WAIT).until(() -> plane.activePods("default", "app=web").size() == 2);
        assertEquals(3, plane.pods("default", "app=web").size(), "the terminating one is still there, uncounted");
        await().atMost(WAIT).until(() -> status("web").replicas == 2);
    }

    // --- helpers ---

    private List<Pod> owned(ReplicaSet set) {
        return plane.activePods("default", "app=web").stream()
                .filter(p -> OwnerReferences.isControlledBy(p, set.metadata.uid)).toList();
    }

    /** A pod as the controllers' shared informer has it. */
    private Pod cached(Pod pod) {
        return plane.informers.informer(ResourceKind.PODS).get("default", pod.metadata.name).orElseThrow();
    }

    private boolean informed(Pod pod) {
        return plane.informers.informer(ResourceKind.PODS).get("default", pod.metadata.name).isPresent();
    }

    private Pod pod(String name) {
        return plane.registry.get(ResourceKind.PODS, "default", name);
    }

    /** The status, empty before the controller's first report. */
    private ReplicaSetStatus status(String name) {
        ReplicaSetStatus status = plane.registry.get(ResourceKind.REPLICA_SETS, "default", name).status;
        return status == null ? new ReplicaSetStatus() : status;
    }

    private void scale(String name, int replicas) {
        ObjectUpdates.update(plane.registry, ResourceKind.REPLICA_SETS, "default", name, null, current -> {
            current.spec.replicas = replicas;
            return true;
        });
    }

    static ReplicaSet replicaSet(String name, int replicas) {
        ReplicaSet set = new ReplicaSet();
        set.metadata.name = name;
        set.metadata.namespace = "default";
        set.spec.replicas = replicas;
        set.spec.selector = LabelSelector.of(Map.of("app", name));
        set.spec.template = TestControlPlane.template(Map.of("app", name));
        return set;
    }

    /** The API, refusing pod creates while told to, as a quota would, counting the creates at once. */
    private static final class RefusingPods extends ForwardingApiClient {
        private final AtomicBoolean refuse;
        private final AtomicInteger inFlight;
        private final AtomicInteger mostInFlight;

        RefusingPods(ApiClient api, AtomicBoolean refuse, AtomicInteger inFlight, AtomicInteger mostInFlight) {
            super(api);
            this.refuse = refuse;
            this.inFlight = inFlight;
            this.mostInFlight = mostInFlight;
        }

        @Override
        public <T extends KubeObject> T create(ResourceKind<T> kind, T object) {
            if (kind.equals(ResourceKind.PODS) && refuse.get()) {
                mostInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    Thread.sleep(20); // a slow refusal, so that creates sent together would overlap
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    inFlight.decrementAndGet();
                }
                throw new ApiException(Status.failure(403, "Forbidden", "pods \"" + object.metadata.generateName
                        + "x\" is forbidden: exceeded quota: pods, requested: pods=1, used: pods=0, limited: pods=0"));
            }
            return api.create(kind, object);
        }
    }

    /** The API whose pod watches deliver each event late, as a loaded network or API server would. */
    private static final class LaggingPodWatches extends ForwardingApiClient {
        private final long lagMillis;
        private final ScheduledExecutorService delays = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "test-lagging-watch");
            thread.setDaemon(true);
            return thread;
        });

        LaggingPodWatches(ApiClient api, long lagMillis) {
            super(api);
            this.lagMillis = lagMillis;
        }

        @Override
        public <T extends KubeObject> Watch watch(ResourceKind<T> kind, String namespace, ListOptions options,
                                                  WatchListener<T> listener) {
            if (!kind.equals(ResourceKind.PODS)) {
                return api.watch(kind, namespace, options, listener);
            }
            return api.watch(kind, namespace, options, new WatchListener<T>() {
                @Override
                public void onEvent(WatchEvent<T> event) {
                    delays.schedule(() -> listener.onEvent(event), lagMillis, TimeUnit.MILLISECONDS);
                }

                @Override
                public void onClose(ApiException cause) {
                    delays.schedule(() -> listener.onClose(cause), lagMillis, TimeUnit.MILLISECONDS);
                }
            });
        }
    }
}
