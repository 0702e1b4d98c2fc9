package io.gantry.kubelet;

import static io.gantry.kubelet.DockerNode.container;
import static io.gantry.kubelet.DockerNode.pod;
import static io.gantry.kubelet.PodLifecycleDockerTest.condition;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Probe;
import io.gantry.api.core.v1.Volume;
import io.gantry.api.core.v1.VolumeMount;
import io.gantry.api.meta.v1.IntOrString;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Restart policies with the crash loop back-off, and each probe failing and recovering, on the
 * real Docker engine (back-offs shortened to 0.5 s doubling up to 2 s).
 */
class RestartAndProbeDockerTest {

    private static final Duration LONG = Duration.ofSeconds(60);
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
    void alwaysRestartsACrashingContainerWithCrashLoopBackOff() {
        Pod pod = node.create(pod("crasher", container("crash", "echo started; exit 1")));
        AtomicBoolean sawBackOff = new AtomicBoolean();
        Pod crashing = node.await(pod, LONG, p -> {
            var status = p.status.containerStatuses == null ? null : p.status.containerStatuses.get(0);
            if (status != null && status.state.waiting != null && "CrashLoopBackOff".equals(status.state.waiting.reason)) {
                sawBackOff.set(true);
                assertTrue(status.state.waiting.message.startsWith("back-off "), status.state.waiting.message);
                assertEquals("False", condition(p, "Ready").status, "a container waiting to restart is not ready");
            }
            return status != null && status.restartCount >= 3 && sawBackOff.get();
        });
        var status = crashing.status.containerStatuses.get(0);
        assertEquals(1, status.lastState.terminated.exitCode);
        assertEquals("Error", status.lastState.terminated.reason);
        assertEquals("Running", crashing.status.phase, "Always: the pod keeps running while it restarts");
        assertTrue(node.runtime.listContainers(node.name).size() <= 3, "old attempts are removed");
    }

    @Test
    void onFailureRestartsUntilTheContainerSucceeds() {
        Container flaky = container("flaky", "if [ -f /data/ran ]; then exit 0; fi; touch /data/ran; exit 2");
        flaky.volumeMounts = List.of(new VolumeMount("data", "/data"));
        Pod pod = pod("flaky", flaky);
        pod.spec.restartPolicy = "OnFailure";
        Volume data = new Volume("data");
        data.emptyDir = new Volume.EmptyDirVolumeSource();
        pod.spec.volumes = List.of(data);
        Pod done = node.await(node.create(pod), LONG, p -> "Succeeded".equals(p.status.phase));
        var status = done.status.containerStatuses.get(0);
        assertEquals(1, status.restartCount);
        assertEquals(0, status.state.terminated.exitCode);
        assertEquals("Completed", status.state.terminated.reason);
        assertEquals(2, status.lastState.terminated.exitCode);
        assertEquals("PodCompleted", condition(done, "Ready").reason);
    }

    @Test
    void neverLeavesAFailedContainerFailed() {
        Pod pod = pod("once", container("once", "exit 3"));
        pod.spec.restartPolicy = "Never";
        Pod failed = node.await(node.create(pod), LONG, p -> "Failed".equals(p.status.phase));
        var status = failed.status.containerStatuses.get(0);
        assertEquals(0, status.restartCount);
        assertEquals(3, status.state.terminated.exitCode);
        assertEquals("Error", status.state.terminated.reason);
    }

