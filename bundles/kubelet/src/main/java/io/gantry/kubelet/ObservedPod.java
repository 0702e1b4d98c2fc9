package io.gantry.kubelet;

import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.SandboxStatus;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * One pod as its runtime reported it at the last relist: its sandboxes and containers, every
 * attempt of each. Equal values mean nothing changed (the relist compares them).
 *
 * @param runtime the name of the runtime plugin that holds the pod
 */
record ObservedPod(String runtime, List<SandboxStatus> sandboxes, List<ContainerStatus> containers) {

    static ObservedPod none(String runtime) {
        return new ObservedPod(runtime, List.of(), List.of());
    }

    /** The newest sandbox (highest attempt), if any. */
    Optional<SandboxStatus> latestSandbox() {
        return sandboxes.stream().max(Comparator.comparingInt(SandboxStatus::attempt)
                .thenComparing(SandboxStatus::createdAt, Comparator.nullsFirst(Comparator.naturalOrder())));
    }

    /** The attempts of the container with this name, oldest first. */
    List<ContainerStatus> attempts(String name) {
        List<ContainerStatus> attempts = new ArrayList<>();
        for (ContainerStatus container : containers) {
            if (name.equals(container.name())) {
                attempts.add(container);
            }
        }
        attempts.sort(Comparator.comparingInt(ContainerStatus::attempt));
        return attempts;
    }

    /** The newest attempt of the container with this name, or null if it never ran. */
    ContainerStatus latest(String name) {
        List<ContainerStatus> attempts = attempts(name);
        return attempts.isEmpty() ? null : attempts.get(attempts.size() - 1);
    }

    /** The attempt before the newest, or null. */
    ContainerStatus previous(String name) {
        List<ContainerStatus> attempts = attempts(name);
        return attempts.size() < 2 ? null : attempts.get(attempts.size() - 2);
    }
}
