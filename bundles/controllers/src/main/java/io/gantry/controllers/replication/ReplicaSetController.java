package io.gantry.controllers.replication;

import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.apps.v1.ReplicaSetStatus;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.EventRecorder;
import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.ReplicationController;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.LabelSelector;
import io.gantry.api.meta.v1.ObjectMeta;
import io.gantry.api.meta.v1.OwnerReference;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerContext;
import io.gantry.controllers.Expectations;
import io.gantry.controllers.ObjectUpdates;
import io.gantry.controllers.OwnerReferences;
import io.gantry.controllers.PodStates;
import io.gantry.controllers.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@code spec.replicas} pods of a ReplicaSet (or a v1 ReplicationController) running, as
 * Kubernetes' replica set controller: pods from the template, owned through a controller
 * reference; orphans that match the selector are adopted and owned pods that stop matching are
 * released; a scale-down deletes the pods that cost least first ({@link ActivePods}); status
 * reports the replicas, fully labeled, ready and available ones at the observed generation.
 *
 * <p>Each reconciliation first claims the pods, then acts only if its {@link Expectations} are
 * met (the informer has seen its earlier creates and deletes), so a burst is never doubled; then
 * it reports status. Creates go in slow-start batches (1, 2, 4, ...) so that a failing template
 * costs one failed create, not hundreds.
 */
public final class ReplicaSetController<T extends KubeObject> implements Controller {

