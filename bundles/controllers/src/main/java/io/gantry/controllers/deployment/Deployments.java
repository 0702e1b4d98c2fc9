package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.Deployment;
import io.gantry.api.apps.v1.DeploymentStatus;
import io.gantry.api.apps.v1.DeploymentStrategy;
import io.gantry.api.apps.v1.RollingUpdateDeployment;
import io.gantry.api.meta.v1.IntOrString;

/**
 * What the deployment controller reads off a Deployment's spec: its size, its strategy and the
 * rolling update's bounds resolved to pod counts as Kubernetes' {@code ResolveFenceposts} does
 * (maxSurge rounded up, maxUnavailable down; if both come to zero, one pod may be unavailable).
 */
final class Deployments {

    /** Kubernetes' "no deadline" value of progressDeadlineSeconds. */
    private static final int NO_DEADLINE = Integer.MAX_VALUE;

    private Deployments() {
    }

    /** {@code spec.replicas}, 1 when unset. */
    static int replicas(Deployment deployment) {
        return deployment.spec.replicas == null ? 1 : deployment.spec.replicas;
    }

    static boolean isRecreate(Deployment deployment) {
        return deployment.spec.strategy != null && DeploymentStrategy.RECREATE.equals(deployment.spec.strategy.type);
    }

    static boolean isRollingUpdate(Deployment deployment) {
        return !isRecreate(deployment);
    }

    static boolean isPaused(Deployment deployment) {
        return Boolean.TRUE.equals(deployment.spec.paused);
    }

    /** True if a progress deadline applies (set, and not Kubernetes' "never" value). */
    static boolean hasProgressDeadline(Deployment deployment) {
        return deployment.spec.progressDeadlineSeconds != null && deployment.spec.progressDeadlineSeconds != NO_DEADLINE;
    }

    /** The pods a rolling update may add above the desired count; 0 for Recreate. */
    static int maxSurge(Deployment deployment) {
        return isRollingUpdate(deployment) ? fenceposts(deployment)[0] : 0;
    }

    /** The pods a rolling update may have unavailable below the desired count; never more than desired, 0 for Recreate. */
    static int maxUnavailable(Deployment deployment) {
        int desired = replicas(deployment);
        if (!isRollingUpdate(deployment) || desired == 0) {
            return 0;
        }
        return Math.min(fenceposts(deployment)[1], desired);
    }

    /** maxSurge and maxUnavailable as pod counts. */
    private static int[] fenceposts(Deployment deployment) {
        RollingUpdateDeployment rolling = deployment.spec.strategy == null ? null : deployment.spec.strategy.rollingUpdate;
        int desired = replicas(deployment);
        // the API server defaults both to 25%; an object stored without them counts them as 0, as Kubernetes does
        int surge = scaled(rolling == null ? null : rolling.maxSurge, desired, true);
        int unavailable = scaled(rolling == null ? null : rolling.maxUnavailable, desired, false);
        if (surge == 0 && unavailable == 0) {
            // validation forbids both zero, but rounding down may give it: then allow one unavailable pod
            unavailable = 1;
        }
        return new int[] {surge, unavailable};
    }

    private static int scaled(IntOrString value, int total, boolean roundUp) {
        if (value == null) {
            return 0;
        }
        try {
            return Math.max(0, value.scaledValue(total, roundUp));
        } catch (IllegalArgumentException e) {
            return 0; // the API server validates these: an invalid one is not stored
        }
    }

    /**
     * The size of the new ReplicaSet for the next step ({@code NewRSNewReplicas}): for a rolling
     * update, as many more as the surge leaves room for, up to the desired count; for Recreate,
     * the desired count.
     */
    static int newReplicaSetReplicas(Deployment deployment, int allReplicas, int newReplicas) {
        int desired = replicas(deployment);
        if (!isRollingUpdate(deployment)) {
            return desired;
        }
        int maxTotal = desired + maxSurge(deployment);
        if (allReplicas >= maxTotal) {
            return newReplicas;
        }
        return newReplicas + Math.min(maxTotal - allReplicas, desired - newReplicas);
    }

    /**
     * True once the rollout is complete ({@code DeploymentComplete}): every desired pod updated and
     * available, no old pod left, at the deployment's current generation.
     */
    static boolean complete(Deployment deployment, DeploymentStatus status) {
        int desired = replicas(deployment);
        long generation = deployment.metadata.generation == null ? 0 : deployment.metadata.generation;
        return status.updatedReplicas == desired && status.replicas == desired && status.availableReplicas == desired
                && status.observedGeneration >= generation;
    }
}
