package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.ReplicaSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The steps of a rolling update, as Kubernetes' {@code rolling.go}, computed from the deployment
 * and its ReplicaSets without acting: first scale the new ReplicaSet up as far as maxSurge allows;
 * when it cannot grow, scale old ones down as far as maxUnavailable allows, unhealthy pods first.
 * Each step keeps the sum of {@code spec.replicas} at most desired + maxSurge and the available
 * pods at least desired - maxUnavailable.
 */
final class RollingUpdate {

    private RollingUpdate() {
    }

    /**
     * The new ReplicaSet's next size ({@code reconcileNewReplicaSet}), or empty if it stays: down
     * to the desired count if above it, else up by what the surge leaves room for.
     */
    static List<ScaleStep> scaleUp(Deployment deployment, List<ReplicaSet> all, ReplicaSet newRS) {
        int desired = Deployments.replicas(deployment);
        int current = ReplicaSets.replicas(newRS);
        if (current == desired) {
            return List.of();
        }
        if (current > desired) {
            return List.of(new ScaleStep(newRS, desired));
        }
        int target = Deployments.newReplicaSetReplicas(deployment, ReplicaSets.sumReplicas(all), current);
        return target == current ? List.of() : List.of(new ScaleStep(newRS, target));
    }

    /**
     * The old ReplicaSets' next sizes ({@code reconcileOldReplicaSets}): how many pods may go is
     * all pods minus the minimum available minus the new ReplicaSet's pods not yet available; old
     * pods that are not available go first (oldest ReplicaSet first), then available ones while
     * more than the minimum are available.
     */
    static List<ScaleStep> scaleDown(Deployment deployment, List<ReplicaSet> oldActive, ReplicaSet newRS) {
        List<ReplicaSet> old = new ArrayList<>(oldActive);
        old.sort(ReplicaSets.OLDEST_FIRST);
        if (ReplicaSets.sumReplicas(old) == 0) {
            return List.of();
        }
        int desired = Deployments.replicas(deployment);
        int minAvailable = desired - Deployments.maxUnavailable(deployment);
        int newReplicas = newRS == null ? 0 : ReplicaSets.replicas(newRS);
        int newUnavailable = newRS == null ? 0 : newReplicas - ReplicaSets.availableKept(newRS);
        int maxScaledDown = ReplicaSets.sumReplicas(old) + newReplicas - minAvailable - newUnavailable;
        if (maxScaledDown <= 0) {
            return List.of();
        }
        Map<String, Integer> sizes = new HashMap<>();
        List<ScaleStep> steps = new ArrayList<>();

        // unhealthy pods first: they may never become available and would block the rollout
        int cleaned = 0;
        for (ReplicaSet rs : old) {
            if (cleaned >= maxScaledDown) {
                break;
            }
            int replicas = ReplicaSets.replicas(rs);
            int unhealthy = replicas - ReplicaSets.availableKept(rs);
            if (replicas == 0 || unhealthy <= 0) {
                continue;
            }
            int down = Math.min(maxScaledDown - cleaned, unhealthy);
            sizes.put(rs.metadata.uid, replicas - down);
            cleaned += down;
        }

        // then available ones, while more than the minimum stay available
        int available = (newRS == null ? 0 : ReplicaSets.availableKept(newRS));
        for (ReplicaSet rs : old) {
            available += Math.min(size(sizes, rs), ReplicaSets.available(rs));
        }
        int toScaleDown = available - minAvailable;
        int scaled = 0;
        for (ReplicaSet rs : old) {
            if (scaled >= toScaleDown) {
                break;
            }
            int replicas = size(sizes, rs);
            if (replicas == 0) {
                continue;
            }
            int down = Math.min(replicas, toScaleDown - scaled);
            sizes.put(rs.metadata.uid, replicas - down);
            scaled += down;
        }
        for (ReplicaSet rs : old) {
            int size = size(sizes, rs);
            if (size != ReplicaSets.replicas(rs)) {
                steps.add(new ScaleStep(rs, size));
            }
        }
        return steps;
    }

    private static int size(Map<String, Integer> sizes, ReplicaSet rs) {
        return sizes.getOrDefault(rs.metadata.uid, ReplicaSets.replicas(rs));
    }
}
