package io.gantry.controllers.endpoints;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.Service;
import io.gantry.api.meta.v1.Times;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The value of {@value #ANNOTATION} as Kubernetes' trigger time tracker computes it: the time of
 * the earliest change, not yet reflected in a service's Endpoints, that made them change: a pod's
 * Ready transition (or its creation), or the service's creation. Consumers (a proxy) measure from it
 * how long a change took to reach them. One service is computed by one worker at a time.
 */
final class TriggerTimes {

    static final String ANNOTATION = "endpoints.kubernetes.io/last-change-trigger-time";

    /** What was seen of one service at its last computation. */
    private static final class Seen {
        final Map<String, String> pods = new HashMap<>();
        String service;
    }

    private final Map<String, Seen> services = new ConcurrentHashMap<>();

    /**
     * The earliest trigger time among what changed since the last call for this service (null if
     * nothing did), remembering what is seen now.
     */
    Instant compute(Service service, List<Pod> pods) {
        Seen seen = services.computeIfAbsent(ServicePods.key(service), k -> new Seen());
        Instant earliest = null;
        Map<String, String> now = new HashMap<>();
        for (Pod pod : pods) {
            String time = podTime(pod);
            now.put(pod.metadata.name, time);
            if (time != null && !Objects.equals(seen.pods.get(pod.metadata.name), time)) {
                earliest = min(earliest, Times.parse(time));
            }
        }
        String serviceTime = service.metadata.creationTimestamp;
        if (serviceTime != null && !serviceTime.equals(seen.service)) {
            earliest = min(earliest, Times.parse(serviceTime));
        }
        seen.pods.clear();
        seen.pods.putAll(now);
        seen.service = serviceTime;
        return earliest;
    }

    /** Forgets a service that is gone. */
    void forget(String key) {
        services.remove(key);
    }

    private static String podTime(Pod pod) {
        if (pod.status != null && pod.status.conditions != null) {
            for (PodCondition condition : pod.status.conditions) {
                if ("Ready".equals(condition.type) && condition.lastTransitionTime != null) {
                    return condition.lastTransitionTime;
                }
            }
        }
        return pod.metadata.creationTimestamp;
    }

    private static Instant min(Instant a, Instant b) {
        return a == null || (b != null && b.isBefore(a)) ? b : a;
    }
}