    @Test
    void readinessByExecAndHttpGetFollowsTheContainer() {
        Container worker = container("worker", "sleep 300");
        worker.readinessProbe = quick(exec("cat", "/tmp/ready"));
        Container web = container("web");
        web.ports = List.of(new ContainerPort(80));
        Probe http = quick(null);
        http.httpGet = new Probe.HTTPGetAction();
        http.httpGet.path = "/ready.html";
        http.httpGet.port = IntOrString.of(80);
        web.readinessProbe = http;
        Pod pod = node.create(pod("ready", worker, web));

        Pod running = node.await(pod, LONG, p -> "Running".equals(p.status.phase) && p.status.containerStatuses.stream()
                .allMatch(c -> c.state.running != null));
        assertFalse(running.status.containerStatuses.get(0).ready, "not ready before the probe passes");
        assertEquals("False", condition(running, "Ready").status);

        node.exec(running, "worker", "touch", "/tmp/ready");
        node.exec(running, "web", "touch", "/www/ready.html");
        Pod ready = node.await(pod, LONG, p -> "True".equals(condition(p, "Ready").status));
        assertTrue(ready.status.containerStatuses.stream().allMatch(c -> c.ready));

        node.exec(running, "web", "rm", "/www/ready.html");
        Pod unready = node.await(pod, LONG, p -> "False".equals(condition(p, "Ready").status));
        assertFalse(unready.status.containerStatuses.get(1).ready);
        assertTrue(unready.status.containerStatuses.get(0).ready);
        assertEquals(0, unready.status.containerStatuses.get(1).restartCount, "readiness never restarts a container");
    }

    @Test
    void aFailingTcpLivenessProbeRestartsTheContainerWhichRecovers() {
        Container server = container("server", "httpd -p 8080 -h /www; sleep 300");
        server.ports = List.of(new ContainerPort(8080));
        Probe tcp = quick(null);
        tcp.tcpSocket = new Probe.TCPSocketAction();
        tcp.tcpSocket.port = IntOrString.of(8080);
        tcp.failureThreshold = 2;
        server.livenessProbe = tcp;
        Pod pod = pod("alive", server);
        pod.spec.terminationGracePeriodSeconds = 1L;
        Pod running = node.await(node.create(pod), LONG, p -> "True".equals(condition(p, "Ready").status));
        String first = node.running(running, "server").id();

        // Ready (no readiness probe) means started: httpd may not run yet, so kill until it was there
        org.awaitility.Awaitility.await().atMost(LONG).until(() -> node.runtime.exec(first, List.of("killall", "httpd"),
                Duration.ofSeconds(10)).exitCode() == 0);
        Pod restarted = node.await(pod, LONG, p -> p.status.containerStatuses.get(0).restartCount == 1
                && p.status.containerStatuses.get(0).state.running != null);
        assertFalse(first.equals(node.running(restarted, "server").id()));
        assertEquals(137, restarted.status.containerStatuses.get(0).lastState.terminated.exitCode, "killed after its grace");
        // the new container serves again: it stays alive
        node.await(pod, LONG, p -> "True".equals(condition(p, "Ready").status));
        assertEquals(1, node.get(pod).status.containerStatuses.get(0).restartCount);
    }

    @Test
    void aStartupProbeHoldsBackReadinessAndKillsAContainerThatNeverStarts() {
        Container slow = container("slow", "sleep 300");
        slow.startupProbe = quick(exec("cat", "/tmp/started"));
        slow.startupProbe.failureThreshold = 60;
        Container stuck = container("stuck", "sleep 300");
        stuck.startupProbe = quick(exec("cat", "/tmp/never"));
        stuck.startupProbe.failureThreshold = 2;
        Pod pod = pod("starting", slow, stuck);
        pod.spec.terminationGracePeriodSeconds = 0L;
        Pod running = node.await(node.create(pod), LONG, p -> p.status.containerStatuses.get(0).state.running != null);
        assertFalse(running.status.containerStatuses.get(0).started);
        assertFalse(running.status.containerStatuses.get(0).ready);

        node.exec(running, "slow", "touch", "/tmp/started");
        node.await(pod, LONG, p -> Boolean.TRUE.equals(p.status.containerStatuses.get(0).started)
                && p.status.containerStatuses.get(0).ready);
        node.await(pod, LONG, p -> p.status.containerStatuses.get(1).restartCount >= 1);
    }

    private static Probe quick(Probe.ExecAction exec) {
        Probe probe = new Probe();
        probe.exec = exec;
        probe.periodSeconds = 1;
        probe.failureThreshold = 1;
        return probe;
    }

    private static Probe.ExecAction exec(String... command) {
        return new Probe.ExecAction(List.of(command));
    }
}
