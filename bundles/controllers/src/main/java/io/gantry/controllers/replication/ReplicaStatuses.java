package io.gantry.controllers.replication;

import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.apps.v1.ReplicaSetCondition;
import io.gantry.api.apps.v1.ReplicaSetStatus;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.meta.v1.Times;
import io.gantry.controllers.PodStates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A replica set's status from the pods it owns, as Kubernetes' {@code calculateStatus}: pure, so
 * that what the controller reports is computed from what it observed and nothing else.
 */
final class ReplicaStatuses {

    /** The condition a failed create or delete sets, and a successful reconciliation clears. */
    static final String REPLICA_FAILURE = "ReplicaFailure";

    private ReplicaStatuses() {
    }

    /**
     * The status for the owned, active pods.
     *
     * @param failureReason {@code FailedCreate} or {@code FailedDelete} when managing the replicas
     *     failed, else null
     */
    static ReplicaSetStatus calculate(ReplicaSet set, List<Pod> pods, String failureReason, String failureMessage,
                                      Instant now) {
        ReplicaSetStatus status = new ReplicaSetStatus();
        Map<String, String> templateLabels = set.spec.template == null ? null : set.spec.template.metadata.labels;
        int minReadySeconds = minReadySeconds(set);
        for (Pod pod : pods) {
            status.replicas++;
            if (hasAll(pod.metadata.labels, templateLabels)) {
                status.fullyLabeledReplicas++;
            }
            if (PodStates.isReady(pod)) {
                status.readyReplicas++;
                if (PodStates.isAvailable(pod, minReadySeconds, now)) {
                    status.availableReplicas++;
                }
            }
        }
        status.observedGeneration = set.metadata.generation == null ? 0 : set.metadata.generation;
        List<ReplicaSetCondition> conditions = new ArrayList<>();
        ReplicaSetCondition failure = null;
        if (set.status != null && set.status.conditions != null) {
            for (ReplicaSetCondition condition : set.status.conditions) {
                if (REPLICA_FAILURE.equals(condition.type)) {
                    failure = condition;
                } else {
                    conditions.add(condition);
                }
            }
        }
        if (failureReason != null) {
            // as Kubernetes: the first failure is kept until a reconciliation succeeds
            if (failure == null) {
                failure = new ReplicaSetCondition();
                failure.type = REPLICA_FAILURE;
                failure.status = "True";
                failure.lastTransitionTime = Times.format(now);
                failure.reason = failureReason;
                failure.message = failureMessage;
            }
            conditions.add(failure);
        }
        status.conditions = conditions.isEmpty() ? null : conditions;
        return status;
    }

    /** True if nothing a status update would write differs. */
    static boolean same(ReplicaSetStatus a, ReplicaSetStatus b) {
        if (a == null || b == null) {
            return a == b;
        }
        return a.replicas == b.replicas && a.fullyLabeledReplicas == b.fullyLabeledReplicas
                && a.readyReplicas == b.readyReplicas && a.availableReplicas == b.availableReplicas
                && a.observedGeneration == b.observedGeneration && sameConditions(a.conditions, b.conditions);
    }

    /**
     * When to look again because time alone makes a ready pod available (minReadySeconds); null if
     * no pod waits for that.
     */
    static Duration nextAvailabilityCheck(ReplicaSet set, List<Pod> pods, Instant now) {
        int minReadySeconds = minReadySeconds(set);
        if (minReadySeconds <= 0) {
            return null;
        }
        Duration next = null;
        for (Pod pod : pods) {
            Duration left = PodStates.untilAvailable(pod, minReadySeconds, now);
            if (left != null && (next == null || left.compareTo(next) < 0)) {
                next = left;
            }
        }
        return next;
    }

    static int minReadySeconds(ReplicaSet set) {
        return set.spec.minReadySeconds == null ? 0 : set.spec.minReadySeconds;
    }

    private static boolean hasAll(Map<String, String> labels, Map<String, String> wanted) {
        if (wanted == null || wanted.isEmpty()) {
            return true;
        }
        if (labels == null) {
            return false;
        }
        return wanted.entrySet().stream().allMatch(e -> Objects.equals(labels.get(e.getKey()), e.getValue()));
    }

    private static boolean sameConditions(List<ReplicaSetCondition> a, List<ReplicaSetCondition> b) {
        List<ReplicaSetCondition> left = a == null ? List.of() : a;
        List<ReplicaSetCondition> right = b == null ? List.of() : b;
        if (left.size() != right.size()) {
            return false;
        }
        for (int i = 0; i < left.size(); i++) {
            ReplicaSetCondition x = left.get(i);
            ReplicaSetCondition y = right.get(i);
            if (!Objects.equals(x.type, y.type) || !Objects.equals(x.status, y.status)
                    || !Objects.equals(x.reason, y.reason) || !Objects.equals(x.message, y.message)
                    || !Objects.equals(x.lastTransitionTime, y.lastTransitionTime)) {
                return false;
            }
        }
        return true;
    }
}
