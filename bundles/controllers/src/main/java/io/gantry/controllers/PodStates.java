package io.gantry.controllers;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.meta.v1.Times;
import java.time.Duration;
import java.time.Instant;

/** What controllers read from a pod's status, as Kubernetes' {@code podutil} helpers. */
public final class PodStates {

    private PodStates() {
    }

    /** Neither finished (Succeeded, Failed) nor being deleted: a pod that counts as a replica. */
    public static boolean isActive(Pod pod) {
        String phase = pod.status == null ? null : pod.status.phase;
        return !"Succeeded".equals(phase) && !"Failed".equals(phase) && !isTerminating(pod);
    }

    /** Has a deletionTimestamp. */
    public static boolean isTerminating(Pod pod) {
        return pod.metadata.deletionTimestamp != null;
    }

    /** The Ready condition is True. */
    public static boolean isReady(Pod pod) {
        PodCondition ready = readyCondition(pod);
        return ready != null && "True".equals(ready.status);
    }

    /** When the pod became ready, or null if it is not ready or does not say. */
    public static Instant readySince(Pod pod) {
        PodCondition ready = readyCondition(pod);
        return ready == null || !"True".equals(ready.status) ? null : Times.parse(ready.lastTransitionTime);
    }

    /** Ready for at least {@code minReadySeconds} by {@code now}, as {@code podutil.IsPodAvailable}. */
    public static boolean isAvailable(Pod pod, int minReadySeconds, Instant now) {
        if (!isReady(pod)) {
            return false;
        }
        if (minReadySeconds <= 0) {
            return true;
        }
        Instant since = readySince(pod);
        return since != null && since.plusSeconds(minReadySeconds).isBefore(now);
    }

    /** How long until a ready pod becomes available; null if it is not ready or available already. */
    public static Duration untilAvailable(Pod pod, int minReadySeconds, Instant now) {
        Instant since = readySince(pod);
        if (since == null || isAvailable(pod, minReadySeconds, now)) {
            return null;
        }
        Duration left = Duration.between(now, since.plusSeconds(minReadySeconds));
        return left.isNegative() ? Duration.ZERO : left;
    }

    private static PodCondition readyCondition(Pod pod) {
        if (pod.status == null || pod.status.conditions == null) {
            return null;
        }
        for (PodCondition condition : pod.status.conditions) {
            if ("Ready".equals(condition.type)) {
                return condition;
            }
        }
        return null;
    }
}
