package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.meta.v1.KubeObject;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * The annotations by which a deployment and its ReplicaSets record the rollout history, as
 * Kubernetes' {@code deployment_util.go}: each ReplicaSet's revision (the deployment carries its
 * new one's), the revisions a reused ReplicaSet served before, and the deployment size a
 * ReplicaSet was last scaled for (desired and desired + maxSurge), which tells a scaling of the
 * deployment from a rollout and gives the proportions of a scaling in the middle of one.
 */
final class Revisions {

    static final String REVISION = "deployment.kubernetes.io/revision";
    static final String REVISION_HISTORY = "deployment.kubernetes.io/revision-history";
    static final String DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
    static final String MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
    static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
    /** Marks a ReplicaSet whose rollout timed out and was rolled back automatically; never a target of that. */
    static final String ROLLOUT_FAILED = "gantry.io/rollout-failed";

    /** Kept as limit on the revision history annotation, as Kubernetes (about 100 revisions). */
    private static final int MAX_HISTORY_CHARS = 2000;

    /** Deployment annotations that are not copied to its ReplicaSets, nor back on a rollback. */
    private static final Set<String> NOT_COPIED = Set.of(LAST_APPLIED, REVISION, REVISION_HISTORY, DESIRED_REPLICAS,
            MAX_REPLICAS, "deployment.kubernetes.io/error-selector-overlapping-with",
            "deployment.kubernetes.io/selector-updated-at", "deprecated.deployment.rollback.to", ROLLOUT_FAILED);

    private Revisions() {
    }

    /** An object's revision; 0 when absent or unreadable. */
    static long of(KubeObject object) {
        String value = object.metadata.annotations == null ? null : object.metadata.annotations.get(REVISION);
        if (value == null) {
            return 0;
        }
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    /** The highest revision among the ReplicaSets; 0 for none. */
    static long max(Collection<ReplicaSet> sets) {
        return sets.stream().mapToLong(Revisions::of).max().orElse(0);
    }

    /** True if the annotation is not copied between a deployment and its ReplicaSets. */
    static boolean notCopied(String key) {
        return NOT_COPIED.contains(key);
    }

    /**
     * Brings the new ReplicaSet's annotations up to date ({@code SetNewReplicaSetAnnotations}): the
     * deployment's own (but those {@link #notCopied}), the new revision if it is higher than the
     * one it has (keeping the one it had in the history: a rollback reuses a ReplicaSet), and for a
     * ReplicaSet about to be created, the replica annotations.
     *
     * @return true if an annotation changed
     */
    static boolean setNewReplicaSetAnnotations(Deployment deployment, ReplicaSet rs, long newRevision, boolean exists,
            int maxSurge) {
        Map<String, String> annotations = rs.metadata.annotations();
        boolean changed = false;
        if (deployment.metadata.annotations != null) {
            for (Map.Entry<String, String> entry : deployment.metadata.annotations.entrySet()) {
                if (!notCopied(entry.getKey()) && !entry.getValue().equals(annotations.get(entry.getKey()))) {
                    annotations.put(entry.getKey(), entry.getValue());
                    changed = true;
                }
            }
        }
        String oldRevision = annotations.get(REVISION);
        long old = of(rs);
        if (oldRevision == null || old < newRevision) {
            annotations.put(REVISION, Long.toString(newRevision));
            changed = true;
            if (oldRevision != null) {
                String history = annotations.get(REVISION_HISTORY);
                String updated = history == null || history.isEmpty() ? oldRevision : history + "," + oldRevision;
                while (updated.length() > MAX_HISTORY_CHARS && updated.contains(",")) {
                    updated = updated.substring(updated.indexOf(',') + 1);
                }
                annotations.put(REVISION_HISTORY, updated);
            }
        }
        if (!exists) {
            int desired = Deployments.replicas(deployment);
            changed |= setReplicasAnnotations(rs, desired, desired + maxSurge);
        }
        return changed;
    }

    /** Sets the desired and max replicas annotations; true if either changed. */
    static boolean setReplicasAnnotations(ReplicaSet rs, int desired, int max) {
        Map<String, String> annotations = rs.metadata.annotations();
        boolean changed = !Integer.toString(desired).equals(annotations.put(DESIRED_REPLICAS, Integer.toString(desired)));
        changed |= !Integer.toString(max).equals(annotations.put(MAX_REPLICAS, Integer.toString(max)));
        return changed;
    }

    /** True if the replica annotations differ from these values. */
    static boolean replicasAnnotationsNeedUpdate(ReplicaSet rs, int desired, int max) {
        Map<String, String> annotations = rs.metadata.annotations == null ? Map.of() : rs.metadata.annotations;
        return !Integer.toString(desired).equals(annotations.get(DESIRED_REPLICAS))
                || !Integer.toString(max).equals(annotations.get(MAX_REPLICAS));
    }

    /** The desired-replicas annotation, or null when absent or unreadable. */
    static Integer desiredReplicas(ReplicaSet rs) {
        return intAnnotation(rs, DESIRED_REPLICAS);
    }

    /** The max-replicas annotation, or null when absent or unreadable. */
    static Integer maxReplicas(ReplicaSet rs) {
        return intAnnotation(rs, MAX_REPLICAS);
    }

    private static Integer intAnnotation(ReplicaSet rs, String key) {
        String value = rs.metadata.annotations == null ? null : rs.metadata.annotations.get(key);
        if (value == null) {
            return null;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
