package io.gantry.kubelet;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerState;
import io.gantry.api.core.v1.ContainerStatus;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.PodStatus;
import io.gantry.api.core.v1.Quantity;
import io.gantry.api.meta.v1.Times;
import io.gantry.api.runtime.SandboxStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A pod's status derived from what was observed, by the rules of the Kubernetes kubelet: each
 * container's state, last state, restart count, readiness; the phase; the conditions
 * Initialized, Ready, ContainersReady and PodScheduled; addresses, start time and QoS class.
 * Pure: the same inputs give the same status, and transition times that did not change are kept.
 */
final class PodStatuses {

    private PodStatuses() {
    }

    /**
     * The status from the runtime's view of the pod.
     *
     * @param waiting why containers that should run do not (from the last actions)
     */
    static PodStatus derive(Pod pod, ObservedPod observed, ProbeView probes, Map<String, Waiting> waiting,
                            String hostIp, Instant now) {
        PodStatus status = base(pod, hostIp, observed.latestSandbox().map(SandboxStatus::podIp).orElse(null), now);
        List<Container> inits = pod.spec.initContainers == null ? List.of() : pod.spec.initContainers;
        boolean appsRan = pod.spec.containers.stream().anyMatch(c -> observed.latest(c.name) != null);
        List<String> incomplete = new ArrayList<>();
        boolean initFailed = false;
        if (!inits.isEmpty()) {
            status.initContainerStatuses = new ArrayList<>();
            for (Container container : inits) {
                ContainerStatus observedStatus = containerStatus(observed, container, true, probes, waiting, appsRan);
                status.initContainerStatuses.add(observedStatus);
                ContainerState.Terminated terminated = observedStatus.state.terminated;
                boolean succeeded = terminated != null && Integer.valueOf(0).equals(terminated.exitCode);
                if (!succeeded && !appsRan) {
                    incomplete.add(container.name);
                    initFailed |= terminated != null && "Never".equals(PodActions.restartPolicy(pod));
                }
            }
        }
        status.containerStatuses = new ArrayList<>();
        List<String> unready = new ArrayList<>();
        int waitingCount = 0;
        int running = 0;
        int stopped = 0;
        int succeeded = 0;
        for (Container container : pod.spec.containers) {
            ContainerStatus observedStatus = containerStatus(observed, container, false, probes, waiting,
                    incomplete.isEmpty());
            status.containerStatuses.add(observedStatus);
            if (!observedStatus.ready) {
                unready.add(container.name);
            }
            if (observedStatus.state.running != null) {
                running++;
            } else if (observedStatus.state.terminated != null) {
                stopped++;
                if (Integer.valueOf(0).equals(observedStatus.state.terminated.exitCode)) {
                    succeeded++;
                }
            } else if (observedStatus.lastState != null && observedStatus.lastState.terminated != null) {
                stopped++;
            } else {
                waitingCount++;
            }
        }
        if (initFailed) {
            status.phase = "Failed";
        } else if (!incomplete.isEmpty()) {
            status.phase = "Pending";
        } else {
            status.phase = phase(pod, waitingCount, running, stopped, succeeded);
        }
        boolean done = status.phase.equals("Succeeded") || status.phase.equals("Failed");
        List<PodCondition> previous = pod.status == null || pod.status.conditions == null ? List.of() : pod.status.conditions;
        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(incomplete.isEmpty() ? condition(previous, "Initialized", "True", null, null, now)
                : condition(previous, "Initialized", "False", "ContainersNotInitialized",
                "containers with incomplete status: " + incomplete, now));
        String reason = done ? "PodCompleted" : "ContainersNotReady";
        String message = done ? null : "containers with unready status: " + unready;
        boolean ready = unready.isEmpty() && !done;
        conditions.add(ready ? condition(previous, "Ready", "True", null, null, now)
                : condition(previous, "Ready", "False", reason, message, now));
        conditions.add(ready ? condition(previous, "ContainersReady", "True", null, null, now)
                : condition(previous, "ContainersReady", "False", reason, message, now));
        conditions.add(condition(previous, "PodScheduled", "True", null, null, now));
        status.conditions = conditions;
        return status;
    }

