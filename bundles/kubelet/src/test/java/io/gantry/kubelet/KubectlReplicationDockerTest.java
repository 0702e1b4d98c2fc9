package io.gantry.kubelet;

import static io.gantry.kubelet.KubectlCluster.LONG;
import static io.gantry.kubelet.KubectlCluster.create;
import static io.gantry.kubelet.KubectlCluster.kubectl;
import static io.gantry.kubelet.KubectlCluster.registry;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.SoleLeader;
import io.gantry.api.core.v1.Pod;
import io.gantry.controllers.ControllerManager;
import io.gantry.controllers.gc.GarbageCollector;
import io.gantry.controllers.replication.ReplicaSetController;
import io.gantry.kubelet.KubectlCluster.Result;
import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A ReplicationController through kubectl 1.33 with real containers: the real API server over
 * HTTP, a kubelet on Docker, and the controller manager's replication controller and garbage
 * collector. A deleted pod is replaced, {@code kubectl scale} adds one, and {@code kubectl delete
 * --cascade=foreground} keeps the controller visible until its containers have stopped.
 */
class KubectlReplicationDockerTest {

    private static ControllerManager controllers;

    @BeforeAll
    static void start() throws Exception {
        KubectlCluster.start();
        controllers = new ControllerManager(registry, KubectlCluster.informers, new SoleLeader(), config(),
                List.of(ReplicaSetController::replicaSets, ReplicaSetController::replicationControllers,
                        GarbageCollector::new));
    }

    @AfterAll
    static void stop() throws Exception {
        if (controllers != null) {
            controllers.close();
        }
        KubectlCluster.stop();
    }

    @Test
    void aReplicationControllerHealsScalesAndGoesInTheForeground() throws Exception {
        // no scheduler here: the template names the node; a stop takes 3 s, so a foreground
        // deletion is seen waiting for it
        create("""
                apiVersion: v1
                kind: ReplicationController
                metadata:
                  name: web
                spec:
                  replicas: 2
                  selector:
                    app: web
                  template:
                    metadata:
                      labels:
                        app: web
                    spec:
                      nodeName: %s
                      terminationGracePeriodSeconds: 10
                      containers:
                      - name: main
                        image: gantry/httpd:1.0
                        command: ["sh", "-c", "trap 'sleep 3; exit 0' TERM; sleep 3600 & wait"]
                """);
        awaitRunning(2);
        Result described = kubectl("describe", "rc", "web");
        assertTrue(described.out().contains("Pods Status:  2 Running / 0 Waiting / 0 Succeeded / 0 Failed"),
                described.out() + described.err());
        await().atMost(LONG).until(() -> kubectl("describe", "rc", "web").out().contains("SuccessfulCreate"));
        assertTrue(kubectl("describe", "rc", "web").out().matches("(?s).*replication-controller\\s+Created pod: web-.*"));

        String lost = running().get(0).metadata.name;
        Result deleted = kubectl("delete", "pod", lost);
        assertEquals(0, deleted.code(), deleted.err());
        awaitRunning(2);
        assertTrue(running().stream().noneMatch(p -> p.metadata.name.equals(lost)), "a new pod, not the deleted one");

        Result scaled = kubectl("scale", "rc", "web", "--replicas=3");
        assertEquals("replicationcontroller/web scaled", scaled.out().trim(), scaled.err());
        awaitRunning(3);
        await().atMost(LONG).until(() -> kubectl("get", "rc", "web", "--no-headers").out()
                .matches("web\\s+3\\s+3\\s+3\\s+\\S+\\s*"));

        Result foreground = kubectl("delete", "rc", "web", "--cascade=foreground", "--wait=false");
        assertEquals("replicationcontroller \"web\" deleted", foreground.out().trim(), foreground.err());
        Result waiting = kubectl("get", "rc", "web", "-o", "jsonpath={.metadata.finalizers}");
        assertEquals("[\"foregroundDeletion\"]", waiting.out(), waiting.err());
        assertFalse(kubectl("get", "rc", "web", "-o", "jsonpath={.metadata.deletionTimestamp}").out().isEmpty());

        Result gone = kubectl("wait", "--for=delete", "rc/web", "--timeout=60s");
        assertEquals(0, gone.code(), gone.out() + gone.err());
        assertTrue(pods().isEmpty(), "the controller went after its pods");
    }

    private static void awaitRunning(int count) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> running().size() == count
                && pods().stream().filter(p -> p.metadata.deletionTimestamp == null).count() == count);
    }

    private static List<Pod> pods() {
        return registry.list(ResourceKind.PODS, "default", ListOptions.labels("app=web")).items;
    }

    private static List<Pod> running() {
        return pods().stream().filter(p -> p.metadata.deletionTimestamp == null && p.status != null
                && "Running".equals(p.status.phase)).toList();
    }

    private static ControllerManager.Config config() {
        return new ControllerManager.Config() {
            @Override
            public Class<? extends Annotation> annotationType() {
                return ControllerManager.Config.class;
            }

            @Override
            public int workers() {
                return 2;
            }

            @Override
            public int defaultTolerationSeconds() {
                return 2;
            }
        };
    }
}
