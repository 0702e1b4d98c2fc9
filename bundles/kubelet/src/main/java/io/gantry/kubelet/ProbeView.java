package io.gantry.kubelet;

/**
 * What the probes found about running containers, by container id, as the pure steps read it.
 * A container without the probe passes it.
 */
interface ProbeView {

    ProbeView NONE = new ProbeView() {
    };

    /** False once the liveness probe failed {@code failureThreshold} times in a row. */
    default boolean alive(String containerId) {
        return true;
    }

    /** False while the startup probe has not succeeded yet. */
    default boolean started(String containerId) {
        return true;
    }

    /** True once the startup probe failed {@code failureThreshold} times: the container is killed. */
    default boolean startupFailed(String containerId) {
        return false;
    }

    /** The readiness probe's result; false until its first success. */
    default boolean ready(String containerId) {
        return true;
    }
}
