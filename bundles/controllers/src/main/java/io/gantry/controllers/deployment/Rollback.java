package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.core.v1.PodTemplateSpec;
import io.gantry.api.json.Json;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A rollback as {@code kubectl rollout undo} does it since Kubernetes 1.2x, on the client: the
 * deployment takes the template of the ReplicaSet of the revision (its hash label dropped) and
 * that ReplicaSet's annotations (but the revision and replica bookkeeping); the controller then
 * finds that ReplicaSet as the new one and gives it the next revision.
 *
 * <p>Gantry's automatic rollback ({@value #AUTO_ROLLBACK} set to {@code "true"} on a deployment)
 * uses the same step when a rollout exceeds its progress deadline, to the newest earlier revision
 * whose rollout did not fail.
 */
final class Rollback {

    /** The deployment annotation that asks for an automatic rollback when the progress deadline is exceeded. */
    static final String AUTO_ROLLBACK = "gantry.io/auto-rollback";

    private Rollback() {
    }

    static boolean autoRollbackEnabled(Deployment deployment) {
        return deployment.metadata.annotations != null
                && "true".equalsIgnoreCase(deployment.metadata.annotations.get(AUTO_ROLLBACK));
    }

    /**
     * The ReplicaSet of a revision as kubectl finds it: for 0, the second highest revision (the
     * one before the current); else the one of that revision.
     */
    static Optional<ReplicaSet> ofRevision(List<ReplicaSet> owned, long revision) {
        if (revision > 0) {
            return owned.stream().filter(rs -> Revisions.of(rs) == revision).findFirst();
        }
        return owned.stream().sorted(Comparator.comparingLong(Revisions::of).reversed()).skip(1).findFirst();
    }

    /**
     * The target of an automatic rollback: the ReplicaSet of the highest revision below the failed
     * one whose template differs from the deployment's and whose own rollout never failed.
     */
    static Optional<ReplicaSet> autoRollbackTarget(Deployment deployment, List<ReplicaSet> owned, ReplicaSet failed) {
        long failedRevision = Revisions.of(failed);
        return owned.stream()
                .filter(rs -> Revisions.of(rs) > 0 && Revisions.of(rs) < failedRevision)
                .filter(rs -> rs.metadata.annotations == null || !rs.metadata.annotations.containsKey(Revisions.ROLLOUT_FAILED))
                .filter(rs -> !PodTemplateHash.equalIgnoringHash(rs.spec.template, deployment.spec.template))
                .max(Comparator.comparingLong(Revisions::of));
    }

    /** The deployment rolled back to the ReplicaSet's template and annotations, a new object. */
    static Deployment to(Deployment deployment, ReplicaSet target) {
        Deployment rolled = Json.copy(deployment);
        PodTemplateSpec template = Json.copy(target.spec.template);
        if (template.metadata.labels != null) {
            template.metadata.labels.remove(PodTemplateHash.LABEL);
        }
        rolled.spec.template = template;
        Map<String, String> annotations = new LinkedHashMap<>();
        if (deployment.metadata.annotations != null) {
            deployment.metadata.annotations.forEach((key, value) -> {
                if (Revisions.notCopied(key) || AUTO_ROLLBACK.equals(key)) {
                    annotations.put(key, value);
                }
            });
        }
        if (target.metadata.annotations != null) {
            target.metadata.annotations.forEach((key, value) -> {
                if (!Revisions.notCopied(key)) {
                    annotations.putIfAbsent(key, value);
                }
            });
        }
        rolled.metadata.annotations = annotations;
        return rolled;
    }
}
