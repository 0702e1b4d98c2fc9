package io.gantry.kubelet;

import static io.gantry.kubelet.KubectlCluster.LONG;
import static io.gantry.kubelet.KubectlCluster.create;
import static io.gantry.kubelet.KubectlCluster.kubectl;
import static io.gantry.kubelet.KubectlCluster.registry;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Pod;
import io.gantry.controllers.deployment.DeploymentController;
import io.gantry.controllers.gc.GarbageCollector;
import io.gantry.controllers.replication.ReplicaSetController;
import io.gantry.kubelet.KubectlCluster.Result;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Deployments through kubectl 1.33 with real containers: the real API server over HTTP, a kubelet
 * on Docker, and the controller manager's deployment, ReplicaSet and garbage collector
 * controllers. {@code kubectl scale} up and down, {@code rollout restart}, {@code rollout undo},
 * and a rollout whose image cannot run rolled back on its own once past its progress deadline.
 */
class KubectlDeploymentDockerTest {

    private static final String TEMPLATE = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: %1$s
              annotations:
                gantry.io/auto-rollback: "%2$s"
            spec:
              replicas: %3$d
              progressDeadlineSeconds: %4$d
              selector:
                matchLabels:
                  app: %1$s
              template:
                metadata:
                  labels:
                    app: %1$s
                spec:
                  nodeName: %%s
                  terminationGracePeriodSeconds: 1
                  containers:
                  - name: main
                    image: gantry/httpd:1.0
                    command: ["sh", "-c", "trap 'exit 0' TERM; sleep 3600 & wait"]
            """;

    @RegisterExtension
    static final KubectlControllers CLUSTER = new KubectlControllers(DeploymentController::new,
            ReplicaSetController::replicaSets, GarbageCollector::new);

    @Test
    void aDeploymentScalesRestartsAndRollsBackWithKubectl() throws Exception {
        create(TEMPLATE.formatted("web", "false", 2, 600));
        awaitRolledOut("web", 2);
        String first = hashOfRevision("web", 1);

        Result up = kubectl("scale", "deployment", "web", "--replicas=3");
        assertEquals("deployment.apps/web scaled", up.out().trim(), up.err());
        awaitRolledOut("web", 3);
        Result down = kubectl("scale", "deployment", "web", "--replicas=1");
        assertEquals(0, down.code(), down.err());
        awaitRolledOut("web", 1);

        Result restart = kubectl("rollout", "restart", "deployment/web");
        assertEquals("deployment.apps/web restarted", restart.out().trim(), restart.err());
        awaitRolledOut("web", 1);
        String second = hashOfRevision("web", 2);
        assertTrue(!second.equals(first), "the restart made a new ReplicaSet");
        assertEquals(Set.of(second), hashes(running("web")), "the pods are the restarted template's");

        Result undo = kubectl("rollout", "undo", "deployment/web");
        assertEquals("deployment.apps/web rolled back", undo.out().trim(), undo.err());
        awaitRolledOut("web", 1);
        assertEquals(Set.of(first), hashes(running("web")), "back to the first template's pods");
        assertEquals(first, hashOfRevision("web", 3), "the first ReplicaSet, as revision 3");
    }

    @Test
    void aRolloutPastItsDeadlineRollsBackOnItsOwnAndNoPodIsLost() throws Exception {
        create(TEMPLATE.formatted("auto", "true", 1, 5));
        awaitRolledOut("auto", 1);
        String kept = running("auto").get(0).metadata.name;

        // no registry here: the image cannot be pulled, the new pod never runs
        Result broken = kubectl("set", "image", "deployment/auto", "main=gantry/missing:1.0");
        assertEquals(0, broken.code(), broken.err());
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> {
            Deployment deployment = registry.get(ResourceKind.DEPLOYMENTS, "default", "auto");
            return "gantry/httpd:1.0".equals(deployment.spec.template.spec.containers.get(0).image);
        });
        awaitRolledOut("auto", 1);
        assertEquals(List.of(kept), running("auto").stream().map(p -> p.metadata.name).toList(),
                "the pod of the good revision ran throughout");
        await().atMost(LONG).until(() -> kubectl("get", "events", "--field-selector", "reason=AutoRollback",
                "-o", "jsonpath={.items[*].message}").out().contains("Rolled back deployment \"auto\" from revision 2 "
                + "to revision 1: ReplicaSet \"auto-"));
        Result described = kubectl("describe", "deployment", "auto");
        assertTrue(described.out().contains("AutoRollback"), described.out());
    }

    /** {@code kubectl rollout status} says the rollout is complete, with that many pods Running. */
    private static void awaitRolledOut(String name, int replicas) throws Exception {
        Result status = kubectl("rollout", "status", "deployment/" + name, "--timeout=60s");
        assertEquals(0, status.code(), status.out() + status.err());
        assertTrue(status.out().contains("successfully rolled out"), status.out());
        await().atMost(LONG).pollInterval(Duration.ofMillis(200)).until(() -> running(name).size() == replicas
                && pods(name).size() == replicas);
    }

    /** The pod-template-hash of the deployment's ReplicaSet of that revision. */
    private static String hashOfRevision(String name, int revision) {
        return registry.list(ResourceKind.REPLICA_SETS, "default", ListOptions.labels("app=" + name)).items.stream()
                .filter(rs -> rs.metadata.annotations != null
                        && String.valueOf(revision).equals(rs.metadata.annotations.get("deployment.kubernetes.io/revision")))
                .map(rs -> rs.metadata.labels.get("pod-template-hash"))
                .findFirst().orElseThrow(() -> new AssertionError("no ReplicaSet of revision " + revision));
    }

    private static Set<String> hashes(List<Pod> pods) {
        return pods.stream().map(p -> p.metadata.labels.get("pod-template-hash")).collect(Collectors.toSet());
    }

    /** The deployment's pods not being deleted. */
    private static List<Pod> pods(String app) {
        return registry.list(ResourceKind.PODS, "default", ListOptions.labels("app=" + app)).items.stream()
                .filter(p -> p.metadata.deletionTimestamp == null).toList();
    }

    private static List<Pod> running(String app) {
        return pods(app).stream().filter(p -> p.status != null && "Running".equals(p.status.phase)).toList();
    }
}
