package io.gantry.runtime.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Configs;
import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.SandboxConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The simulated runtime on a clock the test moves. */
class SimRuntimeTest {

    private final MovingClock clock = new MovingClock();

    @Test
    void aStartedContainerRunsAndStopsAtOnce() {
        SimRuntime runtime = new SimRuntime(Configs.of(SimRuntime.Config.class, Map.of("startDelayMillis", 20L)), clock);
        SandboxConfig sandbox = sandbox("uid-1");
        String sandboxId = runtime.runPodSandbox(sandbox);
        String id = runtime.createContainer(sandboxId, container("app"), sandbox);
        assertEquals(ContainerStatus.State.CREATED, runtime.containerStatus(id).state());
        List<String> events = new ArrayList<>();
        runtime.watch("node-1", events::add);

        clock.advance(Duration.ofSeconds(1));
        runtime.startContainer(id);

        ContainerStatus running = runtime.containerStatus(id);
        assertEquals(ContainerStatus.State.RUNNING, running.state());
        assertEquals(clock.instant(), running.startedAt());
        assertEquals(List.of("uid-1"), events);
        assertEquals(List.of(runtime.containerStatus(id)), runtime.listContainers("node-1"));

        runtime.stopContainer(id, Duration.ofSeconds(30));
        ContainerStatus stopped = runtime.containerStatus(id);
        assertEquals(ContainerStatus.State.EXITED, stopped.state());
        assertEquals(0, stopped.exitCode());
        runtime.removePodSandbox(sandboxId);
        assertEquals(List.of(), runtime.listContainers("node-1"));
        assertEquals(List.of(), runtime.listPodSandboxes("node-1"));
    }

    @Test
    void startsFailAtTheConfiguredRateAndTheSameSeedFailsTheSameStarts() {
        SimRuntime.Config config = Configs.of(SimRuntime.Config.class,
                Map.of("startDelayMillis", 0L, "failureRate", 0.2, "seed", 7L));
        List<Boolean> first = failures(new SimRuntime(config, clock));
        List<Boolean> second = failures(new SimRuntime(config, clock));

        assertEquals(first, second);
        long failed = first.stream().filter(f -> f).count();
        assertTrue(failed > 150 && failed < 250, "about a fifth of 1000 starts fail: " + failed);
    }

    @Test
    void aFailureRateOutsideZeroToOneNamesTheConfig() {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> new SimRuntime(Configs.of(SimRuntime.Config.class, Map.of("startDelayMillis", 0L, "failureRate", 1.5)), clock));
        assertEquals("failureRate in etc/io.gantry.runtime.sim.cfg must be from 0 to 1, not 1.5", error.getMessage());
    }

    private List<Boolean> failures(SimRuntime runtime) {
        SandboxConfig sandbox = sandbox("uid-2");
        String sandboxId = runtime.runPodSandbox(sandbox);
        List<Boolean> failed = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            String id = runtime.createContainer(sandboxId, container("c" + i), sandbox);
            runtime.startContainer(id);
            ContainerStatus status = runtime.containerStatus(id);
            failed.add(status.state() == ContainerStatus.State.EXITED && status.exitCode() == 1);
        }
        runtime.deactivate();
        return failed;
    }

    private static SandboxConfig sandbox(String uid) {
        return new SandboxConfig("node-1", "default", "pod-" + uid, uid, 0, "sim", "pod", "127.9.0.2", List.of());
    }

    private static ContainerConfig container(String name) {
        return new ContainerConfig(name, 0, "app:1", null, null, Map.of(), null, 0, 0, List.of(), null, null, false);
    }

    private static final class MovingClock extends Clock {
        private Instant now = Instant.parse("2026-01-01T00:00:00Z");

        void advance(Duration by) {
            now = now.plus(by);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
