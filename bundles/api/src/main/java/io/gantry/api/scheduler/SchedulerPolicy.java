package io.gantry.api.scheduler;

/**
 * How pods are placed: scores each node a pod fits on, and the scheduler binds the pod to the
 * best. The scheduler has already filtered out the nodes the pod cannot run on (readiness,
 * cordon, taints, node selector and affinity, pod affinity, host ports, resources), and adds
 * its own scores for preferred node affinity and PreferNoSchedule taints, as Kubernetes'
 * default plugins do.
 *
 * <p>Implementations register with the {@code gantry.plugin} service property; a pod picks one
 * by {@code spec.schedulerName}, {@code default-scheduler} (or none) picks the configured
 * default. The scheduler calls {@link #score} from one thread, for thousands of nodes per pod:
 * keep it free of allocation and locks.
 */
public interface SchedulerPolicy {

    /** The highest score, as Kubernetes' {@code MaxNodeScore}. */
    int MAX_SCORE = 100;

    /**
     * Scores a feasible node from 0 (worst) to {@link #MAX_SCORE} (best); ties go to the node
     * examined first. The node's figures do not yet include the pod.
     */
    int score(PodInfo pod, NodeInfo node);
}
