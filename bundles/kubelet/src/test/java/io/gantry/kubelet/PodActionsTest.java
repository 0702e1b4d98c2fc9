package io.gantry.kubelet;

import static io.gantry.kubelet.Fixtures.NOW;
import static io.gantry.kubelet.Fixtures.exited;
import static io.gantry.kubelet.Fixtures.observed;
import static io.gantry.kubelet.Fixtures.pod;
import static io.gantry.kubelet.Fixtures.running;
import static io.gantry.kubelet.Fixtures.sandbox;
import static io.gantry.kubelet.Fixtures.withInit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.runtime.ContainerStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** computePodActions without a runtime: from spec and observed state to actions. */
class PodActionsTest {

    private static final CrashLoopBackOff BACK_OFF = CrashLoopBackOff.KUBERNETES;

    private static PodActions compute(Pod pod, ObservedPod observed) {
        return PodActions.compute(pod, observed, ProbeView.NONE, Map.of(), NOW, BACK_OFF);
    }

    private static List<String> started(PodActions actions) {
        return actions.start().stream().map(s -> s.container().name + "#" + s.attempt()).toList();
    }

    @Test
    void aNewPodGetsASandboxAndAllItsContainers() {
        PodActions actions = compute(pod("Always", "a", "b"), ObservedPod.none("docker"));
        assertTrue(actions.createSandbox());
        assertEquals(0, actions.sandboxAttempt());
        assertEquals(List.of("a#0", "b#0"), started(actions));
    }

    @Test
    void aRunningPodNeedsNothing() {
        PodActions actions = compute(pod("Always", "a", "b"), observed(running("a", 0), running("b", 0)));
        assertTrue(actions.isEmpty());
        assertFalse(actions.finished());
    }

    @Test
    void initContainersRunOneAtATimeInOrderBeforeTheOthers() {
        Pod pod = withInit(pod("Always", "app"), "first", "second");
        assertEquals(List.of("first#0"), started(compute(pod, ObservedPod.none("docker"))));
        assertTrue(compute(pod, observed(running("first", 0))).isEmpty(), "the next waits for the running one");
        assertEquals(List.of("second#0"), started(compute(pod, observed(exited("first", 0, 0, NOW.minusSeconds(1))))));
        assertEquals(List.of("app#0"), started(compute(pod, observed(exited("first", 0, 0, NOW.minusSeconds(5)),
                exited("second", 0, 0, NOW.minusSeconds(1))))));
    }

    @Test
    void aFailedInitContainerRestartsWithBackOffOrFailsThePodWithNever() {
        Pod always = withInit(pod("Always", "app"), "init");
        assertEquals(List.of("init#1"), started(compute(always, observed(exited("init", 0, 1, NOW.minusSeconds(1))))));
        PodActions waiting = compute(always, observed(exited("init", 1, 1, NOW.minusSeconds(1))));
        assertEquals("CrashLoopBackOff", waiting.waiting().get("init").reason());
        PodActions never = compute(withInit(pod("Never", "app"), "init"), observed(exited("init", 0, 1, NOW.minusSeconds(1))));
        assertTrue(never.finished());
        assertTrue(never.start().isEmpty());
    }

    static Stream<Arguments> restartPolicies() {
        return Stream.of(
                // policy, exit code, restarted?
                Arguments.of("Always", 0, true),
                Arguments.of("Always", 1, true),
                Arguments.of("OnFailure", 0, false),
                Arguments.of("OnFailure", 2, true),
                Arguments.of("Never", 0, false),
                Arguments.of("Never", 137, false));
    }

    @ParameterizedTest(name = "{0}, exit {1}: restarted {2}")
    @MethodSource("restartPolicies")
    void restartPolicyDecidesWhetherAnExitedContainerRunsAgain(String policy, int exitCode, boolean restarted) {
        PodActions actions = compute(pod(policy, "a"), observed(exited("a", 0, exitCode, NOW.minusSeconds(1))));
        assertEquals(restarted ? List.of("a#1") : List.of(), started(actions));
        assertEquals(!restarted, actions.finished());
    }

    static Stream<Arguments> backOffs() {
        return Stream.of(
                // restarts so far, seconds since exit, restarted now?, back-off shown
                Arguments.of(0, 0, true, null),
                Arguments.of(1, 5, false, "back-off 10s"),
                Arguments.of(1, 11, true, null),
                Arguments.of(2, 15, false, "back-off 20s"),
                Arguments.of(3, 41, true, null),
                Arguments.of(6, 299, false, "back-off 5m0s"),
                Arguments.of(9, 301, true, null));
    }

    @ParameterizedTest(name = "restart {0}, {1}s after exit: restarted {2}")
    @MethodSource("backOffs")
    void crashLoopBackOffDoublesFromTenSecondsUpToFiveMinutes(int restarts, int secondsAgo, boolean restarted, String shown) {
        PodActions actions = compute(pod("Always", "a"), observed(exited("a", restarts, 1, NOW.minusSeconds(secondsAgo))));
        if (restarted) {
            assertEquals(List.of("a#" + (restarts + 1)), started(actions));
            assertTrue(actions.waiting().isEmpty());
        } else {
            assertTrue(actions.start().isEmpty());
            Waiting waiting = actions.waiting().get("a");
            assertEquals("CrashLoopBackOff", waiting.reason());
            assertTrue(waiting.message().startsWith(shown + " restarting failed container=a pod=web_default(uid-1)"),
                    waiting.message());
            assertEquals(Duration.between(NOW.minusSeconds(secondsAgo), NOW.minusSeconds(secondsAgo)
                    .plus(BACK_OFF.delay(restarts, Duration.ofSeconds(1)))).minusSeconds(secondsAgo), actions.requeueAfter(),
                    "looked at again when the back-off ends");
        }
    }

