package io.gantry.kubelet;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerState;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.PodStatus;
import io.gantry.api.meta.v1.Times;
import io.gantry.api.runtime.ContainerStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Turns what the runtime reports about a pod's containers into the pod's status, by the rules
 * of the Kubernetes kubelet: container states, restart counts, phase and conditions.
 */
final class PodStatuses {

    static final String CRASH_LOOP_BACK_OFF = "CrashLoopBackOff";
    private static final long MAX_BACKOFF_SECONDS = 300;

    private PodStatuses() {
    }

    /** The pod's containers of one name, oldest attempt first. */
    static List<ContainerStatus> attempts(String name, List<ContainerStatus> all) {
        List<ContainerStatus> attempts = new ArrayList<>();
        for (ContainerStatus container : all) {
            if (name.equals(container.labels().get(Labels.CONTAINER_NAME))) {
                attempts.add(container);
            }
        }
        attempts.sort(Comparator.comparingInt(PodStatuses::attemptOf));
        return attempts;
    }

    static int attemptOf(ContainerStatus container) {
        try {
            return Integer.parseInt(container.labels().getOrDefault(Labels.CONTAINER_ATTEMPT, "0"));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** Whether an exited container is started again, by the pod's restartPolicy. */
    static boolean shouldRestart(Pod pod, ContainerStatus exited) {
        String policy = pod.spec.restartPolicy == null ? "Always" : pod.spec.restartPolicy;
        return switch (policy) {
            case "Never" -> false;
            case "OnFailure" -> exited.state() == ContainerStatus.State.CREATED || exited.exitCode() != 0;
            default -> true;
        };
    }

    /** Kubernetes' crash loop back-off: 10 s, doubled per restart, at most five minutes. */
    static Duration backoff(int restarts) {
        return Duration.ofSeconds(Math.min(MAX_BACKOFF_SECONDS, 10L << Math.min(restarts, 5)));
    }

    /** True when every container has run and none will run again. */
    static boolean isFinished(Pod pod, List<ContainerStatus> all) {
        for (Container container : pod.spec.containers) {
            List<ContainerStatus> attempts = attempts(container.name, all);
            if (attempts.isEmpty()) {
                return false;
            }
            ContainerStatus latest = attempts.get(attempts.size() - 1);
            if (latest.state() != ContainerStatus.State.EXITED || shouldRestart(pod, latest)) {
                return false;
            }
        }
        return true;
    }

    /** The status of a pod whose runtime is not there: its containers wait, saying why. */
    static PodStatus runtimeMissing(Pod pod, String message) {
        PodStatus status = base(pod, pod.status == null ? null : pod.status.hostIP, pod.status == null ? null : pod.status.podIP);
        status.phase = pod.status != null && pod.status.phase != null ? pod.status.phase : "Pending";
        status.containerStatuses = new ArrayList<>();
        for (Container container : pod.spec.containers) {
            io.gantry.api.core.v1.ContainerStatus containerStatus = new io.gantry.api.core.v1.ContainerStatus();
            containerStatus.name = container.name;
            containerStatus.image = container.image;
            containerStatus.state = ContainerState.waiting("RuntimeUnavailable", message);
            containerStatus.started = false;
            status.containerStatuses.add(containerStatus);
        }
        conditions(pod, status, false);
        return status;
    }

    /**
     * The status from the runtime's view of the pod's containers.
     *
     * @param waiting per container that could not be started, {@code Reason:message}
     */
    static PodStatus observed(Pod pod, String hostIp, String podIp, List<ContainerStatus> all, Map<String, String> waiting) {
        PodStatus status = base(pod, hostIp, podIp);
        status.containerStatuses = new ArrayList<>();
        int pending = 0;
        int running = 0;
        int stopped = 0;
        int succeeded = 0;
        boolean allReady = true;
        for (Container container : pod.spec.containers) {
            io.gantry.api.core.v1.ContainerStatus observed = containerStatus(container, attempts(container.name, all),
                    waiting.get(container.name));
            status.containerStatuses.add(observed);
            allReady &= observed.ready;
            if (observed.state.running != null) {
                running++;
            } else if (observed.state.terminated != null) {
                stopped++;
                if (Integer.valueOf(0).equals(observed.state.terminated.exitCode)) {
                    succeeded++;
                }
            } else if (observed.lastState != null && observed.lastState.terminated != null) {
                stopped++;
            } else {
                pending++;
            }
        }
        status.phase = phase(pod, pending, running, stopped, succeeded);
        conditions(pod, status, allReady && running == pod.spec.containers.size());
        return status;
    }

    private static String phase(Pod pod, int pending, int running, int stopped, int succeeded) {
        if (pending > 0) {
            return "Pending";
        }
        if (running > 0) {
            return "Running";
        }
        if (stopped > 0) {
            String policy = pod.spec.restartPolicy == null ? "Always" : pod.spec.restartPolicy;
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

    private static io.gantry.api.core.v1.ContainerStatus containerStatus(Container container, List<ContainerStatus> attempts,
                                                                         String waiting) {
        io.gantry.api.core.v1.ContainerStatus status = new io.gantry.api.core.v1.ContainerStatus();
        status.name = container.name;
        status.image = container.image;
        ContainerStatus latest = attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
        ContainerStatus previous = attempts.size() < 2 ? null : attempts.get(attempts.size() - 2);
        status.restartCount = latest == null ? 0 : attemptOf(latest);
        if (latest != null) {
            status.containerID = "docker://" + latest.id();
            status.imageID = latest.imageId();
        }
        if (waiting != null) {
            int colon = waiting.indexOf(':');
            status.state = ContainerState.waiting(waiting.substring(0, colon), waiting.substring(colon + 1));
            status.lastState = latest == null || latest.state() != ContainerStatus.State.EXITED ? null : terminated(latest);
            if (status.lastState == null && previous != null) {
                status.lastState = terminated(previous);
            }
            status.started = false;
            return status;
        }
        if (latest == null) {
            status.state = ContainerState.waiting("ContainerCreating", null);
            status.started = false;
            return status;
        }
        switch (latest.state()) {
            case RUNNING -> {
                status.state = ContainerState.running(Times.format(latest.startedAt()));
                status.ready = true;
                status.started = true;
            }
            case EXITED -> {
                status.state = terminated(latest);
                status.started = false;
            }
            default -> {
                status.state = ContainerState.waiting("ContainerCreating", null);
                status.started = false;
            }
        }
        if (previous != null && previous.state() == ContainerStatus.State.EXITED) {
            status.lastState = terminated(previous);
        }
        return status;
    }

    private static ContainerState terminated(ContainerStatus container) {
        ContainerState state = new ContainerState();
        state.terminated = new ContainerState.Terminated();
        state.terminated.exitCode = container.exitCode();
        state.terminated.reason = container.reason() != null ? container.reason()
                : container.exitCode() == 0 ? "Completed" : "Error";
        state.terminated.startedAt = Times.format(container.startedAt());
        state.terminated.finishedAt = Times.format(container.finishedAt());
        state.terminated.containerID = "docker://" + container.id();
        return state;
    }

    private static PodStatus base(Pod pod, String hostIp, String podIp) {
        PodStatus status = new PodStatus();
        PodStatus previous = pod.status;
        status.qosClass = previous == null ? null : previous.qosClass;
        status.startTime = previous != null && previous.startTime != null ? previous.startTime : Times.now();
        status.hostIP = hostIp;
        status.hostIPs = hostIp == null ? null : List.of(new PodStatus.PodIP(hostIp));
        status.podIP = podIp;
        status.podIPs = podIp == null ? null : List.of(new PodStatus.PodIP(podIp));
        return status;
    }

    /** Initialized, ContainersReady, Ready and PodScheduled, keeping transition times that did not change. */
    private static void conditions(Pod pod, PodStatus status, boolean ready) {
        List<PodCondition> previous = pod.status == null || pod.status.conditions == null ? List.of() : pod.status.conditions;
        List<PodCondition> conditions = new ArrayList<>();
        conditions.add(condition(previous, "Initialized", "True", null));
        conditions.add(condition(previous, "Ready", ready ? "True" : "False", ready ? null : "ContainersNotReady"));
        conditions.add(condition(previous, "ContainersReady", ready ? "True" : "False", ready ? null : "ContainersNotReady"));
        conditions.add(condition(previous, "PodScheduled", "True", null));
        status.conditions = conditions;
    }

    private static PodCondition condition(List<PodCondition> previous, String type, String value, String reason) {
        for (PodCondition old : previous) {
            if (type.equals(old.type) && value.equals(old.status)) {
                PodCondition kept = new PodCondition(type, value, old.lastTransitionTime);
                kept.reason = reason;
                return kept;
            }
        }
        PodCondition condition = new PodCondition(type, value, Times.now());
        condition.reason = reason;
        return condition;
    }
}
