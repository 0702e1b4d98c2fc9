package io.gantry.kubelet;

import static io.gantry.kubelet.Fixtures.NOW;
import static io.gantry.kubelet.Fixtures.exited;
import static io.gantry.kubelet.Fixtures.observed;
import static io.gantry.kubelet.Fixtures.pod;
import static io.gantry.kubelet.Fixtures.running;
import static io.gantry.kubelet.Fixtures.withInit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.PodStatus;
import io.gantry.api.core.v1.ResourceRequirements;
import io.gantry.api.meta.v1.Times;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Status derivation: the kubelet's phase, condition and container-state rules, from runtime states. */
class PodStatusesTest {

    private static PodStatus derive(Pod pod, ObservedPod observed, Map<String, Waiting> waiting) {
        return PodStatuses.derive(pod, observed, ProbeView.NONE, waiting, "127.0.0.1", NOW);
    }

    @Test
    void runningContainersMakeARunningReadyPod() {
        PodStatus status = derive(pod("Always", "a", "b"), observed(running("a", 0), running("b", 0)), Map.of());
        assertEquals("Running", status.phase);
        assertEquals("127.1.0.2", status.podIP);
        assertEquals("127.1.0.2", status.podIPs.get(0).ip);
        assertEquals("127.0.0.1", status.hostIP);
        assertEquals(Times.format(NOW), status.startTime);
        assertEquals("BestEffort", status.qosClass);
        assertTrue(status.containerStatuses.stream().allMatch(c -> c.ready && c.started));
        assertEquals("docker://a-0", status.containerStatuses.get(0).containerID);
        assertEquals("sha256:1", status.containerStatuses.get(0).imageID);
        assertEquals(List.of("Initialized", "Ready", "ContainersReady", "PodScheduled"),
                status.conditions.stream().map(c -> c.type).toList());
        assertTrue(status.conditions.stream().allMatch(c -> c.status.equals("True")));
    }

    @Test
    void aContainerNotStartedYetKeepsThePodPending() {
        PodStatus status = derive(pod("Always", "a", "b"), observed(running("a", 0)), Map.of());
        assertEquals("Pending", status.phase);
        assertEquals("ContainerCreating", status.containerStatuses.get(1).state.waiting.reason);
        assertEquals("False", condition(status, "Ready").status);
        assertEquals("ContainersNotReady", condition(status, "Ready").reason);
        assertEquals("containers with unready status: [b]", condition(status, "Ready").message);
    }

    @Test
    void anImageThatCannotBePulledShowsWhy() {
        PodStatus status = derive(pod("Always", "a"), ObservedPod.none("docker"),
                Map.of("a", new Waiting("ErrImagePull", "image nope:1 is not present")));
        assertEquals("Pending", status.phase);
        assertEquals("ErrImagePull", status.containerStatuses.get(0).state.waiting.reason);
        assertEquals("image nope:1 is not present", status.containerStatuses.get(0).state.waiting.message);
    }

    @Test
    void aCrashLoopShowsWaitingWithTheLastTerminationAndRestartCount() {
        PodStatus status = derive(pod("Always", "a"), observed(exited("a", 0, 0, NOW.minusSeconds(20)), exited("a", 3, 2, NOW)),
                Map.of("a", new Waiting("CrashLoopBackOff", "back-off 40s restarting failed container=a")));
        var container = status.containerStatuses.get(0);
        assertEquals("Running", status.phase, "Always restarts, so the pod is still running");
        assertEquals("CrashLoopBackOff", container.state.waiting.reason);
        assertEquals(3, container.restartCount);
        assertEquals(2, container.lastState.terminated.exitCode);
        assertEquals("Error", container.lastState.terminated.reason);
        assertEquals("docker://a-3", container.lastState.terminated.containerID);
        assertFalse(container.ready);
    }

    @Test
    void aRestartedContainerKeepsItsPreviousTerminationAsLastState() {
        PodStatus status = derive(pod("Always", "a"), observed(exited("a", 0, 1, NOW.minusSeconds(20)), running("a", 1)), Map.of());
        var container = status.containerStatuses.get(0);
        assertTrue(container.state.running != null);
        assertEquals(1, container.restartCount);
        assertEquals(1, container.lastState.terminated.exitCode);
    }

    @Test
    void finishedPodsSucceedOrFailByRestartPolicy() {
        assertEquals("Succeeded", derive(pod("Never", "a"), observed(exited("a", 0, 0, NOW)), Map.of()).phase);
        assertEquals("Failed", derive(pod("Never", "a"), observed(exited("a", 0, 3, NOW)), Map.of()).phase);
        assertEquals("Succeeded", derive(pod("OnFailure", "a", "b"), observed(exited("a", 0, 0, NOW), exited("b", 0, 0, NOW)),
                Map.of()).phase);
        assertEquals("Failed", derive(pod("Never", "a", "b"), observed(exited("a", 0, 0, NOW), exited("b", 0, 1, NOW)),
                Map.of()).phase);
        PodStatus done = derive(pod("Never", "a"), observed(exited("a", 0, 0, NOW)), Map.of());
        assertEquals("PodCompleted", condition(done, "Ready").reason);
        assertEquals("Completed", done.containerStatuses.get(0).state.terminated.reason);
    }