    private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetController.class);
    /** As Kubernetes' BurstReplicas: at most this many creates or deletes per reconciliation. */
    static final int BURST_REPLICAS = 500;
    /** How soon to look again when the informers have not synced yet. */
    private static final long UNSYNCED_RETRY_MILLIS = 100;

    private final ControllerContext context;
    private final ReplicatedKind<T> kind;
    private final ApiClient api;
    private final EventRecorder events;
    private final Expectations expectations = new Expectations();
    private final List<Informer.Registration> registrations = new ArrayList<>();
    private Informer<T> owners;
    private Informer<Pod> pods;
    private WorkQueue queue;
    private ExecutorService writers;

    private ReplicaSetController(ControllerContext context, ReplicatedKind<T> kind) {
        this.context = context;
        this.kind = kind;
        this.api = context.api();
        this.events = context.events(kind.component());
    }

    /** The controller of apps/v1 ReplicaSets. */
    public static ReplicaSetController<ReplicaSet> replicaSets(ControllerContext context) {
        return new ReplicaSetController<>(context, new ReplicaSetKind());
    }

    /** The controller of v1 ReplicationControllers. */
    public static ReplicaSetController<ReplicationController> replicationControllers(ControllerContext context) {
        return new ReplicaSetController<>(context, new ReplicationControllerKind());
    }

    @Override
    public String name() {
        return kind.component();
    }

    @Override
    public synchronized void start() {
        owners = context.informers().informer(kind.kind());
        pods = context.informers().informer(ResourceKind.PODS);
        writers = Executors.newFixedThreadPool(8, r -> {
            Thread thread = new Thread(r, "gantry-" + kind.component() + "-writes");
            thread.setDaemon(true);
            return thread;
        });
        queue = new WorkQueue(kind.component(), Math.max(1, context.config().workers()), this::sync);
        registrations.add(owners.addHandler(new Informer.Handler<T>() {
            @Override
            public void onAdd(T object) {
                enqueue(object);
            }

            @Override
            public void onUpdate(T previous, T current) {
                enqueue(current);
            }

            @Override
            public void onDelete(T object) {
                expectations.delete(key(object));
                enqueue(object);
            }
        }));
        registrations.add(pods.addHandler(new Informer.Handler<Pod>() {
            @Override
            public void onAdd(Pod pod) {
                podAdded(pod);
            }

            @Override
            public void onUpdate(Pod previous, Pod current) {
                podUpdated(previous, current);
            }

            @Override
            public void onDelete(Pod pod) {
                podDeleted(pod);
            }
        }));
    }

    @Override
    public synchronized void close() {
        registrations.forEach(Informer.Registration::close);
        registrations.clear();
        if (queue != null) {
            queue.close();
        }
        if (writers != null) {
            writers.shutdownNow();
            try {
                // a create or delete already sent finishes; none starts once this returns
                writers.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    // --- what the informers tell ---

    private void podAdded(Pod pod) {
        if (PodStates.isTerminating(pod)) {
            // a pod seen first already terminating (after a relist): count it as the deletion it is
            podDeleted(pod);
            return;
        }
        Optional<OwnerReference> controller = OwnerReferences.controllerOf(pod);
        if (controller.isPresent()) {
            resolve(pod.metadata.namespace, controller.get()).ifPresent(owner -> {
                expectations.creationObserved(key(owner));
                enqueue(owner);
            });
            return;
        }
        matching(pod).forEach(this::enqueue); // an orphan: whoever selects it may adopt it
    }

    private void podUpdated(Pod previous, Pod current) {
        if (Objects.equals(previous.metadata.resourceVersion, current.metadata.resourceVersion)) {
            return;
        }
        boolean labelsChanged = !Objects.equals(previous.metadata.labels, current.metadata.labels);
        if (PodStates.isTerminating(current)) {
            // a graceful deletion counts as the deletion at once: the pod is no replica any more
            podDeleted(current);
            if (labelsChanged) {
                podDeleted(previous);
            }
            return;
        }
        Optional<OwnerReference> now = OwnerReferences.controllerOf(current);
        Optional<OwnerReference> before = OwnerReferences.controllerOf(previous);
        boolean controllerChanged = !Objects.equals(now.map(r -> r.uid), before.map(r -> r.uid));
        if (controllerChanged && before.isPresent()) {
            resolve(previous.metadata.namespace, before.get()).ifPresent(this::enqueue);
        }
        if (now.isPresent()) {
            resolve(current.metadata.namespace, now.get()).ifPresent(owner -> {
                enqueue(owner);
                int minReady = ReplicaStatuses.minReadySeconds(kind.view(owner));
                if (minReady > 0 && !PodStates.isReady(previous) && PodStates.isReady(current)) {
                    queue.addAfter(key(owner), minReady * 1000L + 50);
                }
            });
            return;
        }
        if (labelsChanged || controllerChanged) {
            matching(current).forEach(this::enqueue);
        }
    }

    private void podDeleted(Pod pod) {
        OwnerReferences.controllerOf(pod).flatMap(ref -> resolve(pod.metadata.namespace, ref)).ifPresent(owner -> {
            expectations.deletionObserved(key(owner), podKey(pod));
            enqueue(owner);
        });
    }

    /** The cached owner a controller reference names, if it is of this kind and still that object. */
    private Optional<T> resolve(String namespace, OwnerReference reference) {
        if (!kind.kind().kind().equals(reference.kind)) {
            return Optional.empty();
        }
        return owners.get(namespace, reference.name).filter(o -> Objects.equals(o.metadata.uid, reference.uid));
    }

    /** The owners of this kind in the pod's namespace whose selector matches it. */
    private List<T> matching(Pod pod) {
        List<T> found = new ArrayList<>();
        for (T owner : owners.byIndex(Indexes.NAMESPACE, pod.metadata.namespace)) {
            LabelSelector selector = kind.view(owner).spec.selector;
            if (selector != null && !selector.isEmpty() && selector.matches(pod.metadata.labels)) {
                found.add(owner);
            }
        }
        return found;
    }

    private void enqueue(T owner) {
        WorkQueue current = queue;
        if (current != null) {
            current.add(key(owner));
        }
    }

    // --- reconciliation ---

    private void sync(String key) throws Exception {
        if (!owners.hasSynced() || !pods.hasSynced()) {
            queue.addAfter(key, UNSYNCED_RETRY_MILLIS); // acting on a partial cache would create pods twice
            return;
        }
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Optional<T> cached = owners.get(namespace, name);
        if (cached.isEmpty()) {
            expectations.delete(key);
            return;
        }
        T owner = cached.get();
        ReplicaSet set = kind.view(owner);
        LabelSelector selector = set.spec.selector;
        if (selector == null || selector.isEmpty() || !selector.isValid()) {
            LOG.warn("{} {}/{} has no valid selector: nothing to do", kind.kind().kind(), namespace, name);
            return;
        }
        boolean needsSync = expectations.satisfied(key) && set.metadata.deletionTimestamp == null;
        List<Pod> active = new ArrayList<>();
        for (Pod pod : candidates(namespace, set.metadata.uid, selector)) {
            if (PodStates.isActive(pod)) {
                active.add(pod);
            }
        }
        List<Pod> claimed = claim(owner, set, selector, active);
        Failure failure = null;
        if (needsSync) {
            failure = manage(owner, set, key, claimed);
        }
        Instant now = Instant.now();
        ReplicaSetStatus status = ReplicaStatuses.calculate(set, claimed,
                failure == null ? null : failure.reason, failure == null ? null : failure.message, now);
        writeStatus(owner, set, status);
        if (failure != null) {
            throw failure.cause;
        }
        Duration next = ReplicaStatuses.nextAvailabilityCheck(set, claimed, now);
        if (next != null) {
            queue.addAfter(key, next.toMillis() + 50);
        }
    }

    /**
     * The pods this owner may claim or release: those it owns, and those its selector may match,
     * found through the informer's indexes (by a label every match must carry) rather than by
     * going through every pod of the namespace at each sync, which cost milliseconds per pod with
     * thousands of pods in one namespace. A selector of expressions only still goes through them all.
     */
    private Collection<Pod> candidates(String namespace, String uid, LabelSelector selector) {
        if (selector.matchLabels == null || selector.matchLabels.isEmpty()) {
            return pods.byIndex(Indexes.NAMESPACE, namespace);
        }
        Map.Entry<String, String> anchor = selector.matchLabels.entrySet().iterator().next();
        Map<String, Pod> found = new LinkedHashMap<>();
        for (Pod pod : pods.byIndex(Indexes.LABEL, Indexes.label(anchor.getKey(), anchor.getValue()))) {
            if (namespace.equals(pod.metadata.namespace)) {
                found.put(pod.metadata.name, pod);
            }
        }
        for (Pod pod : pods.byIndex(Indexes.OWNER, uid)) { // owned, and maybe no longer matching: released
            if (namespace.equals(pod.metadata.namespace)) {
                found.putIfAbsent(pod.metadata.name, pod);
            }
        }
        return found.values();
    }

    /**
     * The active pods this owner owns after adopting matching orphans and releasing owned pods
     * that no longer match, as Kubernetes' {@code PodControllerRefManager.ClaimPods}.
     */
    private List<Pod> claim(T owner, ReplicaSet set, LabelSelector selector, List<Pod> active) {
        String uid = set.metadata.uid;
        boolean deleting = set.metadata.deletionTimestamp != null;
        Boolean mayAdopt = null;
        List<Pod> claimed = new ArrayList<>();
        for (Pod pod : active) {
            Optional<OwnerReference> controller = OwnerReferences.controllerOf(pod);
            boolean matches = selector.matches(pod.metadata.labels);
            if (controller.isPresent()) {
                if (!Objects.equals(controller.get().uid, uid)) {
                    continue; // another controller's
                }
                if (matches) {
                    claimed.add(pod);
                } else if (!deleting) {
                    release(owner, pod);
                }
                continue;
            }
            if (deleting || !matches || PodStates.isTerminating(pod)) {
                continue;
            }
            if (mayAdopt == null) {
                mayAdopt = canAdopt(set);
            }
            if (!mayAdopt) {
                continue;
            }
            adopt(owner, pod).ifPresent(claimed::add);
        }
        return claimed;
    }

    /**
     * Adoption only by the owner as it is now, read from the API rather than the cache: not one
     * being deleted, nor an older object of the same name.
     */
    private boolean canAdopt(ReplicaSet set) {
        Optional<T> fresh = api.find(kind.kind(), set.metadata.namespace, set.metadata.name);
        return fresh.isPresent() && Objects.equals(fresh.get().metadata.uid, set.metadata.uid)
                && fresh.get().metadata.deletionTimestamp == null;
    }

    private Optional<Pod> adopt(T owner, Pod pod) {
        OwnerReference reference = OwnerReferences.controllerRef(owner);
        Optional<Pod> adopted = ObjectUpdates.update(api, ResourceKind.PODS, pod.metadata.namespace, pod.metadata.name,
                pod.metadata.uid, current -> {
                    if (OwnerReferences.controllerOf(current).isPresent() || PodStates.isTerminating(current)) {
                        return false; // someone else adopted it meanwhile, or it is going
                    }
                    current.metadata.ownerReferences().add(reference);
                    return true;
                });
        adopted.ifPresent(p -> LOG.info("{} {}/{} adopted pod {}", kind.kind().kind(), owner.metadata.namespace,
                owner.metadata.name, p.metadata.name));
        return adopted;
    }

    private void release(T owner, Pod pod) {
        String uid = owner.metadata.uid;
        ObjectUpdates.update(api, ResourceKind.PODS, pod.metadata.namespace, pod.metadata.name, pod.metadata.uid,
                current -> OwnerReferences.remove(current, uid)).ifPresent(p -> LOG.info("{} {}/{} released pod {}",
                kind.kind().kind(), owner.metadata.namespace, owner.metadata.name, p.metadata.name));
    }

    /** Why managing the replicas failed; the status reports it, the queue retries. */
    private record Failure(String reason, String message, Exception cause) {
    }

    /** Creates or deletes pods so that {@code spec.replicas} are owned, as {@code manageReplicas}. */
    private Failure manage(T owner, ReplicaSet set, String key, List<Pod> claimed) {
        int replicas = set.spec.replicas == null ? 1 : set.spec.replicas;
        int diff = claimed.size() - replicas;
        if (diff < 0) {
            int creates = Math.min(-diff, BURST_REPLICAS);
            expectations.expectCreations(key, creates);
            BatchResult result = slowStartBatches(creates, () -> createPod(owner, set));
            // creates never attempted will never be seen: stop expecting them
            for (int i = result.successes(); i < creates; i++) {
                expectations.creationObserved(key);
            }
            return result.error() == null ? null
                    : new Failure("FailedCreate", message(result.error()), result.error());
        }
        if (diff > 0) {
            int deletes = Math.min(diff, BURST_REPLICAS);
            List<Pod> chosen = ActivePods.toDelete(claimed, related(set, claimed), deletes, Instant.now());
            expectations.expectDeletions(key, chosen.stream().map(ReplicaSetController::podKey).toList());
            Exception first = null;
            List<Future<Exception>> pending = new ArrayList<>();
            for (Pod pod : chosen) {
                pending.add(writers.submit(() -> deletePod(owner, key, pod)));
            }
            for (Future<Exception> future : pending) {
                Exception error = result(future);
                if (first == null && error != null) {
                    first = error;
                }
            }
            return first == null ? null : new Failure("FailedDelete", message(first), first);
        }
        return null;
    }

    private record BatchResult(int successes, Exception error) {
    }

    /**
     * Runs {@code count} creates in batches of 1, 2, 4, ... as Kubernetes' {@code slowStartBatch};
     * the first batch with a failure is the last.
     */
    private BatchResult slowStartBatches(int count, java.util.concurrent.Callable<Void> create) {
        int remaining = count;
        int successes = 0;
        for (int batch = Math.min(remaining, 1); batch > 0; batch = Math.min(2 * batch, remaining)) {
            List<Future<Void>> calls = new ArrayList<>();
            for (int i = 0; i < batch; i++) {
                calls.add(writers.submit(create));
            }
            Exception error = null;
            for (Future<Void> call : calls) {
                try {
                    call.get();
                    successes++;
                } catch (java.util.concurrent.ExecutionException e) {
                    if (error == null) {
                        error = e.getCause() instanceof Exception cause ? cause : e;
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return new BatchResult(successes, e);
                }
            }
            if (error != null) {
                return new BatchResult(successes, error);
            }
            remaining -= batch;
        }
        return new BatchResult(successes, null);
    }

    private Void createPod(T owner, ReplicaSet set) {
        Pod pod = podFromTemplate(owner, set);
        try {
            Pod created = api.create(ResourceKind.PODS, pod);
            events.normal(owner, "SuccessfulCreate", "Created pod: " + created.metadata.name);
            return null;
        } catch (ApiException e) {
            if (e.code() == 403 && String.valueOf(e.getMessage()).contains("is being terminated")) {
                // the namespace goes: creating there is pointless, and not this controller's failure
                LOG.debug("Not creating a pod for {}/{}: {}", owner.metadata.namespace, owner.metadata.name,
                        e.getMessage());
                return null;
            }
            events.warning(owner, "FailedCreate", "Error creating: " + e.getMessage());
            throw e;
        }
    }

    /** A pod of the template, owned by the controller, named after it, as {@code GetPodFromTemplate}. */
    private Pod podFromTemplate(T owner, ReplicaSet set) {
        Pod pod = new Pod();
        ObjectMeta template = set.spec.template.metadata == null ? new ObjectMeta() : set.spec.template.metadata;
        pod.metadata.namespace = owner.metadata.namespace;
        pod.metadata.generateName = owner.metadata.name + "-";
        pod.metadata.labels = template.labels == null ? null : new LinkedHashMap<>(template.labels);
        pod.metadata.annotations = template.annotations == null ? null : new LinkedHashMap<>(template.annotations);
        pod.metadata.finalizers = template.finalizers == null ? null : new ArrayList<>(template.finalizers);
        pod.metadata.ownerReferences = new ArrayList<>(List.of(OwnerReferences.controllerRef(owner)));
        pod.spec = Json.copy(set.spec.template.spec);
        return pod;
    }

    private Exception deletePod(T owner, String key, Pod pod) {
        try {
            api.delete(ResourceKind.PODS, pod.metadata.namespace, pod.metadata.name, null);
            events.normal(owner, "SuccessfulDelete", "Deleted pod: " + pod.metadata.name);
            return null;
        } catch (ApiException e) {
            // the informer will not see this deletion: stop expecting it
            expectations.deletionObserved(key, podKey(pod));
            if (e.isNotFound()) {
                return null;
            }
            events.warning(owner, "FailedDelete", "Error deleting: " + e.getMessage());
            return e;
        } catch (RuntimeException e) {
            expectations.deletionObserved(key, podKey(pod));
            return e;
        }
    }

    /**
     * The pods that rank a scale-down's candidates by node: those of every object the owner's own
     * controller (a Deployment) controls, else the owner's own, as {@code getIndirectlyRelatedPods}.
     */
    private List<Pod> related(ReplicaSet set, List<Pod> claimed) {
        Optional<OwnerReference> controller = OwnerReferences.controllerOf(set);
        if (controller.isEmpty()) {
            return claimed;
        }
        List<Pod> related = new ArrayList<>();
        for (T sibling : owners.byIndex(Indexes.OWNER, controller.get().uid)) {
            if (OwnerReferences.isControlledBy(sibling, controller.get().uid)) {
                for (Pod pod : pods.byIndex(Indexes.OWNER, sibling.metadata.uid)) {
                    if (OwnerReferences.isControlledBy(pod, sibling.metadata.uid)) {
                        related.add(pod);
                    }
                }
            }
        }
        return related.isEmpty() ? claimed : related;
    }

    /** Writes the status if it changed, as {@code updateReplicaSetStatus}; retried once on a conflict. */
    private void writeStatus(T owner, ReplicaSet set, ReplicaSetStatus status) {
        long generation = set.metadata.generation == null ? 0 : set.metadata.generation;
        if (ReplicaStatuses.same(set.status, status) && set.status.observedGeneration == generation) {
            return;
        }
        T current = owner;
        for (int attempt = 0; ; attempt++) {
            try {
                api.updateStatus(kind.kind(), kind.withStatus(current, status));
                return;
            } catch (ApiException e) {
                if (e.isNotFound()) {
                    return;
                }
                if (!e.isConflict() || attempt >= 1) {
                    throw e;
                }
                Optional<T> fresh = api.find(kind.kind(), owner.metadata.namespace, owner.metadata.name);
                if (fresh.isEmpty() || !Objects.equals(fresh.get().metadata.uid, owner.metadata.uid)) {
                    return;
                }
                current = fresh.get();
                status.observedGeneration = current.metadata.generation == null ? 0 : current.metadata.generation;
            }
        }
    }

    private static Exception result(Future<Exception> future) {
        try {
            return future.get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return e;
        } catch (Exception e) {
            return e;
        }
    }

    private static String message(Exception e) {
        return e.getMessage() == null ? e.toString() : e.getMessage();
    }

    private static String key(KubeObject object) {
        return object.metadata.namespace + "/" + object.metadata.name;
    }

    private static String podKey(Pod pod) {
        return pod.metadata.namespace + "/" + pod.metadata.name;
    }
}
