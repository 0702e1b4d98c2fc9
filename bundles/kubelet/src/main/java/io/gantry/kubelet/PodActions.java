package io.gantry.kubelet;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.SandboxStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What to do to bring one pod's runtime state in line with its spec, computed in one pure step
 * from the spec and what was observed, as the Kubernetes kubelet's {@code computePodActions}
 * does. The kubelet runs the actions in field order: kill, remove, sandboxes, start.
 *
 * @param kill             running containers to stop, with why
 * @param remove           dead containers to remove (attempts older than the last one)
 * @param removeSandboxes  sandboxes to stop and remove (replaced ones)
 * @param createSandbox    whether to create a new sandbox (attempt {@code sandboxAttempt})
 * @param stopSandbox      the finished pod's sandbox to stop, or null
 * @param start            containers to create and start, in order, in the pod's current sandbox
 * @param waiting          why containers that should run do not run yet
 * @param requeueAfter     when to look again without a change (a back-off ends), or null
 * @param finished         nothing of the pod runs again (Succeeded or Failed)
 */
record PodActions(List<Kill> kill, List<String> remove, List<String> removeSandboxes, boolean createSandbox,
                  int sandboxAttempt, String stopSandbox, List<Start> start, Map<String, Waiting> waiting,
                  Duration requeueAfter, boolean finished) {

    /** Start a container of the spec; {@code init} for one of {@code spec.initContainers}. */
    record Start(Container container, boolean init, int attempt) {
    }

    /**
     * Stop a running container.
     *
     * @param reason  why, for the log
     * @param message the Killing event's message, as the Kubernetes kubelet words it
     */
    record Kill(String containerId, String name, String reason, String message) {

        /** A container stopped with its pod or sandbox: the event says so ({@link #stopping}). */
        Kill(String containerId, String name, String reason) {
            this(containerId, name, reason, stopping(name));
        }

        /** The Killing event's message for a container stopped with its pod or sandbox. */
        static String stopping(String name) {
            return "Stopping container " + name;
        }

        /** A container restarted because a probe failed: the event says so. */
        static Kill failedProbe(String containerId, String name, String probe) {
            String message = "Container " + name + " failed " + probe + " probe, will be restarted";
            return new Kill(containerId, name, message, message);
        }
    }

    boolean isEmpty() {
        return kill.isEmpty() && remove.isEmpty() && removeSandboxes.isEmpty() && !createSandbox && stopSandbox == null
                && start.isEmpty();
    }

    /**
     * The actions for a pod that is not being deleted.
     *
     * @param pullFailures failed pulls per container name, for the image pull back-off
     */
    static PodActions compute(Pod pod, ObservedPod observed, ProbeView probes, Map<String, PullFailure> pullFailures,
                              Instant now, CrashLoopBackOff backOff) {
        return new Planner(pod, observed, probes, pullFailures, now, backOff).plan();
    }

    /** Whether a container that exited runs again, by the pod's restartPolicy. */
    static boolean shouldRestart(Pod pod, ContainerStatus exited) {
        return switch (restartPolicy(pod)) {
            case "Never" -> false;
            case "OnFailure" -> failed(exited);
            default -> true;
        };
    }

    static String restartPolicy(Pod pod) {
        return pod.spec.restartPolicy == null ? "Always" : pod.spec.restartPolicy;
    }

    /** Exited with a non-zero code, or never got to run. */
    static boolean failed(ContainerStatus container) {
        return container.state() == ContainerStatus.State.CREATED || container.exitCode() != 0;
    }

    static boolean isDead(ContainerStatus container) {
        return container.state() == ContainerStatus.State.EXITED || container.state() == ContainerStatus.State.CREATED;
    }

    /** The mutable working state of one computation. */
    private static final class Planner {
        private final Pod pod;
        private final ObservedPod observed;
        private final ProbeView probes;
        private final Map<String, PullFailure> pullFailures;
        private final Instant now;
        private final CrashLoopBackOff backOff;
        private final List<Kill> kill = new ArrayList<>();
        private final List<String> remove = new ArrayList<>();
        private final List<String> removeSandboxes = new ArrayList<>();
        private final List<Start> start = new ArrayList<>();
        private final Map<String, Waiting> waiting = new LinkedHashMap<>();
        private Duration requeueAfter;

        Planner(Pod pod, ObservedPod observed, ProbeView probes, Map<String, PullFailure> pullFailures, Instant now,
                CrashLoopBackOff backOff) {
            this.pod = pod;
            this.observed = observed;
            this.probes = probes;
            this.pullFailures = pullFailures;
            this.now = now;
            this.backOff = backOff;
        }

        PodActions plan() {
            Optional<SandboxStatus> sandbox = observed.latestSandbox();
            boolean anyRan = !observed.containers().isEmpty();
            if (isFinished()) {
                for (ContainerStatus container : observed.containers()) {
                    if (container.state() == ContainerStatus.State.RUNNING) {
                        kill.add(new Kill(container.id(), container.name(), "the pod has finished"));
                    }
                }
                String stop = sandbox.filter(SandboxStatus::ready).map(SandboxStatus::id).orElse(null);
                return done(false, 0, stop, true);
            }
            if (sandbox.isEmpty() || !sandbox.get().ready()) {
                return replaceSandbox(sandbox, anyRan);
            }
            for (SandboxStatus old : observed.sandboxes()) {
                if (!old.id().equals(sandbox.get().id())) {
                    removeSandboxes.add(old.id());
                }
            }
            if (initContainersDone()) {
                for (Container container : pod.spec.containers) {
                    planContainer(container, false);
                }
            }
            return done(false, 0, null, false);
        }

        /** A pod without a ready sandbox starts over in a new one: its network is gone. */
        private PodActions replaceSandbox(Optional<SandboxStatus> sandbox, boolean anyRan) {
            if (anyRan && "Never".equals(restartPolicy(pod))) {
                // As Kubernetes: a pod that must not restart is not started again in a new sandbox.
                for (ContainerStatus container : observed.containers()) {
                    if (container.state() == ContainerStatus.State.RUNNING) {
                        kill.add(new Kill(container.id(), container.name(), "the pod sandbox is gone"));
                    }
                }
                return done(false, 0, null, false);
            }
            for (ContainerStatus container : observed.containers()) {
                if (container.state() == ContainerStatus.State.RUNNING) {
                    kill.add(new Kill(container.id(), container.name(), "the pod sandbox is gone"));
                }
                remove.add(container.id());
            }
            for (SandboxStatus old : observed.sandboxes()) {
                removeSandboxes.add(old.id());
            }
            int attempt = sandbox.map(s -> s.attempt() + 1).orElse(0);
            List<Container> first = initContainers().isEmpty() ? pod.spec.containers : List.of(initContainers().get(0));
            for (Container container : first) {
                ContainerStatus latest = observed.latest(container.name);
                int next = latest == null ? 0 : latest.attempt() + 1;
                if (pullable(container)) {
                    start.add(new Start(container, !initContainers().isEmpty(), next));
                }
            }
            return done(true, attempt, null, false);
        }

        /** Init containers run one at a time, in order; true once each has succeeded. */
        private boolean initContainersDone() {
            if (pod.spec.containers.stream().anyMatch(c -> observed.latest(c.name) != null)) {
                return true; // app containers ran: the init containers did their work (Kubernetes does not rerun them)
            }
            for (Container container : initContainers()) {
                ContainerStatus latest = observed.latest(container.name);
                if (latest != null && isDead(latest) && !failed(latest)) {
                    removeOlderAttempts(container.name, latest);
                    continue;
                }
                planContainer(container, true);
                return false;
            }
            return true;
        }

        private void planContainer(Container container, boolean init) {
            ContainerStatus latest = observed.latest(container.name);
            if (latest == null) {
                if (pullable(container)) {
                    start.add(new Start(container, init, 0));
                }
                return;
            }
            removeOlderAttempts(container.name, latest);
            if (latest.state() == ContainerStatus.State.RUNNING) {
                if (!probes.alive(latest.id())) {
                    kill.add(Kill.failedProbe(latest.id(), container.name, "liveness"));
                } else if (probes.startupFailed(latest.id())) {
                    kill.add(Kill.failedProbe(latest.id(), container.name, "startup"));
                }
                return;
            }
            if (latest.state() == ContainerStatus.State.UNKNOWN) {
                return;
            }
            // dead: an init container restarts unless the policy is Never, as with OnFailure
            boolean again = init ? !"Never".equals(restartPolicy(pod)) && failed(latest) : shouldRestart(pod, latest);
            if (!again) {
                return;
            }
            Duration ranFor = latest.startedAt() == null || latest.finishedAt() == null ? null
                    : Duration.between(latest.startedAt(), latest.finishedAt());
            Duration delay = backOff.delay(latest.attempt(), ranFor);
            // one that could not start never finished: its back-off runs from its creation
            Instant finished = latest.finishedAt() != null ? latest.finishedAt()
                    : latest.createdAt() != null ? latest.createdAt() : now;
            Instant until = finished.plus(delay);
            if (now.isBefore(until)) {
                waiting.put(container.name, new Waiting("CrashLoopBackOff", "back-off " + seconds(delay)
                        + " restarting failed container=" + container.name + " pod=" + pod.metadata.name + "_"
                        + pod.metadata.namespace + "(" + pod.metadata.uid + ")"));
                requeue(Duration.between(now, until));
                return;
            }
            if (pullable(container)) {
                start.add(new Start(container, init, latest.attempt() + 1));
            }
        }

        /** False while the image pull of the container backs off, noting why. */
        private boolean pullable(Container container) {
            PullFailure failure = pullFailures.get(container.name);
            if (failure == null) {
                return true;
            }
            Instant until = failure.at().plus(backOff.delay(failure.count(), null));
            if (now.isBefore(until)) {
                waiting.put(container.name, "ErrImageNeverPull".equals(failure.reason())
                        ? new Waiting(failure.reason(), failure.message())
                        : new Waiting("ImagePullBackOff", "Back-off pulling image \"" + container.image + "\""));
                requeue(Duration.between(now, until));
                return false;
            }
            return true;
        }

        /** Keeps the newest attempt and the one before it (the source of lastState); removes older dead ones. */
        private void removeOlderAttempts(String name, ContainerStatus latest) {
            List<ContainerStatus> attempts = observed.attempts(name);
            for (int i = 0; i < attempts.size() - 2; i++) {
                if (isDead(attempts.get(i))) {
                    remove.add(attempts.get(i).id());
                }
            }
        }

        /** Every container has run and none runs again, or an init container failed for good. */
        private boolean isFinished() {
            for (Container container : initContainers()) {
                ContainerStatus latest = observed.latest(container.name);
                if (latest != null && isDead(latest) && failed(latest) && "Never".equals(restartPolicy(pod))) {
                    return true;
                }
            }
            for (Container container : pod.spec.containers) {
                ContainerStatus latest = observed.latest(container.name);
                if (latest == null || !isDead(latest) || shouldRestart(pod, latest)) {
                    return false;
                }
            }
            return true;
        }

        private List<Container> initContainers() {
            return pod.spec.initContainers == null ? List.of() : pod.spec.initContainers;
        }

        private void requeue(Duration after) {
            if (requeueAfter == null || after.compareTo(requeueAfter) < 0) {
                requeueAfter = after;
            }
        }

        private PodActions done(boolean createSandbox, int attempt, String stopSandbox, boolean finished) {
            return new PodActions(kill, remove, removeSandboxes, createSandbox, attempt, stopSandbox, start, waiting,
                    requeueAfter, finished);
        }

        /** As Go prints a duration, which is what Kubernetes shows: 10s, 1m20s, 5m0s (and 100ms for quick tests). */
        private static String seconds(Duration delay) {
            long millis = delay.toMillis();
            if (millis % 1000 != 0) {
                return millis + "ms";
            }
            long seconds = millis / 1000;
            return seconds < 60 ? seconds + "s" : seconds / 60 + "m" + seconds % 60 + "s";
        }
    }
}
