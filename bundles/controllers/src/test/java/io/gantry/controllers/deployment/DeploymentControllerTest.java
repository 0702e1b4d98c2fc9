package io.gantry.controllers.deployment;

import io.gantry.controllers.TestControlPlane;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.DeploymentCondition;
import io.gantry.api.apps.v1.DeploymentStrategy;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.apps.v1.RollingUpdateDeployment;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.cluster.SoleLeader;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.PodTemplateSpec;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.api.meta.v1.LabelSelector;
import io.gantry.api.meta.v1.OwnerReference;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import io.gantry.controllers.ControllerManager;
import java.lang.annotation.Annotation;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The deployment controller in the controller manager on the in-process API server, with the
 * ReplicaSets' pods reported by {@link ReplicaSetStatusFake} (the ReplicaSet controller is not
 * part of this test): each rollout is watched change by change, and the bounds are asserted on
 * every change the API server made.
 */
class DeploymentControllerTest {

    private static final String NS = "default";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final Registry registry = new Registry("memory");
    private final Informers informers;
    private final ControllerManager manager;
    private final ReplicaSetStatusFake pods;
    private final ReplicaSetHistory history;

    DeploymentControllerTest() {
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
        informers = new Informers(registry);
        // pods of a template whose image says "broken" never become ready
        pods = new ReplicaSetStatusFake(registry, informers,
                rs -> rs.spec.template.spec.containers.stream().noneMatch(c -> c.image.contains("broken")));
        history = new ReplicaSetHistory(registry, NS);
        manager = new ControllerManager(registry, informers, new SoleLeader(), config(),
                List.of(DeploymentController::new));
    }

    @AfterEach
    void stop() {
        manager.close();
        history.close();
        pods.close();
        informers.close();
        registry.watches().close();
    }

