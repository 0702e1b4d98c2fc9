package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.meta.v1.OwnerReference;
import io.gantry.api.meta.v1.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * What the deployment controller reads off ReplicaSets: their counters (absent status counts as
 * zero), which one is a deployment's new one, the orders Kubernetes sorts them in, and their
 * controller reference.
 */
final class ReplicaSets {

    /** Oldest first; ties by name, as {@code controller.ReplicaSetsByCreationTimestamp}. */
    static final Comparator<ReplicaSet> OLDEST_FIRST = Comparator
            .comparing((ReplicaSet rs) -> created(rs))
            .thenComparing(rs -> rs.metadata.name);

    /** Largest first, newer first among equals ({@code ReplicaSetsBySizeNewer}): where scaling up goes first. */
    static final Comparator<ReplicaSet> LARGEST_NEWER_FIRST = Comparator
            .comparingInt((ReplicaSet rs) -> -replicas(rs))
            .thenComparing(OLDEST_FIRST.reversed());

    /** Largest first, older first among equals ({@code ReplicaSetsBySizeOlder}): where scaling down goes first. */
    static final Comparator<ReplicaSet> LARGEST_OLDER_FIRST = Comparator
            .comparingInt((ReplicaSet rs) -> -replicas(rs))
            .thenComparing(OLDEST_FIRST);

    /** Lowest revision first, then oldest ({@code ReplicaSetsByRevision}): the order old ones are cleaned up. */
    static final Comparator<ReplicaSet> LOWEST_REVISION_FIRST = Comparator
            .comparingLong((ReplicaSet rs) -> Revisions.of(rs))
            .thenComparing(OLDEST_FIRST);

    private ReplicaSets() {
    }

    private static Instant created(ReplicaSet rs) {
        Instant created = Times.parse(rs.metadata.creationTimestamp);
        return created == null ? Instant.MAX : created;
    }

    /** {@code spec.replicas} (1 when unset, as the API server defaults it). */
    static int replicas(ReplicaSet rs) {
        return rs.spec == null || rs.spec.replicas == null ? 1 : rs.spec.replicas;
    }

    static int statusReplicas(ReplicaSet rs) {
        return rs.status == null ? 0 : rs.status.replicas;
    }

    static int ready(ReplicaSet rs) {
        return rs.status == null ? 0 : rs.status.readyReplicas;
    }

    static int available(ReplicaSet rs) {
        return rs.status == null ? 0 : rs.status.availableReplicas;
    }

    /**
     * The available pods the ReplicaSet keeps: its available count, but never more than it is
     * meant to keep, since pods it is removing serve no longer. Used for the scale-down bounds, so
     * that a ReplicaSet whose status lags its last scale-down is not counted twice.
     */
    static int availableKept(ReplicaSet rs) {
        return Math.min(replicas(rs), available(rs));
    }

    /** The sum of {@code spec.replicas}. */
    static int sumReplicas(Collection<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(ReplicaSets::replicas).sum();
    }

    /** The sum of {@code status.replicas}. */
    static int sumStatusReplicas(Collection<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(ReplicaSets::statusReplicas).sum();
    }

    static int sumReady(Collection<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(ReplicaSets::ready).sum();
    }

    static int sumAvailable(Collection<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(ReplicaSets::available).sum();
    }

    static int sumAvailableKept(Collection<ReplicaSet> sets) {
        return sets.stream().filter(Objects::nonNull).mapToInt(ReplicaSets::availableKept).sum();
    }

    /** The ReplicaSets meant to have pods ({@code spec.replicas > 0}); nulls dropped. */
    static List<ReplicaSet> active(Collection<ReplicaSet> sets) {
        return sets.stream().filter(rs -> rs != null && replicas(rs) > 0).toList();
    }

    /**
     * The deployment's new ReplicaSet among its own: the oldest whose template is the deployment's
     * (the hash label aside), or null, as {@code FindNewReplicaSet}.
     */
    static ReplicaSet findNew(Deployment deployment, Collection<ReplicaSet> owned) {
        return owned.stream().sorted(OLDEST_FIRST)
                .filter(rs -> PodTemplateHash.equalIgnoringHash(rs.spec.template, deployment.spec.template))
                .findFirst().orElse(null);
    }

    /** Every owned ReplicaSet but the new one. */
    static List<ReplicaSet> old(Collection<ReplicaSet> owned, ReplicaSet newRS) {
        List<ReplicaSet> old = new ArrayList<>();
        for (ReplicaSet rs : owned) {
            if (newRS == null || !Objects.equals(rs.metadata.uid, newRS.metadata.uid)) {
                old.add(rs);
            }
        }
        return old;
    }

    /** The owner reference with {@code controller: true}, or null. */
    static OwnerReference controllerOf(io.gantry.api.meta.v1.KubeObject object) {
        if (object.metadata == null || object.metadata.ownerReferences == null) {
            return null;
        }
        return object.metadata.ownerReferences.stream()
                .filter(ref -> Boolean.TRUE.equals(ref.controller)).findFirst().orElse(null);
    }

    /** A controller reference to the deployment, as {@code metav1.NewControllerRef}. */
    static OwnerReference controllerRef(Deployment deployment) {
        OwnerReference ref = new OwnerReference();
        ref.apiVersion = "apps/v1";
        ref.kind = "Deployment";
        ref.name = deployment.metadata.name;
        ref.uid = deployment.metadata.uid;
        ref.controller = true;
        ref.blockOwnerDeletion = true;
        return ref;
    }
}
