package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A change of a deployment's size, paused or in the middle of a rollout, as Kubernetes' {@code
 * scale} in {@code sync.go}: with one active ReplicaSet, that one takes the new size; once the new
 * ReplicaSet is saturated the old ones go to zero; otherwise a rolling deployment spreads the
 * change over its active ReplicaSets in proportion to their sizes (the largest takes the
 * rounding), so that scaling neither hastens nor reverts the rollout.
 */
final class Scaling {

    private Scaling() {
    }

    /**
     * True if the deployment's size differs from the one its active ReplicaSets were scaled for
     * (their desired-replicas annotation): a scaling, not a rollout ({@code isScalingEvent}).
     */
    static boolean isScalingEvent(Deployment deployment, List<ReplicaSet> all) {
        int desired = Deployments.replicas(deployment);
        for (ReplicaSet rs : ReplicaSets.active(all)) {
            Integer annotated = Revisions.desiredReplicas(rs);
            if (annotated != null && annotated != desired) {
                return true;
            }
        }
        return false;
    }

    /** The sizes to set; empty when nothing changes. */
    static List<ScaleStep> steps(Deployment deployment, ReplicaSet newRS, List<ReplicaSet> old) {
        int desired = Deployments.replicas(deployment);
        ReplicaSet activeOrLatest = activeOrLatest(newRS, old);
        if (activeOrLatest != null) {
            return ReplicaSets.replicas(activeOrLatest) == desired
                    ? List.of() : List.of(new ScaleStep(activeOrLatest, desired));
        }
        if (isSaturated(deployment, newRS)) {
            return ReplicaSets.active(old).stream().map(rs -> new ScaleStep(rs, 0)).toList();
        }
        if (!Deployments.isRollingUpdate(deployment)) {
            return List.of();
        }
        List<ReplicaSet> all = new ArrayList<>(old);
        all.add(newRS);
        List<ReplicaSet> active = new ArrayList<>(ReplicaSets.active(all));
        int allowed = desired > 0 ? desired + Deployments.maxSurge(deployment) : 0;
        int toAdd = allowed - ReplicaSets.sumReplicas(active);
        if (toAdd > 0) {
            active.sort(ReplicaSets.LARGEST_NEWER_FIRST);
        } else if (toAdd < 0) {
            active.sort(ReplicaSets.LARGEST_OLDER_FIRST);
        }
        Map<String, Integer> sizes = new HashMap<>();
        int added = 0;
        for (ReplicaSet rs : active) {
            int proportion = toAdd == 0 ? 0 : proportion(rs, deployment, toAdd, added);
            sizes.put(rs.metadata.uid, ReplicaSets.replicas(rs) + proportion);
            added += proportion;
        }
        List<ScaleStep> steps = new ArrayList<>();
        for (int i = 0; i < active.size(); i++) {
            ReplicaSet rs = active.get(i);
            int size = sizes.get(rs.metadata.uid);
            if (i == 0 && toAdd != 0) {
                size = Math.max(0, size + toAdd - added); // the leftover goes to the largest
            }
            steps.add(new ScaleStep(rs, size));
        }
        return steps;
    }

    /**
     * The only active ReplicaSet; with none active, the new one or else the newest old one; null
     * when several are active ({@code FindActiveOrLatest}).
     */
    static ReplicaSet activeOrLatest(ReplicaSet newRS, List<ReplicaSet> old) {
        if (newRS == null && old.isEmpty()) {
            return null;
        }
        List<ReplicaSet> all = new ArrayList<>(old);
        all.sort(ReplicaSets.OLDEST_FIRST.reversed());
        List<ReplicaSet> candidates = new ArrayList<>(all);
        candidates.add(newRS);
        List<ReplicaSet> active = ReplicaSets.active(candidates);
        return switch (active.size()) {
            case 0 -> newRS != null ? newRS : all.get(0);
            case 1 -> active.get(0);
            default -> null;
        };
    }

    /** The new ReplicaSet has the deployment's size, was scaled for it, and all of it is available. */
    static boolean isSaturated(Deployment deployment, ReplicaSet rs) {
        if (rs == null) {
            return false;
        }
        int desired = Deployments.replicas(deployment);
        Integer annotated = Revisions.desiredReplicas(rs);
        return annotated != null && annotated == desired && ReplicaSets.replicas(rs) == desired
                && ReplicaSets.available(rs) == desired;
    }

    /** This ReplicaSet's share of the change, within what is left to add or remove ({@code GetProportion}). */
    private static int proportion(ReplicaSet rs, Deployment deployment, int toAdd, int added) {
        if (ReplicaSets.replicas(rs) == 0 || toAdd == added) {
            return 0;
        }
        int fraction = fraction(rs, deployment);
        int allowed = toAdd - added;
        return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
    }

    /** How much this ReplicaSet grows or shrinks if it keeps its share of the deployment's maximum size. */
    private static int fraction(ReplicaSet rs, Deployment deployment) {
        int desired = Deployments.replicas(deployment);
        int replicas = ReplicaSets.replicas(rs);
        if (desired == 0) {
            return -replicas;
        }
        int max = desired + Deployments.maxSurge(deployment);
        Integer annotated = Revisions.maxReplicas(rs);
        int before = annotated != null ? annotated
                : deployment.status == null ? 0 : deployment.status.replicas;
        if (before == 0) {
            return 0;
        }
        return (int) Math.round((double) replicas * max / before) - replicas;
    }
}
