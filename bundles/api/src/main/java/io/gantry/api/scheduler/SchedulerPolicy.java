package io.gantry.api.scheduler;

import io.gantry.api.core.v1.Pod;

/**
 * How pods are placed: scores each node a pod fits on, and the scheduler binds the pod to the
 * best. The scheduler has already filtered out nodes that are not Ready, are unschedulable, do
 * not match the pod's nodeSelector or lack the resources it requests.
 *
 * <p>Implementations register with the {@code gantry.plugin} service property; a pod picks one
 * by {@code spec.schedulerName}, else the configured default is used.
 */
public interface SchedulerPolicy {

    /** Scores a feasible node from 0 (worst) to 100 (best); ties go to the node first by name. */
    int score(Pod pod, NodeInfo node);
}