    @Test
    void initContainersKeepThePodPendingAndNotInitializedUntilTheySucceed() {
        Pod pod = withInit(pod("Always", "app"), "first", "second");
        PodStatus status = derive(pod, observed(exited("first", 0, 0, NOW), running("second", 0)), Map.of());
        assertEquals("Pending", status.phase);
        assertEquals("False", condition(status, "Initialized").status);
        assertEquals("ContainersNotInitialized", condition(status, "Initialized").reason);
        assertEquals("containers with incomplete status: [second]", condition(status, "Initialized").message);
        assertTrue(status.initContainerStatuses.get(0).ready, "a completed init container is ready");
        assertEquals("Completed", status.initContainerStatuses.get(0).state.terminated.reason);
        assertEquals("PodInitializing", status.containerStatuses.get(0).state.waiting.reason);

        PodStatus done = derive(pod, observed(exited("first", 0, 0, NOW), exited("second", 0, 0, NOW), running("app", 0)), Map.of());
        assertEquals("Running", done.phase);
        assertEquals("True", condition(done, "Initialized").status);

        PodStatus failed = derive(withInit(pod("Never", "app"), "first"), observed(exited("first", 0, 1, NOW)), Map.of());
        assertEquals("Failed", failed.phase);
    }

    @Test
    void readinessAndStartupProbesDecideReadyAndStarted() {
        ProbeView notReady = new ProbeView() {
            @Override
            public boolean ready(String containerId) {
                return false;
            }
        };
        PodStatus status = PodStatuses.derive(pod("Always", "a"), observed(running("a", 0)), notReady, Map.of(), "127.0.0.1", NOW);
        assertEquals("Running", status.phase);
        assertTrue(status.containerStatuses.get(0).started);
        assertFalse(status.containerStatuses.get(0).ready);
        assertEquals("False", condition(status, "Ready").status);
        ProbeView notStarted = new ProbeView() {
            @Override
            public boolean started(String containerId) {
                return false;
            }
        };
        PodStatus starting = PodStatuses.derive(pod("Always", "a"), observed(running("a", 0)), notStarted, Map.of(), "127.0.0.1", NOW);
        assertFalse(starting.containerStatuses.get(0).started);
        assertFalse(starting.containerStatuses.get(0).ready);
    }

    @Test
    void transitionTimesStayWhileAConditionHolds() {
        Pod pod = pod("Always", "a");
        pod.status = new PodStatus();
        pod.status.startTime = "2025-01-01T00:00:00Z";
        pod.status.conditions = List.of(new PodCondition("Ready", "True", "2025-01-01T00:00:01Z"),
                new PodCondition("Initialized", "False", "2025-01-01T00:00:02Z"));
        PodStatus status = derive(pod, observed(running("a", 0)), Map.of());
        assertEquals("2025-01-01T00:00:01Z", condition(status, "Ready").lastTransitionTime);
        assertEquals(Times.format(NOW), condition(status, "Initialized").lastTransitionTime, "it changed to True now");
        assertEquals("2025-01-01T00:00:00Z", status.startTime);
    }

    @Test
    void qosClassFollowsRequestsAndLimits() {
        Pod guaranteed = pod("Always", "a");
        guaranteed.spec.containers.get(0).resources = resources(Map.of("cpu", "500m", "memory", "64Mi"), null);
        assertEquals("Guaranteed", PodStatuses.qosClass(guaranteed));
        Pod burstable = pod("Always", "a");
        burstable.spec.containers.get(0).resources = resources(Map.of("cpu", "500m"), Map.of("cpu", "100m"));
        assertEquals("Burstable", PodStatuses.qosClass(burstable));
        assertEquals("BestEffort", PodStatuses.qosClass(pod("Always", "a")));
    }

    @Test
    void aMissingRuntimeMakesARunningPodUnknownAndSaysWhy() {
        Pod pod = pod("Always", "a");
        pod.status = new PodStatus();
        pod.status.phase = "Running";
        PodStatus status = PodStatuses.runtimeMissing(pod, "container runtime 'docker' is not installed", NOW);
        assertEquals("Unknown", status.phase);
        pod.status.phase = "Succeeded";
        assertEquals("Succeeded", PodStatuses.runtimeMissing(pod, "gone", NOW).phase);
        assertEquals("RuntimeUnavailable", status.containerStatuses.get(0).state.waiting.reason);
        assertNull(status.podIP);
    }

    @Test
    void aPodsStatusNamesTheRuntimeItsContainersRunInAndKeepsItWhileThatRuntimeIsAway() {
        Pod pod = pod("Always", "a");
        assertNull(PodStatuses.reportedRuntime(pod), "no status yet");
        pod.status = new PodStatus();
        pod.status.phase = "Running";
        io.gantry.api.core.v1.ContainerStatus running = new io.gantry.api.core.v1.ContainerStatus();
        running.name = "a";
        running.containerID = "docker://0123abcd";
        pod.status.containerStatuses = List.of(running);
        assertEquals("docker", PodStatuses.reportedRuntime(pod));

        pod.status = PodStatuses.runtimeMissing(pod, "container runtime 'docker' does not answer", NOW);
        assertEquals("Unknown", pod.status.phase);
        assertEquals("docker://0123abcd", pod.status.containerStatuses.get(0).containerID);
        assertEquals("docker", PodStatuses.reportedRuntime(pod), "still where it was");
    }

    private static ResourceRequirements resources(Map<String, String> limits, Map<String, String> requests) {
        ResourceRequirements resources = new ResourceRequirements();
        resources.limits = limits;
        resources.requests = requests;
        return resources;
    }

    private static PodCondition condition(PodStatus status, String type) {
        return status.conditions.stream().filter(c -> c.type.equals(type)).findFirst().orElseThrow();
    }
}
