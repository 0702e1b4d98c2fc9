package io.gantry.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

import io.gantry.api.core.v1.ContainerStatus;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.After;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.Bundle;

/**
 * Live swaps restart no pod: with 20 pods running on Docker, an update of the docker runtime's
 * bundle, a restart of the kubelet's bundle and a change of the node's default runtime leave
 * every container as it was (same container IDs, no restart) and every status true; a runtime
 * that goes away leaves its containers running and its pods Unknown until it is back.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class RuntimeSwapTest extends GantryTestSupport {

    private static final int PODS = 20;
    private static final Duration SETTLE = Duration.ofSeconds(120);

    private static final String POD = """
            {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "%s", "labels": {"app": "swap"}},
             "spec": {"containers": [{"name": "httpd", "image": "gantry/httpd:1.0",
                                      "imagePullPolicy": "IfNotPresent"}]}}
            """;

    @Test
    public void swapsRestartNoPodAndAMissingRuntimeLeavesItsPodsUnknownUntilItReturns() throws Exception {
        await().atMost(STARTUP).until(() -> api("GET", "/api/v1/nodes/" + NODE, null).statusCode() == 200);
        for (int i = 0; i < PODS; i++) {
            HttpResponse<String> created = api("POST", "/api/v1/namespaces/default/pods", POD.formatted("swap-" + i));
            assertEquals(created.body(), 201, created.statusCode());
        }
        Map<String, String> containers = await().atMost(SETTLE).until(this::runningContainers, m -> m.size() == PODS);

        bundle("io.gantry.runtime.docker").update();
        assertUnchanged(containers, "after bundle:update of the docker runtime");

        Bundle kubelet = bundle("io.gantry.kubelet");
        kubelet.stop();
        kubelet.start();
        assertUnchanged(containers, "after bundle:restart of the kubelet");

        String used = shell("gantry:use runtime process");
        assertTrue(used, used.contains("process"));
        assertSaved("process");
        assertUnchanged(containers, "after the node's default runtime became process");
        shell("gantry:use runtime docker");
        assertSaved("docker");

        Bundle docker = bundle("io.gantry.runtime.docker");
        docker.stop();
        await().atMost(SETTLE).until(() -> phases().values().stream().allMatch("Unknown"::equals));
        assertEquals("the containers run on while their runtime is away", containers.values().stream().sorted().toList(),
                dockerContainerIds(containers.values()));
        docker.start();
        assertUnchanged(containers, "after the docker runtime came back");
    }

    /**
     * The command has returned only once Karaf's file install wrote the change back to
     * etc/io.gantry.kubelet.cfg, the node name kept: a second change made while the file was
     * being written could meet file install reading it half-written, and the emptied file then
     * became the configuration (the kubelet came back as a node named after the host).
     */
    private static void assertSaved(String runtime) throws IOException {
        String text = Files.readString(Path.of(System.getProperty("karaf.etc"), "io.gantry.kubelet.cfg"));
        assertTrue(text, Pattern.compile("(?m)^defaultRuntime\\s*=\\s*\"?" + runtime + "\"?\\s*$").matcher(text).find());
        assertTrue(text, text.contains(NODE));
    }

    /** The pods go, and with them their containers: nothing is left in the engine for the next test. */
    @After
    public void deletePods() {
        api("DELETE", "/api/v1/namespaces/default/pods?labelSelector=app%3Dswap", null);
        await().atMost(SETTLE).until(() -> pods().isEmpty());
    }

    private void assertUnchanged(Map<String, String> before, String when) {
        // the statuses settle again (a restarted kubelet relists), with the very same containers
        Map<String, String> after = await().atMost(SETTLE).until(this::runningContainers, m -> m.size() == PODS);
        assertEquals(when, before, after);
        assertTrue(when, restarts() == 0);
    }

    /** Pod name → container ID, for the pods Running and ready; empty entries left out. */
    private Map<String, String> runningContainers() {
        Map<String, String> running = new TreeMap<>();
        for (Pod pod : pods()) {
            if (pod.status != null && "Running".equals(pod.status.phase) && pod.status.containerStatuses != null
                    && pod.status.containerStatuses.size() == 1 && pod.status.containerStatuses.get(0).ready) {
                running.put(pod.metadata.name, pod.status.containerStatuses.get(0).containerID);
            }
        }
        return running;
    }

    private long restarts() {
        return pods().stream().flatMap(p -> p.status.containerStatuses.stream())
                .mapToLong((ContainerStatus c) -> c.restartCount).sum();
    }

    private Map<String, String> phases() {
        return pods().stream().collect(Collectors.toMap(p -> p.metadata.name,
                p -> p.status == null || p.status.phase == null ? "" : p.status.phase));
    }

    private java.util.List<Pod> pods() {
        HttpResponse<String> list = api("GET", "/api/v1/namespaces/default/pods?labelSelector=app%3Dswap", null);
        assertEquals(list.body(), 200, list.statusCode());
        try {
            return Json.mapper().readValue(list.body(), new com.fasterxml.jackson.core.type.TypeReference<
                    io.gantry.api.meta.v1.KubeList<Pod>>() { }).items;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The running containers among these (docker://ID), as the Docker CLI sees them. */
    private static java.util.List<String> dockerContainerIds(java.util.Collection<String> ids) throws IOException,
            InterruptedException {
        Process ps = new ProcessBuilder("docker", "ps", "-q", "--no-trunc").redirectErrorStream(true).start();
        String out = new String(ps.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(out, 0, ps.waitFor());
        return ids.stream().filter(id -> out.contains(id.substring(id.indexOf("://") + 3))).sorted().toList();
    }

    private Bundle bundle(String symbolicName) {
        for (Bundle bundle : bundleContext.getBundles()) {
            if (symbolicName.equals(bundle.getSymbolicName())) {
                return bundle;
            }
        }
        throw new AssertionError("no bundle " + symbolicName);
    }
}
