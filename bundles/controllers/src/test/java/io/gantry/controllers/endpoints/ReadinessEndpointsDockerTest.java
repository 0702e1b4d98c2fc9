package io.gantry.controllers.endpoints;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.Folders;
import io.gantry.api.Configs;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Probe;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.discovery.v1.EndpointSlice;
import io.gantry.api.client.ListOptions;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.PullPolicy;
import io.gantry.kubelet.KubeletForTests;
import io.gantry.runtime.docker.DockerRuntime;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A real kubelet on the real Docker engine beside the endpoints controllers: a readiness probe
 * that starts failing moves the pod's IP from {@code addresses} to {@code notReadyAddresses} (and
 * its slice endpoint to ready false), and back when it passes again. Needs the images of
 * {@code examples/images/build.sh}.
 */
class ReadinessEndpointsDockerTest {

    private static final Duration LONG = Duration.ofSeconds(60);

    private final String node = "ep-" + UUID.randomUUID().toString().substring(0, 8);
    private final InProcessCluster cluster = new InProcessCluster(2, EndpointsController::new, EndpointSliceController::new);
    /** The Docker runtime's defaults, but no pulls: there is no registry here, the images are local. */
    private final DockerRuntime runtime = new DockerRuntime(Configs.of(DockerRuntime.Config.class, Map.of("pullImages", false)));
    private final Path root;
    private final KubeletForTests kubelet;

    ReadinessEndpointsDockerTest() throws Exception {
        runtime.ensureImage("gantry/httpd:1.0", PullPolicy.NEVER);
        runtime.ensureImage("gantry/pause:1.0", PullPolicy.NEVER);
        root = Files.createTempDirectory("endpoints-docker-test");
        String podCidr = "127." + ThreadLocalRandom.current().nextInt(160, 250) + "." + ThreadLocalRandom.current().nextInt(1, 250) + ".0/24";
        kubelet = new KubeletForTests(cluster.api, cluster.informers, runtime, "docker", Map.of("nodeName", node,
                "podCIDR", podCidr, "port", 0, "rootDir", root.toString(), "cpu", "4", "memory", "8Gi"));
    }

    @AfterEach
    void stop() throws Exception {
        try {
            kubelet.close();
            cluster.close();
        } finally {
            runtime.listContainers(node).forEach(c -> runtime.removeContainer(c.id()));
            runtime.listPodSandboxes(node).forEach(s -> {
                runtime.stopPodSandbox(s.id());
                runtime.removePodSandbox(s.id());
            });
            Folders.delete(root);
        }
    }

    @Test
    void aReadinessProbeMovesThePodBetweenAddressesAndNotReadyAddresses() {
        Service service = new Service();
        service.metadata.name = "web";
        service.metadata.namespace = "default";
        service.spec.selector = Map.of("app", "web");
        service.spec.ports = List.of(new ServicePort("http", 80, IntOrString.of("http")));
        cluster.api.create(ResourceKind.SERVICES, service);

        Pod pod = InProcessCluster.pod("web", Map.of("app", "web"));
        pod.spec.nodeName = node;
        Container web = pod.spec.containers.get(0);
        web.image = "gantry/httpd:1.0";
        web.imagePullPolicy = "IfNotPresent";
        web.command = List.of("sh", "-c");
        web.args = List.of("mkdir -p /www && echo ok > /www/index.html && touch /tmp/ready && exec httpd -f -p 8080 -h /www");
        ContainerPort port = new ContainerPort(8080);
        port.name = "http";
        web.ports = List.of(port);
        Probe readiness = new Probe();
        readiness.exec = new Probe.ExecAction(List.of("cat", "/tmp/ready"));
        readiness.periodSeconds = 1;
        readiness.failureThreshold = 1;
        web.readinessProbe = readiness;
        cluster.api.create(ResourceKind.PODS, pod);

        await().atMost(LONG).until(() -> EndpointsControllerTest.ips(endpoints()).matches("127\\.[0-9.]+\\|"));
        String ip = cluster.api.get(ResourceKind.PODS, "default", "web").status.podIP;
        assertEquals(ip + "|", EndpointsControllerTest.ips(endpoints()));
        assertEquals(8080, endpoints().orElseThrow().subsets.get(0).ports.get(0).port);
        await().atMost(LONG).until(() -> sliceReady(ip).orElse(false));

        exec("rm", "/tmp/ready");
        await().atMost(LONG).until(() -> EndpointsControllerTest.ips(endpoints()).equals("|" + ip));
        await().atMost(LONG).until(() -> !sliceReady(ip).orElse(true));

        exec("touch", "/tmp/ready");
        await().atMost(LONG).until(() -> EndpointsControllerTest.ips(endpoints()).equals(ip + "|"));
        await().atMost(LONG).until(() -> sliceReady(ip).orElse(false));
    }

    private Optional<Endpoints> endpoints() {
        return cluster.api.find(ResourceKind.ENDPOINTS, "default", "web");
    }

    private Optional<Boolean> sliceReady(String ip) {
        return cluster.api.list(ResourceKind.ENDPOINT_SLICES, "default", ListOptions.ALL).items.stream()
                .filter(s -> s.endpoints != null && "web".equals(s.metadata.labels.get(EndpointSlice.SERVICE_NAME_LABEL)))
                .flatMap(s -> s.endpoints.stream()).filter(e -> e.addresses.contains(ip))
                .map(e -> Boolean.TRUE.equals(e.conditions.ready)).findFirst();
    }

    private void exec(String... command) {
        ContainerStatus container = runtime.listContainers(node).stream()
                .filter(c -> "main".equals(c.name()) && c.state() == ContainerStatus.State.RUNNING).findFirst().orElseThrow();
        runtime.exec(container.id(), List.of(command), Duration.ofSeconds(10));
    }
}
