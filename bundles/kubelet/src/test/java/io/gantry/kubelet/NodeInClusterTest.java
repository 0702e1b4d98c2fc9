package io.gantry.kubelet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import io.gantry.runtime.sim.SimRuntime;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet as a node of a cluster, on the real API server and the simulated runtime: without a
 * configured pod range it waits for the one the control plane gives its Node, and a node that
 * returns after its pods were replaced elsewhere runs none of them twice.
 */
class NodeInClusterTest {

    private static final Duration DEADLINE = Duration.ofSeconds(30);

    @TempDir
    Path root;

    private final Registry registry = new Registry("memory");
    private final SimRuntime runtime = new SimRuntime(Configs.of(SimRuntime.Config.class, Map.of("startDelayMillis", 10L)));
    private Kubelet kubelet;

    NodeInClusterTest() {
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
    }

    @AfterEach
    void stop() {
        if (kubelet != null) {
            kubelet.deactivate();
        }
        runtime.deactivate();
        registry.watches().close();
    }

    @Test
    void withoutAConfiguredRangeTheNodeWaitsForTheOneTheControlPlaneGives() {
        kubelet = start("node-a", "");
        await().atMost(DEADLINE).until(() -> registry.find(ResourceKind.NODES, null, "node-a").isPresent()
                && ready("node-a") != null);
        Node registered = registry.get(ResourceKind.NODES, null, "node-a");
        assertNull(registered.spec.podCIDR, "the kubelet claims no range");
        assertEquals("False", ready("node-a").status);
        assertEquals("network not ready: node node-a has no pod range (spec.podCIDR) yet", ready("node-a").message);
        registry.create(ResourceKind.PODS, pod("web", "node-a"));

        registered.spec.podCIDR = "127.64.16.0/20"; // as node IPAM does
        registered.spec.podCIDRs = List.of("127.64.16.0/20");
        registry.update(ResourceKind.NODES, registered);

        await().atMost(DEADLINE).until(() -> "True".equals(ready("node-a").status));
        await().atMost(DEADLINE).until(() -> "Running".equals(phase("web")));
        assertEquals("127.64.16.2", registry.get(ResourceKind.PODS, "default", "web").status.podIP,
                "the first pod IP of the given range");
    }

    @Test
    void aNodeThatReturnsRemovesThePodsThatWereReplacedElsewhere() {
        kubelet = start("node-a", "127.64.0.0/20");
        Pod first = registry.create(ResourceKind.PODS, pod("web", "node-a"));
        await().atMost(DEADLINE).until(() -> "Running".equals(phase("web")));
        kubelet.deactivate(); // the node is lost; what it ran keeps running
        kubelet = null;
        assertEquals(1, runtime.listPodSandboxes("node-a").size());

        // the control plane replaces the pod elsewhere, under the same name
        registry.delete(ResourceKind.PODS, "default", "web", DeleteOptions.immediately());
        Pod replacement = registry.create(ResourceKind.PODS, pod("web", "node-b"));
        kubelet = start("node-a", "127.64.0.0/20");

        await().atMost(DEADLINE).until(() -> runtime.listPodSandboxes("node-a").isEmpty()
                && runtime.listContainers("node-a").isEmpty());
        assertEquals("True", ready("node-a").status, "the returning node posts Ready at once");
        assertTrue(runtime.listPodSandboxes("node-b").isEmpty(), "node-b has no kubelet here: nothing of it runs");
        Pod now = registry.get(ResourceKind.PODS, "default", "web");
        assertEquals(replacement.metadata.uid, now.metadata.uid);
        assertEquals("node-b", now.spec.nodeName);
        assertTrue(!first.metadata.uid.equals(now.metadata.uid));
    }

    private Kubelet start(String node, String podCidr) {
        TestConfig config = new TestConfig(node, podCidr, root);
        config.defaultRuntime = SimRuntime.NAME;
        Kubelet started = new Kubelet(registry, null, config, new ConfigSource() {
            @Override
            public Map<String, byte[]> secret(String namespace, String name) {
                return null;
            }

            @Override
            public Map<String, byte[]> configMap(String namespace, String name) {
                return null;
            }
        });
        started.addRuntime(runtime, Map.of(Plugins.NAME, SimRuntime.NAME));
        return started;
    }

    private static Pod pod(String name, String node) {
        Container container = new Container();
        container.name = "app";
        container.image = "example/app:1.0";
        Pod pod = DockerNode.pod(name, container);
        pod.spec.nodeName = node;
        return pod;
    }

    private String phase(String pod) {
        Pod found = registry.get(ResourceKind.PODS, "default", pod);
        return found.status == null ? null : found.status.phase;
    }

    private NodeCondition ready(String node) {
        Node found = registry.get(ResourceKind.NODES, null, node);
        if (found.status == null || found.status.conditions == null) {
            return null;
        }
        return found.status.conditions.stream().filter(c -> "Ready".equals(c.type)).findFirst().orElse(null);
    }
}
