package io.gantry.kubelet;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.SandboxStatus;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.stream.Stream;

/** The containers of this node's pods as the kubelet's endpoint finds them for logs, exec and port-forward. */
final class NodeContainers {

    private final BiFunction<String, String, Optional<Pod>> pods;
    private final Function<String, ObservedPod> observed;
    private final Function<String, Optional<ContainerRuntime>> runtimes;

    /**
     * @param pods     this node's pods by namespace and name
     * @param observed what the runtimes hold of a pod, by uid (null when nothing)
     * @param runtimes runtime plugins by name
     */
    NodeContainers(BiFunction<String, String, Optional<Pod>> pods, Function<String, ObservedPod> observed,
                   Function<String, Optional<ContainerRuntime>> runtimes) {
        this.pods = pods;
        this.observed = observed;
        this.runtimes = runtimes;
    }

    /** A container of this node and the runtime that holds it. */
    record Found(ContainerRuntime runtime, ContainerStatus container) {
    }

    /** A pod's ready sandbox and the runtime that holds it. */
    record Sandbox(ContainerRuntime runtime, SandboxStatus sandbox) {
    }

    /** One of this node's pods, by namespace and name. */
    Optional<Pod> pod(String namespace, String name) {
        return pods.apply(namespace, name);
    }

    /** The pod's ready sandbox, if it has one and its runtime is here. */
    Optional<Sandbox> sandbox(Pod pod) {
        ObservedPod held = pod.metadata.uid == null ? null : observed.apply(pod.metadata.uid);
        if (held == null) {
            return Optional.empty();
        }
        return held.latestSandbox().filter(SandboxStatus::ready)
                .flatMap(sandbox -> runtimes.apply(held.runtime()).map(runtime -> new Sandbox(runtime, sandbox)));
    }

    /**
     * The container a request names: its newest attempt, or with previous the one before, which must
     * have ended.
     *
     * @throws IllegalArgumentException a container that is not the pod's, or has not started, in the kubelet's words
     * @throws NotFound                 a pod this node does not run
     */
    Found find(String namespace, String podName, String name, boolean previous) throws NotFound {
        Pod pod = pods.apply(namespace, podName).orElseThrow(() -> new NotFound("pod \"" + podName
                + "\" in namespace \"" + namespace + "\" not found on this node"));
        if (Stream.of(pod.spec.containers, pod.spec.initContainers).filter(c -> c != null).flatMap(List::stream)
                .map((Container c) -> c.name).noneMatch(name::equals)) {
            throw new IllegalArgumentException("container " + name + " is not valid for pod " + podName);
        }
        ObservedPod held = pod.metadata.uid == null ? null : observed.apply(pod.metadata.uid);
        ContainerStatus container = held == null ? null : previous ? held.previous(name) : held.latest(name);
        if (previous && (container == null || container.state() != ContainerStatus.State.EXITED)) {
            throw new IllegalArgumentException("previous terminated container \"" + name + "\" in pod \"" + podName
                    + "\" not found");
        }
        if (container == null || container.state() == ContainerStatus.State.CREATED) {
            throw new IllegalArgumentException("container \"" + name + "\" in pod \"" + podName
                    + "\" is waiting to start: " + waitingReason(pod, name));
        }
        ContainerRuntime runtime = runtimes.apply(held.runtime()).orElseThrow(() -> new IllegalArgumentException(
                "container runtime '" + held.runtime() + "' of pod " + podName + " is not available on this node"));
        return new Found(runtime, container);
    }

    private static String waitingReason(Pod pod, String name) {
        if (pod.status != null) {
            for (var list : Stream.of(pod.status.containerStatuses, pod.status.initContainerStatuses)
                    .filter(l -> l != null).toList()) {
                for (var status : list) {
                    if (name.equals(status.name) && status.state != null && status.state.waiting != null
                            && status.state.waiting.reason != null) {
                        return status.state.waiting.reason;
                    }
                }
            }
        }
        return "ContainerCreating";
    }

    /** A pod this node does not run. */
    static final class NotFound extends Exception {
        private static final long serialVersionUID = 1L;

        NotFound(String message) {
            super(message);
        }
    }
}
