package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.DeploymentCondition;
import io.gantry.api.apps.v1.DeploymentStatus;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.apps.v1.ReplicaSetCondition;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A deployment's status as Kubernetes' {@code calculateStatus} and {@code syncRolloutStatus}
 * compute it from its ReplicaSets: the counters {@code kubectl rollout status} reads, the
 * {@code Available} condition, and the {@code Progressing} condition that turns False with
 * {@code ProgressDeadlineExceeded} when no pod was updated, became ready or available, nor old pod
 * went for {@code progressDeadlineSeconds}.
 */
final class RolloutStatus {

    static final String AVAILABLE = "Available";
    static final String PROGRESSING = "Progressing";
    static final String REPLICA_FAILURE = "ReplicaFailure";

    static final String NEW_RS_CREATED = "NewReplicaSetCreated";
    static final String FOUND_NEW_RS = "FoundNewReplicaSet";
    static final String RS_UPDATED = "ReplicaSetUpdated";
    static final String NEW_RS_AVAILABLE = "NewReplicaSetAvailable";
    static final String TIMED_OUT = "ProgressDeadlineExceeded";
    static final String RS_CREATE_ERROR = "ReplicaSetCreateError";
    static final String PAUSED = "DeploymentPaused";
    static final String RESUMED = "DeploymentResumed";
    static final String MINIMUM_AVAILABLE = "MinimumReplicasAvailable";
    static final String MINIMUM_UNAVAILABLE = "MinimumReplicasUnavailable";

    private RolloutStatus() {
    }

    /** The counters and the Available condition from the ReplicaSets ({@code calculateStatus}). */
    static DeploymentStatus calculate(Deployment deployment, List<ReplicaSet> all, ReplicaSet newRS) {
        DeploymentStatus previous = deployment.status == null ? new DeploymentStatus() : deployment.status;
        DeploymentStatus status = new DeploymentStatus();
        int available = ReplicaSets.sumAvailable(all);
        status.observedGeneration = deployment.metadata.generation == null ? 0 : deployment.metadata.generation;
        status.replicas = ReplicaSets.sumStatusReplicas(all);
        status.updatedReplicas = newRS == null ? 0 : ReplicaSets.statusReplicas(newRS);
        status.readyReplicas = ReplicaSets.sumReady(all);
        status.availableReplicas = available;
        // more available than wanted while scaling down is not "negative unavailable"
        status.unavailableReplicas = Math.max(0, ReplicaSets.sumReplicas(all) - available);
        status.collisionCount = previous.collisionCount;
        status.terminatingReplicas = previous.terminatingReplicas;
        status.conditions = previous.conditions == null ? null : new ArrayList<>(copies(previous.conditions));
        if (available >= Deployments.replicas(deployment) - Deployments.maxUnavailable(deployment)) {
            set(status, condition(AVAILABLE, "True", MINIMUM_AVAILABLE, "Deployment has minimum availability."));
        } else {
            set(status, condition(AVAILABLE, "False", MINIMUM_UNAVAILABLE, "Deployment does not have minimum availability."));
        }
        return status;
    }

    /**
     * The status after a step of the rollout ({@code syncRolloutStatus}): the counters, then the
     * Progressing condition: NewReplicaSetAvailable once complete, ReplicaSetUpdated (a fresh
     * lastUpdateTime) on any progress, ProgressDeadlineExceeded when the last progress is older
     * than the deadline; and a ReplicaSet's ReplicaFailure condition, if any.
     */
    static DeploymentStatus rollout(Deployment deployment, List<ReplicaSet> all, ReplicaSet newRS, Instant now) {
        DeploymentStatus status = calculate(deployment, all, newRS);
        boolean deadline = Deployments.hasProgressDeadline(deployment);
        if (!deadline) {
            remove(status, PROGRESSING);
        }
        DeploymentCondition current = get(deployment.status, PROGRESSING);
        boolean completeBefore = status.replicas == status.updatedReplicas && current != null
                && NEW_RS_AVAILABLE.equals(current.reason);
        if (deadline && !completeBefore) {
            String subject = newRS != null ? "ReplicaSet \"" + newRS.metadata.name + "\""
                    : "Deployment \"" + deployment.metadata.name + "\"";
            if (Deployments.complete(deployment, status)) {
                set(status, condition(PROGRESSING, "True", NEW_RS_AVAILABLE, subject + " has successfully progressed."));
            } else if (progressed(deployment.status, status)) {
                DeploymentCondition progressing = condition(PROGRESSING, "True", RS_UPDATED, subject + " is progressing.");
                if (current != null && "True".equals(current.status)) {
                    progressing.lastTransitionTime = current.lastTransitionTime;
                }
                // unlike other conditions, a repeat of the same reason moves lastUpdateTime: progress was made
                remove(status, PROGRESSING);
                set(status, progressing);
            } else if (timedOut(deployment, status, now)) {
                set(status, condition(PROGRESSING, "False", TIMED_OUT, subject + " has timed out progressing."));
            }
        }
        DeploymentCondition failure = replicaFailure(all, newRS);
        if (failure != null) {
            set(status, failure);
        } else {
            remove(status, REPLICA_FAILURE);
        }
        return status;
    }

    /** The status with the paused or resumed Progressing condition, or null when unchanged ({@code checkPausedConditions}). */
    static DeploymentStatus pausedConditions(Deployment deployment) {
        if (!Deployments.hasProgressDeadline(deployment)) {
            return null;
        }
        DeploymentCondition current = get(deployment.status, PROGRESSING);
        if (current != null && TIMED_OUT.equals(current.reason)) {
            return null; // a reported lack of progress is not overwritten by a pause
        }
        boolean pausedBefore = current != null && PAUSED.equals(current.reason);
        boolean paused = Deployments.isPaused(deployment);
        if (paused == pausedBefore) {
            return null;
        }
        DeploymentStatus status = Json.copy(deployment.status == null ? new DeploymentStatus() : deployment.status);
        set(status, paused ? condition(PROGRESSING, "Unknown", PAUSED, "Deployment is paused")
                : condition(PROGRESSING, "Unknown", RESUMED, "Deployment is resumed"));
        return status;
    }

