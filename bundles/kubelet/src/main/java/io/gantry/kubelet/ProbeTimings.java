package io.gantry.kubelet;

import io.gantry.api.core.v1.Probe;

/** A probe's timing fields with Kubernetes' defaults and minimums. */
final class ProbeTimings {

    private ProbeTimings() {
    }

    static int initialDelaySeconds(Probe probe) {
        return probe.initialDelaySeconds == null ? 0 : Math.max(0, probe.initialDelaySeconds);
    }

    static int periodSeconds(Probe probe) {
        return probe.periodSeconds == null ? 10 : Math.max(1, probe.periodSeconds);
    }

    static int timeoutSeconds(Probe probe) {
        return probe.timeoutSeconds == null ? 1 : Math.max(1, probe.timeoutSeconds);
    }

    static int successThreshold(Probe probe) {
        return probe.successThreshold == null ? 1 : Math.max(1, probe.successThreshold);
    }

    static int failureThreshold(Probe probe) {
        return probe.failureThreshold == null ? 3 : Math.max(1, probe.failureThreshold);
    }
}
