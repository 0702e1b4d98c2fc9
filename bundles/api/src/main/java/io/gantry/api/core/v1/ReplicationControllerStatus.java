package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;

/**
 * Kubernetes {@code ReplicationControllerStatus}: the pods observed, by state, at the
 * generation observed.
 */
public class ReplicationControllerStatus extends Extensible {

    public int replicas;
    public int fullyLabeledReplicas;
    public int readyReplicas;
    public int availableReplicas;
    public long observedGeneration;
    public List<ReplicationControllerCondition> conditions;
}