    /** Kubernetes' getPhase over the app containers, once the init containers are done. */
    private static String phase(Pod pod, int waiting, int running, int stopped, int succeeded) {
        if (waiting > 0) {
            return "Pending";
        }
        if (running > 0) {
            return "Running";
        }
        if (stopped > 0) {
            String policy = PodActions.restartPolicy(pod);
            if (policy.equals("Always")) {
                return "Running";
            }
            if (stopped == succeeded) {
                return "Succeeded";
            }
            return policy.equals("Never") ? "Failed" : "Running";
        }
        return "Pending";
    }

    private static ContainerStatus containerStatus(ObservedPod observed, Container container, boolean init,
                                                   ProbeView probes, Map<String, Waiting> waiting, boolean mayRun) {
        ContainerStatus status = new ContainerStatus();
        status.name = container.name;
        status.image = container.image;
        status.started = false;
        io.gantry.api.runtime.ContainerStatus latest = observed.latest(container.name);
        io.gantry.api.runtime.ContainerStatus previous = observed.previous(container.name);
        Waiting why = waiting.get(container.name);
        if (latest == null) {
            status.state = why != null ? ContainerState.waiting(why.reason(), why.message())
                    : ContainerState.waiting(mayRun && !init ? "ContainerCreating" : "PodInitializing", null);
            return status;
        }
        status.restartCount = latest.attempt();
        status.containerID = containerId(observed, latest);
        status.imageID = latest.imageId();
        switch (latest.state()) {
            case RUNNING -> {
                status.state = ContainerState.running(Times.format(latest.startedAt()));
                status.started = probes.started(latest.id());
                status.ready = !init && status.started && probes.ready(latest.id());
                status.lastState = previous != null && PodActions.isDead(previous) ? terminated(observed, previous) : null;
            }
            case EXITED, CREATED -> {
                if (why != null) {
                    status.state = ContainerState.waiting(why.reason(), why.message());
                    status.lastState = terminated(observed, latest);
                } else {
                    status.state = terminated(observed, latest);
                    status.lastState = previous != null && PodActions.isDead(previous) ? terminated(observed, previous) : null;
                    status.ready = init && latest.exitCode() == 0 && latest.state() == io.gantry.api.runtime.ContainerStatus.State.EXITED;
                }
            }
            default -> status.state = ContainerState.waiting("ContainerCreating", null);
        }
        return status;
    }

    private static ContainerState terminated(ObservedPod observed, io.gantry.api.runtime.ContainerStatus container) {
        ContainerState state = new ContainerState();
        state.terminated = new ContainerState.Terminated();
        boolean ran = container.state() == io.gantry.api.runtime.ContainerStatus.State.EXITED;
        state.terminated.exitCode = ran ? container.exitCode() : 128;
        state.terminated.reason = !ran ? "ContainerCannotRun" : container.reason() != null ? container.reason()
                : container.exitCode() == 0 ? "Completed" : "Error";
        state.terminated.startedAt = Times.format(container.startedAt());
        state.terminated.finishedAt = Times.format(container.finishedAt());
        state.terminated.containerID = containerId(observed, container);
        state.terminated.message = container.message();
        return state;
    }

    private static String previousContainerId(Pod pod, String name) {
        if (pod.status == null || pod.status.containerStatuses == null) {
            return null;
        }
        return pod.status.containerStatuses.stream().filter(c -> name.equals(c.name)).map(c -> c.containerID)
                .findFirst().orElse(null);
    }

    private static String containerId(ObservedPod observed, io.gantry.api.runtime.ContainerStatus container) {
        return observed.runtime() + "://" + container.id();
    }

    /**
     * The runtime the pod's status says its containers run in (the scheme of their
     * {@code containerID}, {@code docker://...}), or null if it names none.
     */
    static String reportedRuntime(Pod pod) {
        if (pod.status == null) {
            return null;
        }
        List<ContainerStatus> reported = new ArrayList<>();
        if (pod.status.containerStatuses != null) {
            reported.addAll(pod.status.containerStatuses);
        }
        if (pod.status.initContainerStatuses != null) {
            reported.addAll(pod.status.initContainerStatuses);
        }
        for (ContainerStatus container : reported) {
            int scheme = container.containerID == null ? -1 : container.containerID.indexOf("://");
            if (scheme > 0) {
                return container.containerID.substring(0, scheme);
            }
        }
        return null;
    }

