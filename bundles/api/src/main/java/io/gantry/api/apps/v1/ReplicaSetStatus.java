package io.gantry.api.apps.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;

/** Kubernetes {@code ReplicaSetStatus}: the pods observed, by state, at the generation observed. */
public class ReplicaSetStatus extends Extensible {

    public int replicas;
    public int fullyLabeledReplicas;
    public int readyReplicas;
    public int availableReplicas;
    public Integer terminatingReplicas;
    public long observedGeneration;
    public List<ReplicaSetCondition> conditions;
}
