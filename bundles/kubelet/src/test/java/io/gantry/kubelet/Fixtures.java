package io.gantry.kubelet;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.SandboxStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Pods and runtime states for the pure steps' tests, at a fixed clock. */
final class Fixtures {

    static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private Fixtures() {
    }

    static Pod pod(String restartPolicy, String... containers) {
        Pod pod = new Pod();
        pod.metadata.name = "web";
        pod.metadata.namespace = "default";
        pod.metadata.uid = "uid-1";
        pod.spec.restartPolicy = restartPolicy;
        for (String name : containers) {
            pod.spec.containers.add(container(name));
        }
        return pod;
    }

    static Pod withInit(Pod pod, String... names) {
        pod.spec.initContainers = new ArrayList<>();
        for (String name : names) {
            pod.spec.initContainers.add(container(name));
        }
        return pod;
    }

    static Container container(String name) {
        Container container = new Container();
        container.name = name;
        container.image = "gantry/httpd:1.0";
        return container;
    }

    static SandboxStatus sandbox(int attempt, boolean ready) {
        return new SandboxStatus("sandbox-" + attempt, "uid-1", "default", "web", attempt, "docker", ready,
                "127.1.0.2", NOW.minusSeconds(100));
    }

    static ContainerStatus running(String name, int attempt) {
        return new ContainerStatus(name + "-" + attempt, "uid-1", name, attempt, ContainerStatus.State.RUNNING,
                "gantry/httpd:1.0", "sha256:1", 0, null, NOW.minusSeconds(60), NOW.minusSeconds(60), null);
    }

    static ContainerStatus exited(String name, int attempt, int exitCode, Instant finishedAt) {
        return new ContainerStatus(name + "-" + attempt, "uid-1", name, attempt, ContainerStatus.State.EXITED,
                "gantry/httpd:1.0", "sha256:1", exitCode, exitCode == 0 ? "Completed" : "Error",
                finishedAt.minusSeconds(1), finishedAt.minusSeconds(1), finishedAt);
    }

    static ObservedPod observed(List<SandboxStatus> sandboxes, ContainerStatus... containers) {
        return new ObservedPod("docker", sandboxes, List.of(containers));
    }

    static ObservedPod observed(ContainerStatus... containers) {
        return observed(List.of(sandbox(0, true)), containers);
    }
}
