package io.gantry.api.scheduler;

/**
 * A pod to place, as the scheduler computed it once when the pod was queued: what it requests
 * and who owns it.
 */
public interface PodInfo {

    String namespace();

    String name();

    /** The uid of the pod's controller (its ReplicaSet, say), or null if it has none. */
    String controllerUid();

    /**
     * CPU the pod requests, in millicores: the larger of its containers' sum and its largest
     * init container, plus the pod's overhead, as Kubernetes counts it for fit.
     */
    long milliCpu();

    /** Memory the pod requests, in bytes, counted as {@link #milliCpu}. */
    long memory();

    /** Ephemeral storage the pod requests, in bytes, counted as {@link #milliCpu}. */
    long ephemeralStorage();

    /**
     * CPU for scoring: as {@link #milliCpu}, but a container requesting none counts 100m, as
     * Kubernetes' scoring does (so pods without requests still spread).
     */
    long nonZeroMilliCpu();

    /** Memory for scoring: a container requesting none counts 200 MiB. */
    long nonZeroMemory();
}
