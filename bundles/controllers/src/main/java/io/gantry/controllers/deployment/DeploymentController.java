package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.DeploymentStatus;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.EventRecorder;
import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.OwnerReference;
import io.gantry.api.meta.v1.Times;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerContext;
import io.gantry.controllers.WorkQueue;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' deployment controller: rolls each Deployment's template out through ReplicaSets
 * named {@code <deployment>-<pod-template-hash>} and owned by it, RollingUpdate (within maxSurge
 * and maxUnavailable) or Recreate; keeps the revision annotations and {@code revisionHistoryLimit}
 * old ReplicaSets for {@code kubectl rollout undo}; honours {@code spec.paused}; scales a
 * deployment in proportion when it is resized mid-rollout; and reports the status and conditions
 * {@code kubectl rollout status} reads, Progressing=False/ProgressDeadlineExceeded included.
 *
 * <p>Beyond Kubernetes: a deployment annotated {@code gantry.io/auto-rollback: "true"} is rolled
 * back to its previous good revision when its rollout exceeds the progress deadline, with a
 * Warning event {@code AutoRollback}.
 *
 * <p>Each reconciliation reads the caches, decides one step with the pure functions of this
 * package ({@link RollingUpdate}, {@link Scaling}, {@link RolloutStatus}), writes it, and leaves
 * the next step to the change events its writes cause.
 */
public final class DeploymentController implements Controller {

    public static final String NAME = "deployment-controller";

    private static final Logger LOG = LoggerFactory.getLogger(DeploymentController.class);
    private static final long NOT_SYNCED_RETRY_MILLIS = 100;
    private static final long OWN_WRITE_RETRY_MILLIS = 1000;

    private final ControllerContext context;
    private final ApiClient api;
    private final Clock clock;
    private final List<Informer.Registration> registrations = new ArrayList<>();
    private final OwnWrites ownWrites = new OwnWrites();
    private Informer<Deployment> deployments;
    private Informer<ReplicaSet> replicaSets;
    private Informer<Pod> pods;
    private EventRecorder events;
    private WorkQueue queue;

    public DeploymentController(ControllerContext context) {
        this(context, Clock.systemUTC());
    }