    @Test
    void aNewDeploymentGetsAReplicaSetNamedByItsTemplateHashAndReportsItsRollout() {
        Deployment created = registry.create(ResourceKind.DEPLOYMENTS, deployment("web", 3, "nginx:1"));

        Deployment done = awaitRolledOut("web");
        ReplicaSet rs = onlyActive("web");
        String hash = rs.metadata.labels.get(PodTemplateHash.LABEL);
        assertNotNull(hash);
        assertEquals("web-" + hash, rs.metadata.name);
        assertEquals(hash, rs.spec.template.metadata.labels.get(PodTemplateHash.LABEL));
        assertEquals(hash, rs.spec.selector.matchLabels.get(PodTemplateHash.LABEL));
        assertEquals("web", rs.spec.selector.matchLabels.get("app"));
        OwnerReference owner = rs.metadata.ownerReferences.get(0);
        assertEquals(List.of("Deployment", "web", created.metadata.uid, true, true),
                List.of(owner.kind, owner.name, owner.uid, owner.controller, owner.blockOwnerDeletion));
        assertEquals(Map.of(Revisions.REVISION, "1", Revisions.DESIRED_REPLICAS, "3", Revisions.MAX_REPLICAS, "4"),
                rs.metadata.annotations);
        assertEquals("1", done.metadata.annotations.get(Revisions.REVISION));
        assertEquals(List.of(3, 3, 3, 3, 0), List.of(done.status.replicas, done.status.updatedReplicas,
                done.status.readyReplicas, done.status.availableReplicas, done.status.unavailableReplicas));
        assertCondition(done, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.");
        assertCondition(done, "Progressing", "True", "NewReplicaSetAvailable",
                "ReplicaSet \"" + rs.metadata.name + "\" has successfully progressed.");
        awaitEvent("web", "ScalingReplicaSet", "Scaled up replica set " + rs.metadata.name + " to 3");
    }

    @Test
    void aRollingUpdateStaysWithinMaxSurgeAndMaxUnavailableAtEveryStep() {
        rollAndCheckBounds(4, IntOrString.of(1), IntOrString.of(1), 1, 1);
    }

    @Test
    void percentagesRoundSurgeUpAndUnavailableDown() {
        // 30% of 10 surge: 3; 25% of 10 unavailable: 2 (2.5 down)
        rollAndCheckBounds(10, IntOrString.of("30%"), IntOrString.of("25%"), 3, 2);
    }

    @Test
    void zeroUnavailableSurgesFirst() {
        rollAndCheckBounds(3, IntOrString.of(1), IntOrString.of(0), 1, 0);
    }

    private void rollAndCheckBounds(int replicas, IntOrString maxSurge, IntOrString maxUnavailable, int surge,
            int unavailable) {
        Deployment web = deployment("web", replicas, "nginx:1");
        web.spec.strategy = new DeploymentStrategy();
        web.spec.strategy.type = DeploymentStrategy.ROLLING_UPDATE;
        web.spec.strategy.rollingUpdate = new RollingUpdateDeployment();
        web.spec.strategy.rollingUpdate.maxSurge = maxSurge;
        web.spec.strategy.rollingUpdate.maxUnavailable = maxUnavailable;
        registry.create(ResourceKind.DEPLOYMENTS, web);
        awaitRolledOut("web");
        String first = onlyActive("web").metadata.name;
        int before = history.steps().size();

        update("web", d -> d.spec.template.spec.containers.get(0).image = "nginx:2");

        Deployment done = awaitRolledOut("web");
        assertEquals("2", done.metadata.annotations.get(Revisions.REVISION));
        ReplicaSet second = onlyActive("web");
        assertNotEquals(first, second.metadata.name);
        List<ReplicaSetHistory.Step> steps = history.steps().subList(before, history.steps().size());
        int scaleSteps = 0;
        for (ReplicaSetHistory.Step step : steps) {
            Collection<ReplicaSet> all = step.all().values();
            int total = ReplicaSets.sumReplicas(all);
            int available = ReplicaSets.sumAvailableKept(all);
            assertTrue(total <= replicas + surge, "more than " + replicas + " + " + surge + " pods: " + describe(all));
            assertTrue(available >= replicas - unavailable,
                    "fewer than " + replicas + " - " + unavailable + " available: " + describe(all));
            if (step.type() == WatchEvent.Type.MODIFIED && step.changed().metadata.generation > 1
                    && step.changed().status != null && step.changed().status.observedGeneration < step.changed().metadata.generation) {
                scaleSteps++;
            }
        }
        // the rollout went in several steps, the surge and the unavailable bounds between them
        assertTrue(scaleSteps >= 2 * Math.ceil((double) replicas / Math.max(1, surge + unavailable)) - 1,
                scaleSteps + " scale steps: " + steps.size());
        assertEquals("2", second.metadata.annotations.get(Revisions.REVISION));
        assertEquals(0, ReplicaSets.replicas(registry.get(ResourceKind.REPLICA_SETS, NS, first)));
        awaitEvent("web", "ScalingReplicaSet", "Scaled down replica set " + first + " to 0 from ");
    }

    @Test
    void recreateScalesTheOldReplicaSetToZeroBeforeTheNewOneExists() {
        Deployment web = deployment("web", 3, "nginx:1");
        web.spec.strategy = new DeploymentStrategy();
        web.spec.strategy.type = DeploymentStrategy.RECREATE;
        registry.create(ResourceKind.DEPLOYMENTS, web);
        awaitRolledOut("web");
        String first = onlyActive("web").metadata.name;

        update("web", d -> d.spec.template.spec.containers.get(0).image = "nginx:2");

        awaitRolledOut("web");
        String second = onlyActive("web").metadata.name;
        ReplicaSetHistory.Step creation = history.steps().stream()
                .filter(s -> s.type() == WatchEvent.Type.ADDED && s.changed().metadata.name.equals(second))
                .findFirst().orElseThrow();
        ReplicaSet oldAtCreation = creation.all().get(first);
        assertEquals(0, ReplicaSets.replicas(oldAtCreation));
        assertEquals(0, ReplicaSets.statusReplicas(oldAtCreation), "old pods still running when the new set came");
        assertEquals(3, ReplicaSets.replicas(creation.changed()), "Recreate makes the new set at full size");
        awaitEvent("web", "ScalingReplicaSet", "Scaled down replica set " + first + " to 0 from 3");
        awaitEvent("web", "ScalingReplicaSet", "Scaled up replica set " + second + " to 3");
    }

    @Test
    void aRollbackAsKubectlUndoDoesItReusesTheReplicaSetOfTheRevision() {
        registry.create(ResourceKind.DEPLOYMENTS, deployment("web", 2, "nginx:1"));
        awaitRolledOut("web");
        String v1 = onlyActive("web").metadata.name;
        update("web", d -> d.spec.template.spec.containers.get(0).image = "nginx:2");
        awaitRevision("web", "2");
        update("web", d -> d.spec.template.spec.containers.get(0).image = "nginx:3");
        awaitRevision("web", "3");

        // kubectl rollout undo --to-revision=1: the template and annotations of that revision's ReplicaSet
        ReplicaSet target = Rollback.ofRevision(owned("web"), 1).orElseThrow();
        assertEquals(v1, target.metadata.name);
        update("web", d -> {
            Deployment rolledBack = Rollback.to(d, target);
            d.spec.template = rolledBack.spec.template;
            d.metadata.annotations = rolledBack.metadata.annotations;
        });

        Deployment done = awaitRevision("web", "4");
        awaitRolledOut("web");
        ReplicaSet reused = onlyActive("web");
        assertEquals(v1, reused.metadata.name);
        assertEquals("4", reused.metadata.annotations.get(Revisions.REVISION));
        assertEquals("1", reused.metadata.annotations.get(Revisions.REVISION_HISTORY));
        assertEquals("nginx:1", done.spec.template.spec.containers.get(0).image);
        assertEquals(3, owned("web").size());
    }

    @Test
    void aRestartAnnotationMakesANewReplicaSet() {
        registry.create(ResourceKind.DEPLOYMENTS, deployment("web", 2, "nginx:1"));
        awaitRolledOut("web");
        String first = onlyActive("web").metadata.name;

        update("web", d -> d.spec.template.metadata.annotations().put("kubectl.kubernetes.io/restartedAt",
                "2026-11-24T01:00:00Z"));

        awaitRevision("web", "2");
        awaitRolledOut("web");
        ReplicaSet restarted = onlyActive("web");
        assertNotEquals(first, restarted.metadata.name);
        assertEquals("2026-11-24T01:00:00Z",
                restarted.spec.template.metadata.annotations.get("kubectl.kubernetes.io/restartedAt"));
    }

    @Test
    void aPausedDeploymentRollsNothingOutButScalesAndResumes() {
        registry.create(ResourceKind.DEPLOYMENTS, deployment("web", 2, "nginx:1"));
        awaitRolledOut("web");
        String first = onlyActive("web").metadata.name;

        update("web", d -> d.spec.paused = true);
        await().atMost(WAIT).until(() -> hasCondition(get("web"), "Progressing", "Unknown", "DeploymentPaused"));
        update("web", d -> {
            d.spec.template.spec.containers.get(0).image = "nginx:2";
            d.spec.replicas = 3;
        });
        Deployment paused = await().atMost(WAIT).until(() -> get("web"),
                d -> d.status.observedGeneration == d.metadata.generation && d.status.availableReplicas == 3);
        assertEquals(1, owned("web").size(), "a paused deployment makes no new ReplicaSet");
        assertEquals(3, ReplicaSets.replicas(registry.get(ResourceKind.REPLICA_SETS, NS, first)));
        assertEquals("1", paused.metadata.annotations.get(Revisions.REVISION));

        update("web", d -> d.spec.paused = false);

        awaitRevision("web", "2");
        Deployment done = awaitRolledOut("web");
        assertNotEquals(first, onlyActive("web").metadata.name);
        assertEquals(3, done.status.updatedReplicas);
    }

    @Test
    void aRolloutWithoutProgressExceedsItsDeadline() {
        Deployment web = deployment("web", 4, "nginx:1");
        web.spec.progressDeadlineSeconds = 2;
        registry.create(ResourceKind.DEPLOYMENTS, web);
        awaitRolledOut("web");

        update("web", d -> d.spec.template.spec.containers.get(0).image = "nginx:broken");

        Deployment failed = await().atMost(WAIT).until(() -> get("web"),
                d -> hasCondition(d, "Progressing", "False", "ProgressDeadlineExceeded"));
        ReplicaSet stuck = Rollback.ofRevision(owned("web"), 2).orElseThrow();
        assertCondition(failed, "Progressing", "False", "ProgressDeadlineExceeded",
                "ReplicaSet \"" + stuck.metadata.name + "\" has timed out progressing.");
        // 25% unavailable of 4: one old pod went, the others stay available
        assertCondition(failed, "Available", "True", "MinimumReplicasAvailable", "Deployment has minimum availability.");
        assertEquals(3, failed.status.availableReplicas);
        assertEquals("nginx:broken", failed.spec.template.spec.containers.get(0).image, "no rollback unless asked");
    }

    @Test
    void theAutoRollbackAnnotationRollsBackWhenTheDeadlineIsExceeded() {
        Deployment web = deployment("web", 4, "nginx:1");
        web.spec.progressDeadlineSeconds = 2;
        web.metadata.annotations().put(Rollback.AUTO_ROLLBACK, "true");
        registry.create(ResourceKind.DEPLOYMENTS, web);
        awaitRolledOut("web");
        String good = onlyActive("web").metadata.name;

        update("web", d -> d.spec.template.spec.containers.get(0).image = "nginx:broken");

        awaitRevision("web", "3");
        Deployment done = awaitRolledOut("web");
        assertEquals("nginx:1", done.spec.template.spec.containers.get(0).image);
        assertEquals(good, onlyActive("web").metadata.name);
        ReplicaSet broken = Rollback.ofRevision(owned("web"), 2).orElseThrow();
        assertEquals(0, ReplicaSets.replicas(broken));
        assertTrue(broken.metadata.annotations.containsKey(Revisions.ROLLOUT_FAILED));
        Event event = awaitEvent("web", "AutoRollback",
                "Rolled back deployment \"web\" from revision 2 to revision 1: ReplicaSet \"" + broken.metadata.name
                        + "\" has timed out progressing.");
        assertEquals("Warning", event.type);
        assertEquals("deployment-controller", event.source.component);
        assertCondition(done, "Progressing", "True", "NewReplicaSetAvailable",
                "ReplicaSet \"" + good + "\" has successfully progressed.");
    }

    @Test
    void oldReplicaSetsBeyondTheHistoryLimitAreDeleted() {
        Deployment web = deployment("web", 1, "nginx:1");
        web.spec.revisionHistoryLimit = 2;
        registry.create(ResourceKind.DEPLOYMENTS, web);
        awaitRolledOut("web");
        String first = onlyActive("web").metadata.name;
        for (int version = 2; version <= 5; version++) {
            int image = version;
            update("web", d -> d.spec.template.spec.containers.get(0).image = "nginx:" + image);
            awaitRevision("web", Integer.toString(version));
            awaitRolledOut("web");
        }
        await().atMost(WAIT).until(() -> owned("web").size() == 3);
        List<String> revisions = owned("web").stream().map(rs -> rs.metadata.annotations.get(Revisions.REVISION))
                .sorted().toList();
        assertEquals(List.of("3", "4", "5"), revisions);
        assertFalse(registry.find(ResourceKind.REPLICA_SETS, NS, first).isPresent());
    }

    @Test
    void resizingInTheMiddleOfARolloutScalesInProportion() {
        Deployment web = deployment("web", 10, "nginx:1");
        web.spec.progressDeadlineSeconds = 600;
        registry.create(ResourceKind.DEPLOYMENTS, web);
        awaitRolledOut("web");
        String first = onlyActive("web").metadata.name;
        // a rollout that cannot finish: the new pods never become ready
        update("web", d -> d.spec.template.spec.containers.get(0).image = "nginx:broken");
        await().atMost(WAIT).until(() -> owned("web").size() == 2 && ReplicaSets.sumReplicas(owned("web")) == 13
                && ReplicaSets.replicas(registry.get(ResourceKind.REPLICA_SETS, NS, first)) == 8);
        ReplicaSet stuckOld = registry.get(ResourceKind.REPLICA_SETS, NS, first);
        assertEquals(8, ReplicaSets.replicas(stuckOld)); // 10 - 25% unavailable (2); the new one has 5 (25% surge, 3, plus 2)

        update("web", d -> d.spec.replicas = 20);

        // 20 + 5 surge spread as 8:5 of the 13 -> 15 and 10 (the leftover to the largest)
        await().atMost(WAIT).until(() -> ReplicaSets.sumReplicas(owned("web")) == 25);
        assertEquals(15, ReplicaSets.replicas(registry.get(ResourceKind.REPLICA_SETS, NS, first)));
        awaitEvent("web", "ScalingReplicaSet", "Scaled up replica set " + first + " to 15 from 8");
    }

    @Test
    void aNameTakenByAnotherTemplateRaisesTheCollisionCount() {
        Deployment paused = deployment("web", 2, "nginx:1");
        paused.spec.paused = true;
        Deployment stored = registry.create(ResourceKind.DEPLOYMENTS, paused);
        String hash = PodTemplateHash.of(stored.spec.template, null);
        // a ReplicaSet of someone else under the name the deployment's first one would take
        ReplicaSet squatter = new ReplicaSet();
        squatter.metadata.name = "web-" + hash;
        squatter.metadata.namespace = NS;
        squatter.spec.replicas = 0;
        squatter.spec.selector = LabelSelector.of(Map.of("app", "other"));
        squatter.spec.template = deployment("other", 0, "busybox").spec.template;
        registry.create(ResourceKind.REPLICA_SETS, squatter);

        update("web", d -> d.spec.paused = false);

        Deployment done = awaitRolledOut("web");
        assertEquals(1, done.status.collisionCount);
        ReplicaSet rs = onlyActive("web");
        assertEquals("web-" + PodTemplateHash.of(stored.spec.template, 1), rs.metadata.name);
        assertEquals(0, ReplicaSets.replicas(registry.get(ResourceKind.REPLICA_SETS, NS, "web-" + hash)));
    }

    @Test
    void anOrphanReplicaSetOfTheTemplateIsAdoptedInsteadOfMakingANewOne() {
        Deployment web = deployment("web", 2, "nginx:1");
        ReplicaSet orphan = new ReplicaSet();
        orphan.metadata.name = "web-kept";
        orphan.metadata.namespace = NS;
        orphan.metadata.labels = Map.of("app", "web");
        orphan.spec.replicas = 2;
        orphan.spec.selector = LabelSelector.of(Map.of("app", "web"));
        orphan.spec.template = web.spec.template;
        registry.create(ResourceKind.REPLICA_SETS, orphan);
        // the controller adopts what its cache holds: a deployment seen before the orphan gets a ReplicaSet of its own
        await().atMost(WAIT).until(() -> informers.informer(ResourceKind.REPLICA_SETS).get(NS, "web-kept").isPresent());

        Deployment created = registry.create(ResourceKind.DEPLOYMENTS, web);

        awaitRolledOut("web");
        ReplicaSet adopted = onlyActive("web");
        assertEquals("web-kept", adopted.metadata.name);
        assertEquals(created.metadata.uid, ReplicaSets.controllerOf(adopted).uid);
        assertEquals(1, owned("web").size());
        assertEquals("1", adopted.metadata.annotations.get(Revisions.REVISION));
    }

    // --- helpers ---

    private static Deployment deployment(String name, int replicas, String image) {
        Deployment deployment = new Deployment();
        deployment.metadata.name = name;
        deployment.metadata.namespace = NS;
        deployment.spec.replicas = replicas;
        deployment.spec.selector = LabelSelector.of(Map.of("app", name));
        deployment.spec.template = new PodTemplateSpec();
        deployment.spec.template.metadata.labels = Map.of("app", name);
        Container container = new Container();
        container.name = "main";
        container.image = image;
        deployment.spec.template.spec.containers = new ArrayList<>(List.of(container));
        return deployment;
    }

    private Deployment get(String name) {
        return registry.get(ResourceKind.DEPLOYMENTS, NS, name);
    }

    private void update(String name, Consumer<Deployment> change) {
        while (true) {
            Deployment current = get(name);
            change.accept(current);
            try {
                registry.update(ResourceKind.DEPLOYMENTS, current);
                return;
            } catch (io.gantry.api.client.ApiException e) {
                if (!e.isConflict()) {
                    throw e;
                }
            }
        }
    }

    /** Waits until {@code kubectl rollout status} would say the deployment successfully rolled out. */
    private Deployment awaitRolledOut(String name) {
        return await().atMost(WAIT).until(() -> get(name), d -> {
            int desired = d.spec.replicas;
            return d.status != null && d.status.observedGeneration >= d.metadata.generation
                    && d.status.updatedReplicas == desired && d.status.replicas == desired
                    && d.status.availableReplicas == desired
                    && hasCondition(d, "Progressing", "True", "NewReplicaSetAvailable");
        });
    }

    private Deployment awaitRevision(String name, String revision) {
        return await().atMost(WAIT).until(() -> get(name),
                d -> d.metadata.annotations != null && revision.equals(d.metadata.annotations.get(Revisions.REVISION)));
    }

    private List<ReplicaSet> owned(String deployment) {
        String uid = get(deployment).metadata.uid;
        return registry.list(ResourceKind.REPLICA_SETS, NS, ListOptions.ALL).items.stream()
                .filter(rs -> rs.metadata.ownerReferences != null
                        && rs.metadata.ownerReferences.stream().anyMatch(ref -> uid.equals(ref.uid)))
                .toList();
    }

    private ReplicaSet onlyActive(String deployment) {
        List<ReplicaSet> active = ReplicaSets.active(owned(deployment));
        assertEquals(1, active.size(), describe(owned(deployment)));
        return active.get(0);
    }

    private Event awaitEvent(String name, String reason, String messageStart) {
        return await().atMost(WAIT).until(() -> registry.list(ResourceKind.EVENTS, NS, ListOptions.ALL).items.stream()
                .filter(e -> name.equals(e.involvedObject.name) && "Deployment".equals(e.involvedObject.kind)
                        && reason.equals(e.reason) && e.message.startsWith(messageStart))
                .findFirst().orElse(null), e -> e != null);
    }

    private static boolean hasCondition(Deployment d, String type, String status, String reason) {
        DeploymentCondition c = RolloutStatus.get(d.status, type);
        return c != null && status.equals(c.status) && reason.equals(c.reason);
    }

    private static void assertCondition(Deployment d, String type, String status, String reason, String message) {
        DeploymentCondition c = RolloutStatus.get(d.status, type);
        assertNotNull(c, type + " in " + Json.write(d.status));
        assertEquals(List.of(status, reason, message), List.of(c.status, c.reason, c.message));
        assertNotNull(c.lastUpdateTime);
        assertNotNull(c.lastTransitionTime);
    }

    private static String describe(Collection<ReplicaSet> sets) {
        StringBuilder out = new StringBuilder();
        for (ReplicaSet rs : sets) {
            out.append(rs.metadata.name).append(" spec=").append(ReplicaSets.replicas(rs))
                    .append(" available=").append(ReplicaSets.available(rs)).append("; ");
        }
        return out.toString();
    }

    private static ControllerManager.Config config() {
        return TestControlPlane.config();
    }
}
