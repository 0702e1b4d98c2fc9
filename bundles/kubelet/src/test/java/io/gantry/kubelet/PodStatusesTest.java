package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodStatus;
import io.gantry.api.runtime.ContainerStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The kubelet's phase and container-state rules, from runtime states. */
class PodStatusesTest {

    @Test
    void runningContainersMakeARunningReadyPod() {
        Pod pod = pod("Always", "a", "b");
        PodStatus status = PodStatuses.observed(pod, "127.0.0.1", "127.1.0.2",
                List.of(running("a", 0), running("b", 0)), Map.of());
        assertEquals("Running", status.phase);
        assertEquals("127.1.0.2", status.podIP);
        assertTrue(status.containerStatuses.stream().allMatch(c -> c.ready));
        assertEquals("True", condition(status, "Ready"));
    }

    @Test
    void aContainerNotStartedYetKeepsThePodPending() {
        PodStatus status = PodStatuses.observed(pod("Always", "a", "b"), "127.0.0.1", "127.1.0.2",
                List.of(running("a", 0)), Map.of());
        assertEquals("Pending", status.phase);
        assertEquals("ContainerCreating", status.containerStatuses.get(1).state.waiting.reason);
        assertEquals("False", condition(status, "Ready"));
    }

    @Test
    void anImageThatCannotBePulledShowsErrImagePull() {
        PodStatus status = PodStatuses.observed(pod("Always", "a"), "127.0.0.1", "127.1.0.2", List.of(),
                Map.of("a", "ErrImagePull:image nope:1 is not present"));
        assertEquals("Pending", status.phase);
        assertEquals("ErrImagePull", status.containerStatuses.get(0).state.waiting.reason);
        assertEquals("image nope:1 is not present", status.containerStatuses.get(0).state.waiting.message);
    }

    @Test
    void finishedPodsSucceedOrFailByRestartPolicy() {
        assertEquals("Succeeded", PodStatuses.observed(pod("Never", "a"), null, null, List.of(exited("a", 0, 0)), Map.of()).phase);
        assertEquals("Failed", PodStatuses.observed(pod("Never", "a"), null, null, List.of(exited("a", 0, 3)), Map.of()).phase);
        assertEquals("Running", PodStatuses.observed(pod("Always", "a"), null, null, List.of(exited("a", 0, 0)), Map.of()).phase,
                "Always restarts, so the pod is still running");
        assertTrue(PodStatuses.isFinished(pod("Never", "a"), List.of(exited("a", 0, 3))));
        assertFalse(PodStatuses.isFinished(pod("OnFailure", "a"), List.of(exited("a", 0, 3))));
        assertTrue(PodStatuses.isFinished(pod("OnFailure", "a"), List.of(exited("a", 0, 0))));
    }

    @Test
    void restartsAreCountedAndTheLastTerminationKept() {
        PodStatus status = PodStatuses.observed(pod("Always", "a"), null, "127.1.0.2",
                List.of(exited("a", 0, 1), exited("a", 1, 1), running("a", 2)), Map.of());
        io.gantry.api.core.v1.ContainerStatus a = status.containerStatuses.get(0);
        assertEquals(2, a.restartCount);
        assertNotNull(a.state.running);
        assertEquals(1, a.lastState.terminated.exitCode);
        assertEquals("Error", a.lastState.terminated.reason);
    }

    @Test
    void crashLoopBackOffDoublesUpToFiveMinutes() {
        assertEquals(Duration.ofSeconds(10), PodStatuses.backoff(0));
        assertEquals(Duration.ofSeconds(20), PodStatuses.backoff(1));
        assertEquals(Duration.ofSeconds(160), PodStatuses.backoff(4));
        assertEquals(Duration.ofSeconds(300), PodStatuses.backoff(9));
    }

    private static Pod pod(String restartPolicy, String... containers) {
        Pod pod = new Pod();
        pod.metadata.name = "p";
        pod.metadata.namespace = "default";
        pod.spec.restartPolicy = restartPolicy;
        for (String name : containers) {
            Container container = new Container();
            container.name = name;
            container.image = "gantry/httpd:1.0";
            pod.spec.containers.add(container);
        }
        return pod;
    }

    private static ContainerStatus running(String name, int attempt) {
        return new ContainerStatus(name + attempt, name, ContainerStatus.State.RUNNING, "img", "sha256:1", 0, null,
                Instant.now(), Instant.now(), null, labels(name, attempt));
    }

    private static ContainerStatus exited(String name, int attempt, int exitCode) {
        return new ContainerStatus(name + attempt, name, ContainerStatus.State.EXITED, "img", "sha256:1", exitCode, null,
                Instant.now(), Instant.now(), Instant.now(), labels(name, attempt));
    }

    private static Map<String, String> labels(String name, int attempt) {
        return Map.of(Labels.CONTAINER_NAME, name, Labels.CONTAINER_ATTEMPT, String.valueOf(attempt));
    }

    private static String condition(PodStatus status, String type) {
        return status.conditions.stream().filter(c -> type.equals(c.type)).findFirst().orElseThrow().status;
    }
}
