package io.gantry.controllers.deployment;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.DeploymentStatus;
import io.gantry.api.apps.v1.DeploymentStrategy;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.apps.v1.RollingUpdateDeployment;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.PodTemplateSpec;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.api.meta.v1.Times;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The pure decisions of the deployment controller, with Kubernetes' numbers. */
class RolloutMathTest {

    @Test
    void theHashIsFnv1aSafelyEncodedAsKubernetesDoesIt() {
        assertEquals(0x811c9dc5, PodTemplateHash.fnv32a(new byte[0]));
        assertEquals(0xe40c292c, PodTemplateHash.fnv32a("a".getBytes(StandardCharsets.UTF_8)));
        assertEquals("456789bcdf", PodTemplateHash.safeEncode("0123456789"));
    }

    @Test
    void theHashFollowsTheTemplateAndTheCollisionCountButNotItsOwnLabelNorKeyOrder() {
        PodTemplateSpec a = template("nginx:1", Map.of("app", "web", "tier", "front"));
        PodTemplateSpec sameOtherOrder = template("nginx:1", new LinkedHashMap<>(Map.of("tier", "front", "app", "web")));
        String hash = PodTemplateHash.of(a, null);
        assertEquals(hash, PodTemplateHash.of(sameOtherOrder, null));
        assertTrue(hash.matches("[bcdfghjklmnpqrstvwxz2456789]{6,10}"), hash);
        assertNotEquals(hash, PodTemplateHash.of(template("nginx:2", Map.of("app", "web", "tier", "front")), null));
        assertNotEquals(hash, PodTemplateHash.of(a, 1));
        assertNotEquals(PodTemplateHash.of(a, 1), PodTemplateHash.of(a, 2));

        PodTemplateSpec labelled = Json.copy(a);
        labelled.metadata.labels = PodTemplateHash.withHash(a.metadata.labels, hash);
        assertEquals(hash, PodTemplateHash.of(labelled, null));
        assertTrue(PodTemplateHash.equalIgnoringHash(a, labelled));
        assertFalse(PodTemplateHash.equalIgnoringHash(a, template("nginx:2", Map.of("app", "web", "tier", "front"))));
    }

    @Test
    void surgeRoundsUpUnavailableDownAndBothZeroAllowsOneUnavailable() {
        assertEquals(List.of(3, 2), fenceposts(rolling(10, "30%", "25%")));
        assertEquals(List.of(1, 0), fenceposts(rolling(1, "25%", "25%")));
        assertEquals(List.of(0, 1), fenceposts(rolling(3, "0%", "10%")));
        assertEquals(List.of(1, 2), fenceposts(rolling(2, 1, 5))); // never more unavailable than desired
        Deployment recreate = rolling(4, 1, 1);
        recreate.spec.strategy = new DeploymentStrategy();
        recreate.spec.strategy.type = DeploymentStrategy.RECREATE;
        assertEquals(List.of(0, 0), fenceposts(recreate));
        assertEquals(4, Deployments.newReplicaSetReplicas(recreate, 4, 0));
    }

    @Test
    void aRollingUpdateGoesUpToTheSurgeThenDownToTheMinimumAvailable() {
        Deployment d = rolling(4, 1, 1);
        ReplicaSet old = rs("old", 1, 4, 4);
        ReplicaSet fresh = rs("new", 2, 0, 0);

        assertEquals(Map.of("new", 1), sizes(RollingUpdate.scaleUp(d, List.of(old, fresh), fresh)));
        fresh = rs("new", 2, 1, 0);
        assertEquals(Map.of(), sizes(RollingUpdate.scaleUp(d, List.of(old, fresh), fresh)), "4 + 1 surge reached");
        assertEquals(Map.of("old", 3), sizes(RollingUpdate.scaleDown(d, List.of(old), fresh)));
        old = rs("old", 1, 3, 3);
        assertEquals(Map.of("new", 2), sizes(RollingUpdate.scaleUp(d, List.of(old, fresh), fresh)));
        fresh = rs("new", 2, 2, 0);
        assertEquals(Map.of(), sizes(RollingUpdate.scaleDown(d, List.of(old), fresh)), "new pods not available yet");
        fresh = rs("new", 2, 2, 2);
        assertEquals(Map.of("old", 1), sizes(RollingUpdate.scaleDown(d, List.of(old), fresh)));
    }

    @Test
    void unavailableOldPodsGoFirstAndAScaleDownNotYetReportedIsNotCountedTwice() {
        Deployment d = rolling(4, 1, 2);
        // the oldest set's pods are not available: they go, though no available pod may (2 of 4 must stay)
        ReplicaSet oldest = rs("oldest", 1, 2, 0);
        ReplicaSet old = rs("old", 2, 2, 2);
        ReplicaSet fresh = rs("new", 3, 1, 0);
        assertEquals(Map.of("oldest", 0), sizes(RollingUpdate.scaleDown(d, List.of(old, oldest), fresh)));
        // scaled to 2 but still reporting 3 available: only 2 count
        ReplicaSet lagging = rs("old", 2, 2, 3);
        ReplicaSet ready = rs("new", 3, 2, 1);
        assertEquals(Map.of(), sizes(RollingUpdate.scaleDown(rolling(4, 1, 1), List.of(lagging), ready)));
    }