    /**
     * The status of a pod whose runtime is not there (not installed, or not answering): a pod
     * that ran is Unknown, as its containers may well still run; one that finished stays finished;
     * its containers say why, and keep their IDs, which name the runtime they are in.
     */
    static PodStatus runtimeMissing(Pod pod, String message, Instant now) {
        PodStatus status = base(pod, pod.status == null ? null : pod.status.hostIP, pod.status == null ? null
                : pod.status.podIP, now);
        String before = pod.status == null || pod.status.phase == null ? "Pending" : pod.status.phase;
        status.phase = switch (before) {
            case "Pending", "Succeeded", "Failed" -> before;
            default -> "Unknown";
        };
        status.containerStatuses = new ArrayList<>();
        for (Container container : pod.spec.containers) {
            ContainerStatus containerStatus = new ContainerStatus();
            containerStatus.name = container.name;
            containerStatus.image = container.image;
            containerStatus.state = ContainerState.waiting("RuntimeUnavailable", message);
            containerStatus.started = false;
            containerStatus.containerID = previousContainerId(pod, container.name);
            status.containerStatuses.add(containerStatus);
        }
        List<PodCondition> previous = pod.status == null || pod.status.conditions == null ? List.of() : pod.status.conditions;
        status.conditions = new ArrayList<>();
        status.conditions.add(condition(previous, "Initialized", "True", null, null, now));
        status.conditions.add(condition(previous, "Ready", "False", "ContainersNotReady", message, now));
        status.conditions.add(condition(previous, "ContainersReady", "False", "ContainersNotReady", message, now));
        status.conditions.add(condition(previous, "PodScheduled", "True", null, null, now));
        return status;
    }

    private static PodStatus base(Pod pod, String hostIp, String podIp, Instant now) {
        PodStatus status = new PodStatus();
        PodStatus previous = pod.status;
        if (podIp == null && previous != null) {
            podIp = previous.podIP;
        }
        status.qosClass = qosClass(pod);
        status.startTime = previous != null && previous.startTime != null ? previous.startTime : Times.format(now);
        status.hostIP = hostIp;
        status.hostIPs = hostIp == null ? null : List.of(new PodStatus.PodIP(hostIp));
        status.podIP = podIp;
        status.podIPs = podIp == null ? null : List.of(new PodStatus.PodIP(podIp));
        return status;
    }

    /**
     * Kubernetes' QoS class: Guaranteed when every container limits cpu and memory and requests
     * what it limits, BestEffort when none requests or limits anything, Burstable otherwise.
     */
    static String qosClass(Pod pod) {
        List<Container> all = new ArrayList<>(pod.spec.containers);
        if (pod.spec.initContainers != null) {
            all.addAll(pod.spec.initContainers);
        }
        boolean any = false;
        boolean guaranteed = true;
        for (Container container : all) {
            Map<String, String> limits = container.resources == null || container.resources.limits == null ? Map.of()
                    : container.resources.limits;
            Map<String, String> requests = container.resources == null || container.resources.requests == null ? Map.of()
                    : container.resources.requests;
            for (String resource : List.of("cpu", "memory")) {
                String limit = limits.get(resource);
                String request = requests.getOrDefault(resource, limit);
                any |= limit != null || request != null;
                guaranteed &= limit != null && request != null && sameQuantity(resource, limit, request);
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }

    private static boolean sameQuantity(String resource, String a, String b) {
        try {
            return resource.equals("cpu") ? Quantity.milliValue(a) == Quantity.milliValue(b) : Quantity.value(a) == Quantity.value(b);
        } catch (RuntimeException e) {
            return Objects.equals(a, b);
        }
    }

    private static PodCondition condition(List<PodCondition> previous, String type, String value, String reason,
                                          String message, Instant now) {
        PodCondition condition = new PodCondition(type, value, Times.format(now));
        for (PodCondition old : previous) {
            if (type.equals(old.type) && value.equals(old.status) && old.lastTransitionTime != null) {
                condition.lastTransitionTime = old.lastTransitionTime;
            }
        }
        condition.reason = reason;
        condition.message = message;
        return condition;
    }
}
