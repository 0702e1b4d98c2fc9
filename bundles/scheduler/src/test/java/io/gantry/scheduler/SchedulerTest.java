package io.gantry.scheduler;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.Plugins;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.NodeStatus;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The scheduler on the in-process API server, fed by the JVM's shared informers: it binds pods,
 * and a pod that fits nowhere is bound as soon as a node becomes ready (the node informer's
 * handler, not a retry timer: the test's retry is an hour).
 */
class SchedulerTest {

    private final Registry registry = new Registry("memory");
    private final Informers informers;
    private final Scheduler scheduler;

    SchedulerTest() {
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
        informers = new Informers(registry);
        scheduler = new Scheduler(registry, informers, config());
        scheduler.addPolicy((pod, node) -> 50, Map.of(Plugins.NAME, "spread"));
    }

    @AfterEach
    void stop() {
        scheduler.deactivate();
        informers.close();
        registry.watches().close();
    }

    @Test
    void bindsAPodToAReadyNode() {
        node("node-1", true);

        registry.create(ResourceKind.PODS, pod("web"));

        await().atMost(Duration.ofSeconds(20)).until(() -> "node-1".equals(nodeOf("web")));
    }

    @Test
    void aPodThatFitsNowhereIsBoundWhenANodeBecomesReady() {
        Node node = node("node-1", false);
        registry.create(ResourceKind.PODS, pod("web"));
        await().atMost(Duration.ofSeconds(20)).until(() -> registry.get(ResourceKind.PODS, "default", "web").status
                .conditions.stream().anyMatch(c -> "PodScheduled".equals(c.type) && "False".equals(c.status)));
        PodCondition scheduled = registry.get(ResourceKind.PODS, "default", "web").status.conditions.stream()
                .filter(c -> "PodScheduled".equals(c.type)).findFirst().orElseThrow();
        assertEquals("0/1 nodes are available: 1 node(s) were not ready.", scheduled.message);

        Node current = registry.get(ResourceKind.NODES, null, node.metadata.name);
        current.status.conditions = List.of(ready(true));
        registry.updateStatus(ResourceKind.NODES, current);

        await().atMost(Duration.ofSeconds(20)).until(() -> "node-1".equals(nodeOf("web")));
    }

    private String nodeOf(String pod) {
        return registry.get(ResourceKind.PODS, "default", pod).spec.nodeName;
    }

    private Node node(String name, boolean ready) {
        Node node = new Node();
        node.metadata.name = name;
        Node created = registry.create(ResourceKind.NODES, node);
        created.status = new NodeStatus();
        created.status.capacity = Map.of("cpu", "4", "memory", "8Gi", "pods", "110");
        created.status.allocatable = Map.of("cpu", "4", "memory", "8Gi", "pods", "110");
        created.status.conditions = List.of(ready(ready));
        return registry.updateStatus(ResourceKind.NODES, created);
    }

    private static NodeCondition ready(boolean ready) {
        NodeCondition condition = new NodeCondition();
        condition.type = "Ready";
        condition.status = ready ? "True" : "False";
        return condition;
    }

    private static Pod pod(String name) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.namespace = "default";
        Container container = new Container();
        container.name = "main";
        container.image = "busybox";
        pod.spec.containers = List.of(container);
        return pod;
    }

    private static Scheduler.Config config() {
        return new Scheduler.Config() {
            @Override
            public String defaultPolicy() {
                return "spread";
            }

            @Override
            public int retrySeconds() {
                return 3600;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return Scheduler.Config.class;
            }
        };
    }

}