    /**
     * How long until the deployment must be looked at again to notice a deadline passing
     * ({@code requeueStuckDeployment}); null when no deadline is pending.
     */
    static Duration untilDeadline(Deployment deployment, DeploymentStatus status, Instant now) {
        DeploymentCondition current = get(deployment.status, PROGRESSING);
        if (!Deployments.hasProgressDeadline(deployment) || current == null
                || Deployments.complete(deployment, status) || TIMED_OUT.equals(current.reason)) {
            return null;
        }
        Instant updated = Times.parse(current.lastUpdateTime);
        if (updated == null) {
            return Duration.ZERO;
        }
        Duration left = Duration.between(now, updated.plusSeconds(deployment.spec.progressDeadlineSeconds));
        // a second past the deadline: condition times have whole seconds
        return left.isNegative() ? Duration.ofSeconds(1) : left.plusSeconds(1);
    }

    /** True if the rollout made progress since the stored status ({@code DeploymentProgressing}). */
    static boolean progressed(DeploymentStatus before, DeploymentStatus after) {
        DeploymentStatus old = before == null ? new DeploymentStatus() : before;
        return after.updatedReplicas > old.updatedReplicas
                || after.replicas - after.updatedReplicas < old.replicas - old.updatedReplicas
                || after.readyReplicas > old.readyReplicas
                || after.availableReplicas > old.availableReplicas;
    }

    /** True if the deadline passed since the last progress ({@code DeploymentTimedOut}). */
    static boolean timedOut(Deployment deployment, DeploymentStatus status, Instant now) {
        if (!Deployments.hasProgressDeadline(deployment)) {
            return false;
        }
        DeploymentCondition condition = get(status, PROGRESSING);
        if (condition == null || NEW_RS_AVAILABLE.equals(condition.reason)) {
            return false;
        }
        if (TIMED_OUT.equals(condition.reason)) {
            return true;
        }
        Instant from = Times.parse(condition.lastUpdateTime);
        return from != null && from.plusSeconds(deployment.spec.progressDeadlineSeconds).isBefore(now);
    }

    /** True if the stored Progressing condition says the deadline was exceeded. */
    static boolean hasTimedOut(Deployment deployment) {
        DeploymentCondition condition = get(deployment.status, PROGRESSING);
        return condition != null && "False".equals(condition.status) && TIMED_OUT.equals(condition.reason);
    }

    /** The new ReplicaSet's ReplicaFailure condition, else an old one's, as a deployment condition. */
    private static DeploymentCondition replicaFailure(List<ReplicaSet> all, ReplicaSet newRS) {
        List<ReplicaSet> order = new ArrayList<>();
        if (newRS != null) {
            order.add(newRS);
        }
        all.stream().filter(rs -> rs != null && rs != newRS).forEach(order::add);
        for (ReplicaSet rs : order) {
            if (rs.status == null || rs.status.conditions == null) {
                continue;
            }
            for (ReplicaSetCondition c : rs.status.conditions) {
                if (REPLICA_FAILURE.equals(c.type)) {
                    DeploymentCondition condition = new DeploymentCondition();
                    condition.type = c.type;
                    condition.status = c.status;
                    condition.reason = c.reason;
                    condition.message = c.message;
                    condition.lastTransitionTime = c.lastTransitionTime;
                    condition.lastUpdateTime = c.lastTransitionTime;
                    return condition;
                }
            }
        }
        return null;
    }

    static DeploymentCondition condition(String type, String status, String reason, String message) {
        DeploymentCondition condition = new DeploymentCondition();
        String now = Times.now();
        condition.type = type;
        condition.status = status;
        condition.reason = reason;
        condition.message = message;
        condition.lastUpdateTime = now;
        condition.lastTransitionTime = now;
        return condition;
    }

    static DeploymentCondition get(DeploymentStatus status, String type) {
        if (status == null || status.conditions == null) {
            return null;
        }
        return status.conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElse(null);
    }

    /**
     * Sets a condition ({@code SetDeploymentCondition}): unchanged if one of the same status and
     * reason is there; the transition time kept when only the reason changes.
     */
    static void set(DeploymentStatus status, DeploymentCondition condition) {
        DeploymentCondition current = get(status, condition.type);
        if (current != null && Objects.equals(current.status, condition.status)
                && Objects.equals(current.reason, condition.reason)) {
            return;
        }
        if (current != null && Objects.equals(current.status, condition.status)) {
            condition.lastTransitionTime = current.lastTransitionTime;
        }
        remove(status, condition.type);
        if (status.conditions == null) {
            status.conditions = new ArrayList<>();
        }
        status.conditions.add(condition);
    }

    static void remove(DeploymentStatus status, String type) {
        if (status.conditions != null) {
            status.conditions = new ArrayList<>(status.conditions.stream().filter(c -> !type.equals(c.type)).toList());
            if (status.conditions.isEmpty()) {
                status.conditions = null;
            }
        }
    }

    private static List<DeploymentCondition> copies(List<DeploymentCondition> conditions) {
        return conditions.stream().map(Json::copy).toList();
    }

    /** True if two statuses would be stored alike. */
    static boolean same(DeploymentStatus a, DeploymentStatus b) {
        return Json.tree(a == null ? new DeploymentStatus() : a).equals(Json.tree(b == null ? new DeploymentStatus() : b));
    }
}
