package io.gantry.kubelet;


import io.gantry.api.Folders;
import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.ExecResult;
import io.gantry.api.runtime.ImageUnavailableException;
import io.gantry.api.runtime.PullPolicy;
import io.gantry.runtime.docker.DockerRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * A node for tests on the real Docker engine: a kubelet of its own name and pod range (inside
 * 127.0.0.0/8, chosen at random) with the Docker runtime, an in-memory API, and secrets and
 * config maps the test sets. Closing it removes every container the node made.
 */
final class DockerNode implements AutoCloseable {

    final String name = "kt-" + UUID.randomUUID().toString().substring(0, 8);
    final String podCidr = "127." + ThreadLocalRandom.current().nextInt(160, 250) + "."
            + ThreadLocalRandom.current().nextInt(1, 250) + ".0/24";
    final FakeApi api = new FakeApi();
    final DockerRuntime runtime = new DockerRuntime(dockerConfig());
    final Map<String, Map<String, byte[]>> secrets = new ConcurrentHashMap<>();
    final Map<String, Map<String, byte[]>> configMaps = new ConcurrentHashMap<>();
    final Path root;
    final TestConfig config;
    Kubelet kubelet;

    DockerNode() throws IOException {
        root = Files.createTempDirectory("kubelet-test");
        config = new TestConfig(name, podCidr, root);
        try {
            runtime.ensureImage("gantry/httpd:1.0", PullPolicy.NEVER);
            runtime.ensureImage("gantry/pause:1.0", PullPolicy.NEVER);
        } catch (ImageUnavailableException e) {
            throw new AssertionError("These tests need a Docker engine and the images of examples/images/build.sh: "
                    + e.getMessage(), e);
        }
        start();
    }

    /** Starts a kubelet for the node (again, after {@link #stopKubelet()}). */
    void start() {
        kubelet = new Kubelet(api, null, config, new ConfigSource() { // its own config source: no informers
            @Override
            public Map<String, byte[]> secret(String namespace, String name) {
                return secrets.get(namespace + "/" + name);
            }

            @Override
            public Map<String, byte[]> configMap(String namespace, String name) {
                return configMaps.get(namespace + "/" + name);
            }
        });
        kubelet.addRuntime(runtime, Map.of(Plugins.NAME, "docker"));
    }

    void stopKubelet() {
        kubelet.deactivate();
    }

    Pod create(Pod pod) {
        pod.metadata.namespace = pod.metadata.namespace == null ? "default" : pod.metadata.namespace;
        pod.spec.nodeName = name;
        return api.create(ResourceKind.PODS, pod);
    }

    Pod get(Pod pod) {
        return api.get(ResourceKind.PODS, pod.metadata.namespace, pod.metadata.name);
    }

    /** Waits until the pod's status passes the test, and returns the pod. */
    Pod await(Pod pod, Duration atMost, Predicate<Pod> test) {
        try {
            org.awaitility.Awaitility.await().atMost(atMost).pollInterval(Duration.ofMillis(100)).until(() -> {
                Pod current = get(pod);
                return current.status != null && test.test(current);
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("pod " + pod.metadata.name + " did not get there; its status: "
                    + io.gantry.api.json.Json.write(get(pod).status), e);
        }
        return get(pod);
    }

    /** The running container of that name in the pod. */
    ContainerStatus running(Pod pod, String container) {
        return runtime.listContainers(name).stream()
                .filter(c -> c.podUid().equals(pod.metadata.uid) && c.name().equals(container)
                        && c.state() == ContainerStatus.State.RUNNING)
                .findFirst().orElseThrow(() -> new AssertionError("container " + container + " is not running"));
    }

    String exec(Pod pod, String container, String... command) {
        ExecResult result = runtime.exec(running(pod, container).id(), List.of(command), Duration.ofSeconds(10));
        return result.output();
    }

    static Pod pod(String name, Container... containers) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.namespace = "default";
        pod.spec.containers.addAll(List.of(containers));
        return pod;
    }

    static Container container(String name, String... shell) {
        Container container = new Container();
        container.name = name;
        container.image = "gantry/httpd:1.0";
        container.imagePullPolicy = "IfNotPresent";
        if (shell.length > 0) {
            container.command = List.of("sh", "-c");
            container.args = List.of(String.join("\n", shell));
        }
        return container;
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        try {
            stopKubelet();
        } finally {
            runtime.listContainers(name).forEach(c -> runtime.removeContainer(c.id()));
            runtime.listPodSandboxes(name).forEach(s -> {
                runtime.stopPodSandbox(s.id());
                runtime.removePodSandbox(s.id());
            });
            api.close();
            Folders.delete(root);
        }
    }

    static DockerRuntime.Config dockerConfig() {
        return Configs.of(DockerRuntime.Config.class, Map.of(
                "pullTimeoutSeconds", 20,
                "pullImages", true)); // the default, named: there is no registry here, a pull fails, which the tests want to see
    }
}
