package io.gantry.api.apps.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;

/**
 * Kubernetes {@code DeploymentStatus}: the pods of all its ReplicaSets, by state, at the
 * generation observed; {@code collisionCount} makes new ReplicaSet names unique after a hash
 * collision.
 */
public class DeploymentStatus extends Extensible {

    public long observedGeneration;
    public int replicas;
    public int updatedReplicas;
    public int readyReplicas;
    public int availableReplicas;
    public int unavailableReplicas;
    public Integer terminatingReplicas;
    public List<DeploymentCondition> conditions;
    public Integer collisionCount;
}