    @Test
    void resizingMidRolloutSpreadsInProportion() {
        Deployment d = rolling(20, "25%", "25%");
        ReplicaSet old = rs("old", 1, 8, 8);
        ReplicaSet fresh = rs("new", 2, 5, 0);
        for (ReplicaSet rs : List.of(old, fresh)) {
            Revisions.setReplicasAnnotations(rs, 10, 13);
        }
        assertTrue(Scaling.isScalingEvent(d, List.of(old, fresh)));
        assertEquals(Map.of("old", 15, "new", 10), sizes(Scaling.steps(d, fresh, List.of(old))));

        Deployment down = rolling(5, "25%", "25%"); // max 7 of 13: 8 -> 4, 5 -> 3 (the leftover off the largest)
        assertEquals(Map.of("old", 4, "new", 3), sizes(Scaling.steps(down, fresh, List.of(old))));
    }

    @Test
    void withOneActiveReplicaSetItTakesTheNewSizeAndASaturatedNewOneEndsTheOld() {
        Deployment d = rolling(6, 1, 1);
        ReplicaSet old = rs("old", 1, 0, 0);
        ReplicaSet fresh = rs("new", 2, 4, 4);
        assertEquals(Map.of("new", 6), sizes(Scaling.steps(d, fresh, List.of(old))));

        ReplicaSet saturated = rs("new", 2, 6, 6);
        Revisions.setReplicasAnnotations(saturated, 6, 7);
        ReplicaSet leftover = rs("old", 1, 1, 1);
        assertEquals(Map.of("old", 0), sizes(Scaling.steps(d, saturated, List.of(leftover))));
    }

    @Test
    void progressIsAnyUpdatedReadyOrAvailablePodOrAnOldOneGoneAndTheDeadlineCountsFromTheLast() {
        Deployment d = rolling(4, 1, 1);
        d.spec.progressDeadlineSeconds = 60;
        d.metadata.generation = 2L;
        d.status = status(5, 1, 4, 4);
        Instant updated = Instant.parse("2026-01-01T00:00:00Z");
        d.status.conditions = new ArrayList<>(List.of(RolloutStatus.condition("Progressing", "True", "ReplicaSetUpdated", "x")));
        d.status.conditions.get(0).lastUpdateTime = Times.format(updated);

        assertTrue(RolloutStatus.progressed(d.status, status(5, 2, 4, 4)));
        assertTrue(RolloutStatus.progressed(d.status, status(4, 1, 4, 4)));
        assertTrue(RolloutStatus.progressed(d.status, status(5, 1, 5, 4)));
        assertFalse(RolloutStatus.progressed(d.status, status(5, 1, 4, 4)));

        DeploymentStatus same = RolloutStatus.calculate(d, List.of(rs("old", 1, 4, 4), rs("new", 2, 1, 0)), null);
        assertFalse(RolloutStatus.timedOut(d, same, updated.plusSeconds(60)));
        assertTrue(RolloutStatus.timedOut(d, same, updated.plusSeconds(61)));
        assertEquals(Duration.ofSeconds(41), RolloutStatus.untilDeadline(d, same, updated.plusSeconds(20)));
        DeploymentStatus complete = status(4, 4, 4, 4);
        complete.observedGeneration = 2;
        assertNull(RolloutStatus.untilDeadline(d, complete, updated.plusSeconds(20)));
    }

    // --- fixtures ---

    private static List<Integer> fenceposts(Deployment d) {
        return List.of(Deployments.maxSurge(d), Deployments.maxUnavailable(d));
    }

    private static Map<String, Integer> sizes(List<ScaleStep> steps) {
        return steps.stream().collect(Collectors.toMap(ScaleStep::name, ScaleStep::replicas));
    }

    private static DeploymentStatus status(int replicas, int updated, int ready, int available) {
        DeploymentStatus status = new DeploymentStatus();
        status.replicas = replicas;
        status.updatedReplicas = updated;
        status.readyReplicas = ready;
        status.availableReplicas = available;
        return status;
    }

    private static Deployment rolling(int replicas, Object surge, Object unavailable) {
        Deployment d = new Deployment();
        d.metadata.name = "web";
        d.spec.replicas = replicas;
        d.spec.strategy = new DeploymentStrategy();
        d.spec.strategy.type = DeploymentStrategy.ROLLING_UPDATE;
        d.spec.strategy.rollingUpdate = new RollingUpdateDeployment();
        d.spec.strategy.rollingUpdate.maxSurge = amount(surge);
        d.spec.strategy.rollingUpdate.maxUnavailable = amount(unavailable);
        d.spec.template = template("nginx:1", Map.of("app", "web"));
        return d;
    }

    private static IntOrString amount(Object value) {
        return value instanceof Integer i ? IntOrString.of(i) : IntOrString.of((String) value);
    }

    /** A ReplicaSet created at second {@code age} with spec.replicas and status.availableReplicas. */
    private static ReplicaSet rs(String name, int created, int replicas, int available) {
        ReplicaSet rs = new ReplicaSet();
        rs.metadata.name = name;
        rs.metadata.uid = "uid-" + name;
        rs.metadata.creationTimestamp = Times.format(Instant.parse("2026-01-01T00:00:00Z").plusSeconds(created));
        rs.spec.replicas = replicas;
        rs.status().replicas = Math.max(replicas, available);
        rs.status().readyReplicas = available;
        rs.status().availableReplicas = available;
        return rs;
    }

    private static PodTemplateSpec template(String image, Map<String, String> labels) {
        PodTemplateSpec template = new PodTemplateSpec();
        template.metadata.labels = new LinkedHashMap<>(labels);
        Container container = new Container();
        container.name = "main";
        container.image = image;
        template.spec.containers = List.of(container);
        return template;
    }
}