    @Test
    void aContainerThatCouldNotStartBacksOffFromItsCreation() {
        ContainerStatus cannotRun = new ContainerStatus("a-1", "uid-1", "a", 1, ContainerStatus.State.CREATED,
                "gantry/httpd:1.0", "sha256:1", 128, null, NOW.minusSeconds(11), null, null, "address already in use");
        PodActions actions = compute(pod("Always", "a"), observed(cannotRun));
        assertEquals(List.of("a#2"), started(actions), "10 s of back-off ran out: started again");
        PodActions early = compute(pod("Always", "a"), observed(new ContainerStatus("a-1", "uid-1", "a", 1,
                ContainerStatus.State.CREATED, "gantry/httpd:1.0", "sha256:1", 128, null, NOW.minusSeconds(4), null, null)));
        assertEquals(Duration.ofSeconds(6), early.requeueAfter(), "looked at again when the back-off ends");
    }

    @Test
    void theBackOffBaseIsConfigurable() {
        CrashLoopBackOff quick = new CrashLoopBackOff(Duration.ofMillis(100), Duration.ofSeconds(1));
        assertEquals(Duration.ZERO, quick.delay(0, null));
        assertEquals(Duration.ofMillis(100), quick.delay(1, null));
        assertEquals(Duration.ofMillis(800), quick.delay(4, null));
        assertEquals(Duration.ofSeconds(1), quick.delay(9, null));
        assertEquals(Duration.ZERO, quick.delay(9, Duration.ofSeconds(2)), "a container that ran long enough starts at once");
    }

    @Test
    void onlyTheLastTwoAttemptsAreKept() {
        PodActions actions = compute(pod("Always", "a"), observed(exited("a", 0, 1, NOW.minusSeconds(100)),
                exited("a", 1, 1, NOW.minusSeconds(90)), running("a", 2)));
        assertEquals(List.of("a-0"), actions.remove());
    }

    @Test
    void aDeadSandboxIsReplacedAndRemovedWithTheContainersInIt() {
        PodActions actions = compute(pod("Always", "a"), observed(List.of(sandbox(0, false)), running("a", 0)));
        assertTrue(actions.createSandbox());
        assertEquals(1, actions.sandboxAttempt());
        assertEquals(List.of("sandbox-0"), actions.removeSandboxes());
        assertEquals(List.of("a-0"), actions.kill().stream().map(PodActions.Kill::containerId).toList());
        assertEquals(List.of("a-0"), actions.remove());
        assertEquals(List.of("a#1"), started(actions));
    }

    @Test
    void aNeverRestartingPodIsNotStartedAgainInANewSandbox() {
        PodActions actions = compute(pod("Never", "a"), observed(List.of(sandbox(0, false)), running("a", 0)));
        assertFalse(actions.createSandbox());
        assertTrue(actions.start().isEmpty());
    }

    @Test
    void aFinishedPodStopsItsSandbox() {
        PodActions actions = compute(pod("OnFailure", "a"), observed(exited("a", 0, 0, NOW.minusSeconds(1))));
        assertTrue(actions.finished());
        assertEquals("sandbox-0", actions.stopSandbox());
        assertTrue(compute(pod("OnFailure", "a"), observed(List.of(sandbox(0, false)), exited("a", 0, 0, NOW))).isEmpty(),
                "a stopped sandbox of a finished pod is not replaced");
    }

    @Test
    void aContainerFailingItsLivenessProbeIsKilledThenRestartedByPolicy() {
        ProbeView dead = new ProbeView() {
            @Override
            public boolean alive(String containerId) {
                return false;
            }
        };
        PodActions actions = PodActions.compute(pod("Always", "a"), observed(running("a", 0)), dead, Map.of(), NOW, BACK_OFF);
        assertEquals("Container a failed liveness probe, will be restarted", actions.kill().get(0).reason());
        assertTrue(actions.start().isEmpty(), "started again once it is seen dead, with the back-off");
    }

    @Test
    void aFailedPullBacksOffAndNeverPullKeepsItsReason() {
        Map<String, PullFailure> failed = Map.of("a", new PullFailure(1, NOW.minusSeconds(2), "ErrImagePull", "no registry"));
        PodActions actions = PodActions.compute(pod("Always", "a"), ObservedPod.none("docker"), ProbeView.NONE, failed, NOW, BACK_OFF);
        assertEquals("ImagePullBackOff", actions.waiting().get("a").reason());
        assertEquals("Back-off pulling image \"gantry/httpd:1.0\"", actions.waiting().get("a").message());
        assertEquals(Duration.ofSeconds(8), actions.requeueAfter());
        Map<String, PullFailure> never = Map.of("a", new PullFailure(1, NOW.minusSeconds(2), "ErrImageNeverPull", "absent"));
        assertEquals("ErrImageNeverPull", PodActions.compute(pod("Always", "a"), ObservedPod.none("docker"), ProbeView.NONE,
                never, NOW, BACK_OFF).waiting().get("a").reason());
        Map<String, PullFailure> old = Map.of("a", new PullFailure(1, NOW.minusSeconds(11), "ErrImagePull", "no registry"));
        assertEquals(List.of("a#0"), started(PodActions.compute(pod("Always", "a"), ObservedPod.none("docker"), ProbeView.NONE,
                old, NOW, BACK_OFF)));
    }
}
