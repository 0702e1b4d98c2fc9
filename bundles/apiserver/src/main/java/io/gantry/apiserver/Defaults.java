package io.gantry.apiserver;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodStatus;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.runtime.PullPolicy;
import java.util.List;
import java.util.Map;

/** Fills in what Kubernetes defaults when an object is created. */
final class Defaults {

    /** The scheduler name Kubernetes gives pods that name none. */
    static final String DEFAULT_SCHEDULER = "default-scheduler";

    private Defaults() {
    }

    static void apply(KubeObject object) {
        if (object instanceof Pod pod) {
            pod(pod);
        } else if (object instanceof Namespace namespace) {
            namespace.spec = namespace.spec == null ? new Namespace.Spec() : namespace.spec;
            namespace.spec.finalizers = List.of("kubernetes");
            namespace.status = new Namespace.Status("Active");
        }
    }

    private static void pod(Pod pod) {
        if (pod.spec.restartPolicy == null) {
            pod.spec.restartPolicy = "Always";
        }
        if (pod.spec.terminationGracePeriodSeconds == null) {
            pod.spec.terminationGracePeriodSeconds = 30L;
        }
        if (pod.spec.dnsPolicy == null) {
            pod.spec.dnsPolicy = "ClusterFirst";
        }
        if (pod.spec.schedulerName == null || pod.spec.schedulerName.isEmpty()) {
            pod.spec.schedulerName = DEFAULT_SCHEDULER;
        }
        if (pod.spec.enableServiceLinks == null) {
            pod.spec.enableServiceLinks = true;
        }
        if (pod.spec.priority == null) {
            pod.spec.priority = 0;
        }
        for (Container container : pod.spec.containers) {
            if (container.imagePullPolicy == null && container.image != null) {
                container.imagePullPolicy = switch (PullPolicy.of(null, container.image)) {
                    case ALWAYS -> "Always";
                    case NEVER -> "Never";
                    case IF_NOT_PRESENT -> "IfNotPresent";
                };
            }
            if (container.terminationMessagePath == null) {
                container.terminationMessagePath = "/dev/termination-log";
            }
            if (container.terminationMessagePolicy == null) {
                container.terminationMessagePolicy = "File";
            }
            if (container.ports != null) {
                for (ContainerPort port : container.ports) {
                    if (port.protocol == null) {
                        port.protocol = "TCP";
                    }
                }
            }
        }
        PodStatus status = new PodStatus();
        status.phase = "Pending";
        status.qosClass = qosClass(pod);
        pod.status = status;
    }

    /** Guaranteed when every container limits CPU and memory at its requests, BestEffort when none asks, else Burstable. */
    static String qosClass(Pod pod) {
        boolean any = false;
        boolean guaranteed = true;
        for (Container container : pod.spec.containers) {
            Map<String, String> requests = container.resources == null || container.resources.requests == null
                    ? Map.of() : container.resources.requests;
            Map<String, String> limits = container.resources == null || container.resources.limits == null
                    ? Map.of() : container.resources.limits;
            any |= !requests.isEmpty() || !limits.isEmpty();
            for (String resource : List.of("cpu", "memory")) {
                String limit = limits.get(resource);
                String request = requests.getOrDefault(resource, limit);
                guaranteed &= limit != null && limit.equals(request);
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }
}
