package io.gantry.kubelet;

import static io.gantry.kubelet.DockerNode.container;
import static io.gantry.kubelet.DockerNode.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Lifecycle;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Probe;
import io.gantry.api.core.v1.Volume;
import io.gantry.api.core.v1.VolumeMount;
import io.gantry.api.meta.v1.DeleteOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Graceful deletion on the real Docker engine: preStop hooks first, then SIGTERM, then SIGKILL
 * once the grace period is over, the pod's containers in parallel, and the pod object deleted
 * when its containers are gone.
 */
class GracefulDeletionDockerTest {

    private DockerNode node;

    @BeforeEach
    void setUp() throws Exception {
        node = new DockerNode();
    }

    @AfterEach
    void tearDown() throws Exception {
        node.close();
    }

    @Test
    void preStopThenTermThenKillAfterTheGracePeriodInParallel() throws Exception {
        Path log = node.root.resolve("log");
        Files.createDirectories(log);
        Container polite = container("polite", "trap 'echo term >> /log/polite; exit 0' TERM",
                "while :; do sleep 1; done");
        polite.lifecycle = new Lifecycle();
        polite.lifecycle.preStop = new Lifecycle.LifecycleHandler();
        polite.lifecycle.preStop.exec = new Probe.ExecAction(List.of("sh", "-c", "echo prestop >> /log/polite"));
        polite.lifecycle.postStart = new Lifecycle.LifecycleHandler();
        polite.lifecycle.postStart.exec = new Probe.ExecAction(List.of("sh", "-c", "echo poststart >> /log/polite"));
        polite.volumeMounts = List.of(new VolumeMount("log", "/log"));
        Container stubborn = container("stubborn", "trap 'echo ignored >> /log/stubborn' TERM", "while :; do sleep 1; done");
        stubborn.volumeMounts = List.of(new VolumeMount("log", "/log"));
        Pod pod = pod("leaving", polite, stubborn);
        pod.spec.terminationGracePeriodSeconds = 3L;
        Volume volume = new Volume("log");
        volume.hostPath = new Volume.HostPathVolumeSource();
        volume.hostPath.path = log.toString();
        pod.spec.volumes = List.of(volume);
        Pod running = node.await(node.create(pod), Duration.ofSeconds(30), p -> "Running".equals(p.status.phase)
                && p.status.containerStatuses.stream().allMatch(c -> c.ready));

        long start = System.nanoTime();
        node.api.delete(ResourceKind.PODS, "default", "leaving", new DeleteOptions());
        Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                .until(() -> node.api.absent(ResourceKind.PODS, "default", "leaving"));
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        assertEquals(List.of("poststart", "prestop", "term"), Files.readAllLines(log.resolve("polite")),
                "postStart after the start; preStop before SIGTERM");
        assertEquals(List.of("ignored"), Files.readAllLines(log.resolve("stubborn")), "SIGTERM came once, then SIGKILL");
        assertTrue(took.compareTo(Duration.ofSeconds(3)) >= 0, "the stubborn container had its grace period: " + took);
        assertTrue(node.runtime.listContainers(node.name).stream().noneMatch(c -> c.podUid().equals(running.metadata.uid)),
                "no container of the pod is left");
        assertTrue(node.runtime.listPodSandboxes(node.name).isEmpty(), "nor its sandbox");
        System.out.println("Graceful deletion with a 3 s grace period, one container ignoring SIGTERM: " + took.toMillis() + " ms");
    }

    @Test
    void whatRunsForAPodTheApiNoLongerHasIsRemovedAlsoAfterAKubeletRestart() {
        Pod forced = node.await(node.create(pod("forced", container("app", "sleep 300"))), Duration.ofSeconds(30),
                p -> "Running".equals(p.status.phase));
        Pod away = node.await(node.create(pod("away", container("app", "sleep 300"))), Duration.ofSeconds(30),
                p -> "Running".equals(p.status.phase));
        node.api.delete(ResourceKind.PODS, "default", "forced", DeleteOptions.immediately());
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.runtime.listPodSandboxes(node.name).stream()
                .noneMatch(s -> s.podUid().equals(forced.metadata.uid)));

        node.stopKubelet();
        node.api.delete(ResourceKind.PODS, "default", "away", DeleteOptions.immediately());
        node.start();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> node.runtime.listContainers(node.name).isEmpty()
                && node.runtime.listPodSandboxes(node.name).isEmpty());
        assertTrue(node.api.absent(ResourceKind.PODS, "default", away.metadata.name));
    }

    @Test
    void aPodDeletedWithoutGraceGoesAtOnce() {
        Pod running = node.await(node.create(pod("quick", container("app", "sleep 300"))), Duration.ofSeconds(30),
                p -> "Running".equals(p.status.phase));
        DeleteOptions now = new DeleteOptions();
        now.gracePeriodSeconds = 1L;
        node.api.delete(ResourceKind.PODS, "default", "quick", now);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> node.api.absent(ResourceKind.PODS, "default", "quick"));
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> node.runtime.listContainers(node.name).stream()
                .noneMatch(c -> c.podUid().equals(running.metadata.uid)));
    }
}
