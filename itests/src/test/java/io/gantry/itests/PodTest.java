package io.gantry.itests;

import static org.awaitility.Awaitility.await;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.junit.Assert.fail;

import io.gantry.api.Plugins;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Service;
import io.gantry.api.json.Json;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ExecResult;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.Before;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerClass;
import org.osgi.framework.ServiceReference;

/**
 * A pod created through the HTTP API runs in the real Docker engine, answers HTTP on its pod IP,
 * shows in the shell, and leaves nothing behind once deleted. Needs a Docker engine and the
 * images of examples/images/build.sh: without them these tests fail, they are not skipped.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerClass.class)
public class PodTest extends GantryTestSupport {

    private static final Duration POD_START = Duration.ofSeconds(60);

    private static final String POD = """
            {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "%s", "labels": {"app": "itest"}},
             "spec": {"containers": [{"name": "httpd", "image": "gantry/httpd:1.0",
                                      "imagePullPolicy": "IfNotPresent",
                                      "ports": [{"name": "http", "containerPort": 80}]}]}}
            """;

    private ContainerRuntime docker;

    @Before
    public void dockerEngineAndNodeAreReady() throws Exception {
        await().atMost(STARTUP).until(() -> dockerRuntime() != null);
        docker = dockerRuntime();
        try {
            docker.version();
        } catch (RuntimeException e) {
            fail("No Docker engine answers (" + e.getMessage() + "): these tests need one; "
                    + "./gantry engine installs and starts it");
        }
        await().atMost(STARTUP).until(this::nodeReady);
    }

    @Test
    public void podRunsAnswersHttpShowsInTheShellAndIsCleanedUpOnDelete() throws Exception {
        HttpResponse<String> created = api("POST", "/api/v1/namespaces/default/pods", POD.formatted("itest-web"));
        assertEquals(created.body(), 201, created.statusCode());
        String uid = Json.read(created.body(), Pod.class).metadata.uid;

        Pod running = await().atMost(POD_START).until(() -> pod("itest-web"),
                pod -> pod != null && "Running".equals(pod.status.phase) && pod.status.podIP != null);
        assertEquals(NODE, running.spec.nodeName);
        String podIP = running.status.podIP;
        assertTrue(podIP, podIP.startsWith("127.2."));
        assertEquals("httpd", running.status.containerStatuses.get(0).name);
        assertNotNull(running.status.containerStatuses.get(0).state.running);

        // The container's port 80 is published on the pod's loopback address.
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions()
                .until(() -> get("http://" + podIP + ":80/").statusCode() == 200);
        assertTrue(get("http://" + podIP + ":80/").body().contains("hello from Gantry, pod itest-web"));

        String table = shell("gantry:get pods");
        assertTrue(table, table.startsWith("NAME "));
        assertTrue(table, table.lines().anyMatch(line -> line.startsWith("itest-web ") && line.contains("Running")
                && line.contains("1/1")));
        String wide = shell("gantry:get pods -o wide");
        assertTrue(wide, wide.contains(podIP));

        assertEquals(1, containersOf(uid));
        assertEquals(1, sandboxesOf(uid));

        HttpResponse<String> deleted = api("DELETE", "/api/v1/namespaces/default/pods/itest-web", null);
        assertEquals(deleted.body(), 200, deleted.statusCode());
        await().atMost(POD_START).until(() -> api("GET", "/api/v1/namespaces/default/pods/itest-web", null)
                .statusCode() == 404);
        await().atMost(POD_START).until(() -> containersOf(uid) == 0 && sandboxesOf(uid) == 0);
    }

    private static final String SERVER = """
            {"apiVersion": "v1", "kind": "Pod",
             "metadata": {"name": "itest-server", "labels": {"app": "itest-server"}},
             "spec": {"containers": [{"name": "httpd", "image": "gantry/httpd:1.0",
                                      "imagePullPolicy": "IfNotPresent",
                                      "ports": [{"name": "http", "containerPort": 80}]}]}}
            """;

    private static final String SERVICE = """
            {"apiVersion": "v1", "kind": "Service", "metadata": {"name": "itest-server"},
             "spec": {"selector": {"app": "itest-server"}, "ports": [{"port": 80, "targetPort": "http"}]}}
            """;

    /** HTTP/1.0 by netcat: httpd answers and closes. */
    private static final String GET = "printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 5 ";

    /**
     * An init container gives the client a sandbox container that holds its network, as a pod of
     * several containers has; its one container asks the service by the variables the kubelet set,
     * then the server by its pod IP, as its first instructions.
     */
    private static final String CLIENT = """
            {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "itest-client"},
             "spec": {"restartPolicy": "Never",
                      "initContainers": [{"name": "first", "image": "gantry/httpd:1.0",
                                          "imagePullPolicy": "IfNotPresent", "command": ["true"]}],
                      "containers": [{"name": "client", "image": "gantry/httpd:1.0",
                                      "imagePullPolicy": "IfNotPresent",
                                      "command": ["sh", "-c", "set -e; %s$ITEST_SERVER_SERVICE_HOST $ITEST_SERVER_SERVICE_PORT; %s%s 80"]}]}}
            """;

    @Test
    public void podsReachAServiceByItsClusterIPAndAnotherPodByItsPodIP() throws Exception {
        assertEquals(201, api("POST", "/api/v1/namespaces/default/pods", SERVER).statusCode());
        HttpResponse<String> service = api("POST", "/api/v1/namespaces/default/services", SERVICE);
        assertEquals(service.body(), 201, service.statusCode());
        String clusterIP = Json.read(service.body(), Service.class).spec.clusterIP;
        Pod server = await().atMost(POD_START).until(() -> pod("itest-server"),
                pod -> pod != null && "Running".equals(pod.status.phase) && pod.status.podIP != null);
        // the proxy serves the cluster IP once the endpoints have the pod
        await().atMost(POD_START).ignoreExceptions().until(() -> get("http://" + clusterIP + ":80/").body()
                .contains("hello from Gantry, pod itest-server"));
        try {
            // a one-container pod holds its network itself: reachable as soon as it runs
            String container = docker.listContainers(NODE).stream()
                    .filter(c -> server.metadata.uid.equals(c.podUid())).findFirst().orElseThrow().id();
            ExecResult fromServer = docker.exec(container, List.of("sh", "-c", GET + clusterIP + " 80"), Duration.ofSeconds(20));
            assertEquals(fromServer.output(), 0, fromServer.exitCode());
            assertTrue(fromServer.output(), fromServer.output().contains("hello from Gantry, pod itest-server"));

            assertEquals(201, api("POST", "/api/v1/namespaces/default/pods",
                    CLIENT.formatted(GET, GET, server.status.podIP)).statusCode());
            Pod client = await().atMost(POD_START).until(() -> pod("itest-client"),
                    pod -> pod != null && ("Succeeded".equals(pod.status.phase) || "Failed".equals(pod.status.phase)));
            String log = api("GET", "/api/v1/namespaces/default/pods/itest-client/log", null).body();
            assertEquals(log, "Succeeded", client.status.phase);
            assertEquals(log, 2, log.split("hello from Gantry, pod itest-server", -1).length - 1);
        } finally {
            api("DELETE", "/api/v1/namespaces/default/pods/itest-client", null);
            api("DELETE", "/api/v1/namespaces/default/services/itest-server", null);
            api("DELETE", "/api/v1/namespaces/default/pods/itest-server", null);
        }
    }

    private long containersOf(String podUid) {
        return docker.listContainers(NODE).stream().filter(c -> podUid.equals(c.podUid())).count();
    }

    private long sandboxesOf(String podUid) {
        return docker.listPodSandboxes(NODE).stream().filter(s -> podUid.equals(s.podUid())).count();
    }

    @Test
    public void badPodIsRejectedWithAStatusNamingTheFieldAndNothingIsStored() throws Exception {
        HttpResponse<String> response = api("POST", "/api/v1/namespaces/default/pods",
                POD.formatted("itest-bad").replace("\"containerPort\": 80", "\"containerPort\": 70000"));
        assertEquals(response.body(), 422, response.statusCode());
        assertTrue(response.body(), response.body().contains("\"kind\":\"Status\""));
        assertTrue(response.body(), response.body().contains("spec.containers[0].ports[0].containerPort"));
        assertEquals(404, api("GET", "/api/v1/namespaces/default/pods/itest-bad", null).statusCode());
        assertFalse(shell("gantry:get pods -A").contains("itest-bad"));
    }

    private Pod pod(String name) {
        HttpResponse<String> response = api("GET", "/api/v1/namespaces/default/pods/" + name, null);
        return response.statusCode() == 200 ? Json.read(response.body(), Pod.class) : null;
    }

    private boolean nodeReady() {
        HttpResponse<String> response = api("GET", "/api/v1/nodes/" + NODE, null);
        if (response.statusCode() != 200) {
            return false;
        }
        Node node = Json.read(response.body(), Node.class);
        return node.status != null && node.status.conditions != null && node.status.conditions.stream()
                .anyMatch(c -> "Ready".equals(c.type) && "True".equals(c.status));
    }

    private ContainerRuntime dockerRuntime() throws Exception {
        var references = bundleContext.getServiceReferences(ContainerRuntime.class, "(" + Plugins.NAME + "=docker)");
        if (references.isEmpty()) {
            return null;
        }
        ServiceReference<ContainerRuntime> reference = references.iterator().next();
        return bundleContext.getService(reference);
    }
}
