package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Pod;
import io.gantry.runtime.sim.SimRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand pods on one kubelet with the simulated runtime: each container runs after 50 ms, and
 * one start in twenty fails, so some pods go through the crash loop back-off before they run.
 */
class SimPodsTest {

    private static final int PODS = 1000;

    @TempDir
    Path root;

    @Test
    void aThousandSimulatedPodsAllRunDespiteFailedStarts() {
        String nodeName = "sim-" + UUID.randomUUID().toString().substring(0, 8);
        FakeApi api = new FakeApi();
        SimRuntime runtime = new SimRuntime(Configs.of(SimRuntime.Config.class,
                Map.of("startDelayMillis", 50L, "failureRate", 0.05, "seed", 42L)));
        TestConfig config = new TestConfig(nodeName, "127." + ThreadLocalRandom.current().nextInt(160, 250) + ".0.0/16", root);
        config.defaultRuntime = SimRuntime.NAME;
        Kubelet kubelet = new Kubelet(api, null, config, new NoConfigSource());
        kubelet.addRuntime(runtime, Map.of(Plugins.NAME, SimRuntime.NAME));
        try {
            long start = System.nanoTime();
            for (int i = 0; i < PODS; i++) {
                Container container = new Container();
                container.name = "app";
                container.image = "example/app:1.0";
                Pod pod = DockerNode.pod("sim-" + i, container);
                pod.spec.nodeName = nodeName;
                api.create(ResourceKind.PODS, pod);
            }
            Awaitility.await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofMillis(500))
                    .until(() -> running(api) == PODS);
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            List<Pod> pods = api.list(ResourceKind.PODS, "default", null).items;
            Set<String> ips = pods.stream().map(p -> p.status.podIP).collect(Collectors.toSet());
            assertEquals(PODS, ips.size(), "every pod has an IP of its own");
            long restarted = pods.stream().filter(p -> p.status.containerStatuses.get(0).restartCount > 0).count();
            assertTrue(restarted > 0, "at a failure rate of 5 %, some of 1000 pods restarted");
            assertTrue(pods.stream().filter(p -> p.status.containerStatuses.get(0).restartCount > 0)
                    .allMatch(p -> p.status.containerStatuses.get(0).lastState.terminated.exitCode == 1));
            assertEquals(PODS, runtime.listPodSandboxes(nodeName).size());
            System.out.println(PODS + " simulated pods Running after " + took.toMillis() + " ms; " + restarted
                    + " of them restarted after a failed start");
        } finally {
            kubelet.deactivate();
            runtime.deactivate();
            api.close();
        }
    }

    private static long running(FakeApi api) {
        return api.list(ResourceKind.PODS, "default", null).items.stream()
                .filter(p -> p.status != null && "Running".equals(p.status.phase) && p.status.containerStatuses != null
                        && p.status.containerStatuses.get(0).ready)
                .count();
    }
}