    /** A controller whose deadlines follow the given clock; for tests. */
    DeploymentController(ControllerContext context, Clock clock) {
        this.context = context;
        this.api = context.api();
        this.clock = clock;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public synchronized void start() {
        events = context.events(NAME);
        deployments = context.informers().informer(ResourceKind.DEPLOYMENTS);
        replicaSets = context.informers().informer(ResourceKind.REPLICA_SETS);
        pods = context.informers().informer(ResourceKind.PODS);
        queue = new WorkQueue("deployment", Math.max(1, context.config().workers()), this::sync);
        registrations.add(deployments.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(Deployment deployment) {
                enqueue(deployment);
            }

            @Override
            public void onUpdate(Deployment previous, Deployment current) {
                enqueue(current);
            }

            @Override
            public void onDelete(Deployment deployment) {
                enqueue(deployment);
            }
        }));
        registrations.add(replicaSets.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(ReplicaSet rs) {
                replicaSetChanged(null, rs);
            }

            @Override
            public void onUpdate(ReplicaSet previous, ReplicaSet current) {
                replicaSetChanged(previous, current);
            }

            @Override
            public void onDelete(ReplicaSet rs) {
                ownerOf(rs).ifPresent(DeploymentController.this::enqueue);
            }
        }));
        registrations.add(pods.addHandler(new Informer.Handler<>() {
            @Override
            public void onUpdate(Pod previous, Pod current) {
                if (!Objects.equals(phase(previous), phase(current))) {
                    podGone(current);
                }
            }

            @Override
            public void onDelete(Pod pod) {
                podGone(pod);
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
    }

    // --- what to look at ---

    private void enqueue(Deployment deployment) {
        queue.add(key(deployment));
    }

    private static String key(KubeObject object) {
        return object.metadata.namespace + "/" + object.metadata.name;
    }

    /** The deployment a ReplicaSet's controller reference names, if it is that deployment still. */
    private Optional<Deployment> ownerOf(ReplicaSet rs) {
        OwnerReference ref = ReplicaSets.controllerOf(rs);
        if (ref == null || !"Deployment".equals(ref.kind)) {
            return Optional.empty();
        }
        return deployments.get(rs.metadata.namespace, ref.name).filter(d -> Objects.equals(d.metadata.uid, ref.uid));
    }

    private void replicaSetChanged(ReplicaSet previous, ReplicaSet current) {
        if (previous != null) {
            OwnerReference before = ReplicaSets.controllerOf(previous);
            OwnerReference now = ReplicaSets.controllerOf(current);
            if (before != null && (now == null || !Objects.equals(before.uid, now.uid))) {
                ownerOf(previous).ifPresent(this::enqueue);
            }
        }
        Optional<Deployment> owner = ownerOf(current);
        if (owner.isPresent()) {
            enqueue(owner.get());
        } else if (ReplicaSets.controllerOf(current) == null) {
            // an orphan: every deployment that would adopt it looks at it
            for (Deployment d : deployments.byIndex(Indexes.NAMESPACE, current.metadata.namespace)) {
                if (d.spec.selector != null && !d.spec.selector.isEmpty()
                        && d.spec.selector.matches(current.metadata.labels())) {
                    enqueue(d);
                }
            }
        }
    }

    /** A pod went away or ended: a Recreate rollout may be waiting for that. */
    private void podGone(Pod pod) {
        OwnerReference ref = ReplicaSets.controllerOf(pod);
        if (ref == null || !"ReplicaSet".equals(ref.kind)) {
            return;
        }
        replicaSets.get(pod.metadata.namespace, ref.name).flatMap(this::ownerOf)
                .filter(Deployments::isRecreate).ifPresent(this::enqueue);
    }

    private static String phase(Pod pod) {
        return pod.status == null ? null : pod.status.phase;
    }

    // --- reconciling one deployment ---

    /** The deployment under reconciliation and its ReplicaSets, as last written or read. */
    private static final class State {
        Deployment deployment;
        List<ReplicaSet> owned;
        ReplicaSet newRS;
        List<ReplicaSet> old;

        List<ReplicaSet> all() {
            List<ReplicaSet> all = new ArrayList<>(old);
            if (newRS != null) {
                all.add(newRS);
            }
            return all;
        }

        void replace(ReplicaSet updated) {
            if (newRS != null && Objects.equals(newRS.metadata.uid, updated.metadata.uid)) {
                newRS = updated;
            }
            old.replaceAll(rs -> Objects.equals(rs.metadata.uid, updated.metadata.uid) ? updated : rs);
            owned.replaceAll(rs -> Objects.equals(rs.metadata.uid, updated.metadata.uid) ? updated : rs);
        }
    }

    private void sync(String key) {
        if (!deployments.hasSynced() || !replicaSets.hasSynced() || !pods.hasSynced()) {
            queue.addAfter(key, NOT_SYNCED_RETRY_MILLIS);
            return;
        }
        int slash = key.indexOf('/');
        Optional<Deployment> cached = deployments.get(key.substring(0, slash), key.substring(slash + 1));
        if (cached.isEmpty()) {
            ownWrites.forget(key);
            return; // deleted: its ReplicaSets go with it through their owner reference
        }
        if (ownWrites.cacheIsBehind(key, replicaSets.byIndex(Indexes.NAMESPACE, cached.get().metadata.namespace),
                clock.instant())) {
            // the event of the write the cache lacks brings this deployment back; this, if it never comes
            queue.addAfter(key, OWN_WRITE_RETRY_MILLIS);
            return;
        }
        State state = new State();
        state.deployment = Json.copy(cached.get());
        Deployment d = state.deployment;
        if (d.spec.selector == null || d.spec.selector.isEmpty()) {
            events.warning(d, "SelectingAll", "This deployment is selecting all pods. A non-empty selector is required.");
            return;
        }
        state.owned = claimReplicaSets(d);
        if (d.metadata.deletionTimestamp != null) {
            findReplicaSets(state, false);
            writeStatus(state, RolloutStatus.calculate(state.deployment, state.all(), state.newRS));
            return;
        }
        DeploymentStatus paused = RolloutStatus.pausedConditions(d);
        if (paused != null) {
            writeStatus(state, paused);
        }
        findReplicaSets(state, false);
        if (Deployments.isPaused(state.deployment)) {
            syncScale(state);
            return;
        }
        if (Scaling.isScalingEvent(state.deployment, state.all())) {
            syncScale(state);
            return;
        }
        if (Deployments.isRecreate(state.deployment)) {
            rolloutRecreate(state);
        } else {
            rolloutRolling(state);
        }
    }

    /** A resize or a paused deployment: proportional scaling, history cleanup when paused, the plain status. */
    private void syncScale(State state) {
        for (ScaleStep step : Scaling.steps(state.deployment, state.newRS, state.old)) {
            scale(state, step);
        }
        if (Deployments.isPaused(state.deployment)) {
            cleanup(state);
        }
        writeStatus(state, RolloutStatus.calculate(state.deployment, state.all(), state.newRS));
    }

    private void rolloutRolling(State state) {
        if (state.newRS == null) {
            findReplicaSets(state, true);
        }
        List<ScaleStep> up = RollingUpdate.scaleUp(state.deployment, state.all(), state.newRS);
        if (!up.isEmpty()) {
            up.forEach(step -> scale(state, step));
            syncRolloutStatus(state);
            return;
        }
        List<ScaleStep> down = RollingUpdate.scaleDown(state.deployment, ReplicaSets.active(state.old), state.newRS);
        if (!down.isEmpty()) {
            down.forEach(step -> scale(state, step));
            syncRolloutStatus(state);
            return;
        }
        if (state.deployment.status != null && Deployments.complete(state.deployment, state.deployment.status)) {
            cleanup(state);
        }
        syncRolloutStatus(state);
    }

    private void rolloutRecreate(State state) {
        List<ReplicaSet> activeOld = ReplicaSets.active(state.old);
        if (!activeOld.isEmpty()) {
            activeOld.forEach(rs -> scale(state, new ScaleStep(rs, 0)));
            syncRolloutStatus(state);
            return;
        }
        if (oldPodsRunning(state)) {
            syncRolloutStatus(state);
            return;
        }
        if (state.newRS == null) {
            findReplicaSets(state, true);
        }
        int desired = Deployments.replicas(state.deployment);
        if (ReplicaSets.replicas(state.newRS) != desired) {
            scale(state, new ScaleStep(state.newRS, desired));
        }
        if (state.deployment.status != null && Deployments.complete(state.deployment, state.deployment.status)) {
            cleanup(state);
        }
        syncRolloutStatus(state);
    }

    /** True while pods of old ReplicaSets exist and have not ended: Recreate starts none before. */
    private boolean oldPodsRunning(State state) {
        if (ReplicaSets.sumStatusReplicas(state.old) > 0) {
            return true;
        }
        for (ReplicaSet rs : state.old) {
            for (Pod pod : pods.byIndex(Indexes.OWNER, rs.metadata.uid)) {
                String phase = phase(pod);
                if (!"Failed".equals(phase) && !"Succeeded".equals(phase)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The ReplicaSets this deployment controls ({@code ClaimReplicaSets}): its own that its
     * selector still matches (one it no longer matches is released), and orphans it matches
     * (adopted, after checking the deployment is still the same and not being deleted).
     */
    private List<ReplicaSet> claimReplicaSets(Deployment d) {
        List<ReplicaSet> owned = new ArrayList<>();
        boolean mayAdopt = true;
        for (ReplicaSet rs : replicaSets.byIndex(Indexes.NAMESPACE, d.metadata.namespace)) {
            OwnerReference ref = ReplicaSets.controllerOf(rs);
            boolean matches = d.spec.selector.matches(rs.metadata.labels());
            if (ref != null) {
                if (!Objects.equals(ref.uid, d.metadata.uid)) {
                    continue;
                }
                if (matches) {
                    owned.add(rs);
                } else if (d.metadata.deletionTimestamp == null) {
                    release(d, rs);
                }
            } else if (matches && mayAdopt && d.metadata.deletionTimestamp == null && rs.metadata.deletionTimestamp == null) {
                Deployment fresh = api.get(ResourceKind.DEPLOYMENTS, d.metadata.namespace, d.metadata.name);
                if (!Objects.equals(fresh.metadata.uid, d.metadata.uid) || fresh.metadata.deletionTimestamp != null) {
                    mayAdopt = false;
                    continue;
                }
                ReplicaSet adopted = Json.copy(rs);
                adopted.metadata.ownerReferences().add(ReplicaSets.controllerRef(d));
                owned.add(updateReplicaSet(d, adopted));
            }
        }
        return owned;
    }

    private void release(Deployment d, ReplicaSet rs) {
        ReplicaSet released = Json.copy(rs);
        released.metadata.ownerReferences.removeIf(ref -> Objects.equals(ref.uid, d.metadata.uid));
        try {
            updateReplicaSet(d, released);
        } catch (ApiException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
    }

    /**
     * Finds the new ReplicaSet and the old ones, bringing the new one's annotations (revision,
     * copied deployment annotations) and the deployment's revision up to date; with {@code create},
     * creates the new ReplicaSet if there is none ({@code getNewReplicaSet}).
     */
    private void findReplicaSets(State state, boolean create) {
        Deployment d = state.deployment;
        ReplicaSet existing = ReplicaSets.findNew(d, state.owned);
        state.newRS = existing;
        state.old = ReplicaSets.old(state.owned, existing);
        long newRevision = Revisions.max(state.old) + 1;
        if (existing != null) {
            ReplicaSet copy = Json.copy(existing);
            boolean changed = Revisions.setNewReplicaSetAnnotations(d, copy, newRevision, true, Deployments.maxSurge(d));
            if (!Objects.equals(copy.spec.minReadySeconds, d.spec.minReadySeconds)) {
                copy.spec.minReadySeconds = d.spec.minReadySeconds;
                changed = true;
            }
            if (changed) {
                ReplicaSet updated = updateReplicaSet(d, copy);
                state.replace(updated);
                copy = updated;
            }
            setRevision(state, copy.metadata.annotations().get(Revisions.REVISION));
            if (Deployments.hasProgressDeadline(d) && RolloutStatus.get(state.deployment.status, RolloutStatus.PROGRESSING) == null) {
                DeploymentStatus status = Json.copy(state.deployment.status());
                RolloutStatus.set(status, RolloutStatus.condition(RolloutStatus.PROGRESSING, "True",
                        RolloutStatus.FOUND_NEW_RS, "Found new replica set \"" + copy.metadata.name + "\""));
                writeStatus(state, status);
            }
            return;
        }
        if (!create) {
            return;
        }
        ReplicaSet created = createNewReplicaSet(state, newRevision);
        state.newRS = created;
        state.owned.add(created);
    }

    private ReplicaSet createNewReplicaSet(State state, long newRevision) {
        Deployment d = state.deployment;
        Integer collisionCount = d.status == null ? null : d.status.collisionCount;
        String hash = PodTemplateHash.of(d.spec.template, collisionCount);
        ReplicaSet rs = new ReplicaSet();
        rs.metadata.name = d.metadata.name + "-" + hash;
        rs.metadata.namespace = d.metadata.namespace;
        rs.metadata.ownerReferences().add(ReplicaSets.controllerRef(d));
        rs.spec.template = Json.copy(d.spec.template);
        rs.spec.template.metadata.labels = PodTemplateHash.withHash(d.spec.template.metadata.labels, hash);
        rs.metadata.labels = new java.util.LinkedHashMap<>(rs.spec.template.metadata.labels);
        rs.spec.selector = Json.copy(d.spec.selector);
        rs.spec.selector.matchLabels = PodTemplateHash.withHash(d.spec.selector.matchLabels, hash);
        rs.spec.minReadySeconds = d.spec.minReadySeconds;
        rs.spec.replicas = 0;
        int replicas = Deployments.newReplicaSetReplicas(d, ReplicaSets.sumReplicas(state.old), 0);
        rs.spec.replicas = replicas;
        Revisions.setNewReplicaSetAnnotations(d, rs, newRevision, false, Deployments.maxSurge(d));
        ReplicaSet created;
        boolean alreadyExisted = false;
        try {
            created = api.create(ResourceKind.REPLICA_SETS, rs);
            ownWrites.wrote(key(d), created, clock.instant());
        } catch (ApiException e) {
            if (e.code() == 409 && "AlreadyExists".equals(e.reason())) {
                ReplicaSet found = api.get(ResourceKind.REPLICA_SETS, rs.metadata.namespace, rs.metadata.name);
                OwnerReference ref = ReplicaSets.controllerOf(found);
                if (ref != null && Objects.equals(ref.uid, d.metadata.uid)
                        && PodTemplateHash.equalIgnoringHash(d.spec.template, found.spec.template)) {
                    created = found; // ours, not yet in the cache
                    alreadyExisted = true;
                } else {
                    // a hash collision: another template has this name; the next hash differs
                    DeploymentStatus status = Json.copy(d.status());
                    status.collisionCount = collisionCount == null ? 1 : collisionCount + 1;
                    writeStatus(state, status);
                    LOG.info("Deployment {}: hash collision on {}, collisionCount now {}", key(d), rs.metadata.name,
                            status.collisionCount);
                    throw e;
                }
            } else {
                String message = "Failed to create new replica set \"" + rs.metadata.name + "\": " + e.getMessage();
                if (Deployments.hasProgressDeadline(d)) {
                    DeploymentStatus status = Json.copy(d.status());
                    RolloutStatus.set(status, RolloutStatus.condition(RolloutStatus.PROGRESSING, "False",
                            RolloutStatus.RS_CREATE_ERROR, message));
                    try {
                        writeStatus(state, status);
                    } catch (ApiException ignored) {
                        // the failure to report is the creation's
                    }
                }
                events.warning(d, RolloutStatus.RS_CREATE_ERROR, message);
                throw e;
            }
        }
        if (!alreadyExisted && replicas > 0) {
            events.normal(state.deployment, "ScalingReplicaSet",
                    "Scaled up replica set " + created.metadata.name + " to " + replicas);
        }
        setRevision(state, Long.toString(newRevision));
        if (!alreadyExisted && Deployments.hasProgressDeadline(state.deployment)) {
            DeploymentStatus status = Json.copy(state.deployment.status());
            RolloutStatus.set(status, RolloutStatus.condition(RolloutStatus.PROGRESSING, "True",
                    RolloutStatus.NEW_RS_CREATED, "Created new replica set \"" + created.metadata.name + "\""));
            writeStatus(state, status);
        }
        return created;
    }

    /** Sets the deployment's revision annotation, written at once if it changed. */
    private void setRevision(State state, String revision) {
        if (revision == null || revision.equals(state.deployment.metadata.annotations().get(Revisions.REVISION))) {
            return;
        }
        Deployment copy = Json.copy(state.deployment);
        copy.metadata.annotations().put(Revisions.REVISION, revision);
        Deployment updated = api.update(ResourceKind.DEPLOYMENTS, copy);
        state.deployment = updated;
    }

    /** Scales one ReplicaSet (and records it), updating its replica annotations to the deployment's size. */
    private void scale(State state, ScaleStep step) {
        Deployment d = state.deployment;
        ReplicaSet rs = step.replicaSet();
        int from = ReplicaSets.replicas(rs);
        int desired = Deployments.replicas(d);
        int max = desired + Deployments.maxSurge(d);
        boolean resize = from != step.replicas();
        if (!resize && !Revisions.replicasAnnotationsNeedUpdate(rs, desired, max)) {
            return;
        }
        ReplicaSet copy = Json.copy(rs);
        copy.spec.replicas = step.replicas();
        Revisions.setReplicasAnnotations(copy, desired, max);
        ReplicaSet updated = updateReplicaSet(d, copy);
        state.replace(updated);
        if (resize) {
            events.normal(d, "ScalingReplicaSet", "Scaled " + (from < step.replicas() ? "up" : "down")
                    + " replica set " + rs.metadata.name + " to " + step.replicas() + " from " + from);
        }
    }

    /**
     * Deletes the oldest old ReplicaSets beyond {@code revisionHistoryLimit}, those without pods
     * and whose status is current only ({@code cleanupDeployment}).
     */
    private void cleanup(State state) {
        Integer limit = state.deployment.spec.revisionHistoryLimit;
        if (limit == null || limit == Integer.MAX_VALUE) {
            return;
        }
        List<ReplicaSet> cleanable = new ArrayList<>(state.old.stream()
                .filter(rs -> rs.metadata.deletionTimestamp == null).toList());
        int surplus = cleanable.size() - limit;
        if (surplus <= 0) {
            return;
        }
        cleanable.sort(ReplicaSets.LOWEST_REVISION_FIRST);
        for (ReplicaSet rs : cleanable.subList(0, surplus)) {
            long generation = rs.metadata.generation == null ? 0 : rs.metadata.generation;
            long observed = rs.status == null ? 0 : rs.status.observedGeneration;
            if (ReplicaSets.statusReplicas(rs) != 0 || ReplicaSets.replicas(rs) != 0 || generation > observed) {
                continue;
            }
            DeleteOptions options = new DeleteOptions();
            options.preconditions = new DeleteOptions.Preconditions();
            options.preconditions.uid = rs.metadata.uid;
            try {
                api.delete(ResourceKind.REPLICA_SETS, rs.metadata.namespace, rs.metadata.name, options);
                ownWrites.deleted(key(state.deployment), rs.metadata.uid);
            } catch (ApiException e) {
                if (!e.isNotFound()) {
                    throw e;
                }
            }
        }
    }

    /** Writes the rollout's status; asks to be back when a deadline will pass; rolls back if asked to. */
    private void syncRolloutStatus(State state) {
        Deployment before = state.deployment;
        java.time.Instant now = clock.instant();
        DeploymentStatus status = RolloutStatus.rollout(before, state.all(), state.newRS, now);
        if (RolloutStatus.same(before.status, status)) {
            Duration wait = RolloutStatus.untilDeadline(before, status, now);
            if (wait != null) {
                queue.addAfter(key(before), wait.toMillis());
            }
        } else {
            writeStatus(state, status);
        }
        if (RolloutStatus.hasTimedOut(state.deployment) && Rollback.autoRollbackEnabled(state.deployment)
                && state.newRS != null && !failedBefore(state.newRS)) {
            autoRollback(state);
        }
    }

    private static boolean failedBefore(ReplicaSet rs) {
        return rs.metadata.annotations != null && rs.metadata.annotations.containsKey(Revisions.ROLLOUT_FAILED);
    }

    /**
     * Rolls a deployment whose rollout exceeded its deadline back to its newest earlier revision
     * that did not fail, as {@code kubectl rollout undo} would, and marks the failed ReplicaSet so
     * that no automatic rollback ever returns to it.
     */
    private void autoRollback(State state) {
        Deployment d = state.deployment;
        ReplicaSet failed = state.newRS;
        long failedRevision = Revisions.of(failed);
        Optional<ReplicaSet> target = Rollback.autoRollbackTarget(d, state.owned, failed);
        ReplicaSet marked = Json.copy(failed);
        marked.metadata.annotations().put(Revisions.ROLLOUT_FAILED, Times.format(clock.instant()));
        state.replace(updateReplicaSet(d, marked));
        String why = "ReplicaSet \"" + failed.metadata.name + "\" has timed out progressing.";
        if (target.isEmpty()) {
            events.warning(d, "AutoRollback", "Not rolling back deployment \"" + d.metadata.name + "\" from revision "
                    + failedRevision + ": no earlier revision to roll back to. " + why);
            return;
        }
        Deployment rolled = Rollback.to(d, target.get());
        state.deployment = api.update(ResourceKind.DEPLOYMENTS, rolled);
        events.event(d, Event.WARNING, "AutoRollback", "Rolled back deployment \"" + d.metadata.name
                + "\" from revision " + failedRevision + " to revision " + Revisions.of(target.get()) + ": " + why);
        LOG.info("Deployment {}: rolled back from revision {} to revision {} after its progress deadline", key(d),
                failedRevision, Revisions.of(target.get()));
    }

    /** Updates a ReplicaSet of the deployment, remembering the version written. */
    private ReplicaSet updateReplicaSet(Deployment d, ReplicaSet rs) {
        ReplicaSet updated = api.update(ResourceKind.REPLICA_SETS, rs);
        ownWrites.wrote(key(d), updated, clock.instant());
        return updated;
    }

    /** Writes the status if it differs from the stored one. */
    private void writeStatus(State state, DeploymentStatus status) {
        if (RolloutStatus.same(state.deployment.status, status)) {
            return;
        }
        Deployment copy = Json.copy(state.deployment);
        copy.status = status;
        state.deployment = api.updateStatus(ResourceKind.DEPLOYMENTS, copy);
    }
}
