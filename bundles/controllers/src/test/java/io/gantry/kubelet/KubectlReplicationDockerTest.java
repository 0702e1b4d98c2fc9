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
import io.gantry.api.core.v1.Pod;
import io.gantry.controllers.gc.GarbageCollector;
import io.gantry.controllers.replication.ReplicaSetController;
import io.gantry.kubelet.KubectlCluster.Result;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A ReplicationController through kubectl 1.33 with real containers: the real API server over
 * HTTP, a kubelet on Docker, and the controller manager's replication controller and garbage
 * collector. A deleted pod is replaced, {@code kubectl scale} adds one, and {@code kubectl delete
 * --cascade=foreground} keeps the controller visible until its containers have stopped.
 */
class KubectlReplicationDockerTest {

    @RegisterExtension
    static final KubectlControllers CLUSTER = new KubectlControllers(ReplicaSetController::replicaSets,
            ReplicaSetController::replicationControllers, GarbageCollector::new);

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

    @Test
    void anOrphanedPodKeepsRunningIsAdoptedAgainAndGoesWithABackgroundDelete() throws Exception {
        String manifest = """
                apiVersion: v1
                kind: ReplicationController
                metadata:
                  name: keep
                spec:
                  replicas: 1
                  selector:
                    app: keep
                  template:
                    metadata:
                      labels:
                        app: keep
                    spec:
                      nodeName: %s
                      terminationGracePeriodSeconds: 5
                      containers:
                      - name: main
                        image: gantry/httpd:1.0
                        command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
                """;
        create(manifest);
        await().atMost(LONG).until(() -> running("keep").size() == 1);
        Pod pod = running("keep").get(0);

        Result orphaned = kubectl("delete", "rc", "keep", "--cascade=orphan");
        assertEquals(0, orphaned.code(), orphaned.err());
        assertTrue(registry.find(ResourceKind.REPLICATION_CONTROLLERS, "default", "keep").isEmpty(),
                "kubectl waited for the controller to go");
        Pod left = registry.get(ResourceKind.PODS, "default", pod.metadata.name);
        assertEquals(null, left.metadata.ownerReferences);
        assertEquals("Running", left.status.phase);

        create(manifest);
        await().atMost(LONG).until(() -> registry.get(ResourceKind.PODS, "default", pod.metadata.name)
                .metadata.ownerReferences != null);
        String uid = registry.get(ResourceKind.REPLICATION_CONTROLLERS, "default", "keep").metadata.uid;
        assertEquals(uid, registry.get(ResourceKind.PODS, "default", pod.metadata.name).metadata.ownerReferences.get(0).uid);
        // the new controller may have made a pod before its informer saw the orphan released; then
        // it has one too many, and the newer goes first
        await().atMost(LONG).until(() -> running("keep").stream().map(p -> p.metadata.name).toList()
                .equals(List.of(pod.metadata.name)) && pods("keep").size() == 1);

        Result background = kubectl("delete", "rc", "keep");
        assertEquals(0, background.code(), background.err());
        await().atMost(LONG).until(() -> pods("keep").isEmpty());
    }

    private static void awaitRunning(int count) {
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> running().size() == count
                && pods().stream().filter(p -> p.metadata.deletionTimestamp == null).count() == count);
    }

    private static List<Pod> pods() {
        return pods("web");
    }

    private static List<Pod> running() {
        return running("web");
    }

    private static List<Pod> pods(String app) {
        return registry.list(ResourceKind.PODS, "default", ListOptions.labels("app=" + app)).items;
    }

    private static List<Pod> running(String app) {
        return pods(app).stream().filter(p -> p.metadata.deletionTimestamp == null && p.status != null
                && "Running".equals(p.status.phase)).toList();
    }
}
