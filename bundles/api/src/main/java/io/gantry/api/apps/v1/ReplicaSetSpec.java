package io.gantry.api.apps.v1;

import io.gantry.api.core.v1.PodTemplateSpec;
import io.gantry.api.meta.v1.Extensible;
import io.gantry.api.meta.v1.LabelSelector;

/**
 * Kubernetes {@code ReplicaSetSpec}: how many pods ({@code replicas}, 1 if absent), which pods
 * are its own ({@code selector}) and the template for new ones.
 */
public class ReplicaSetSpec extends Extensible {

    public Integer replicas;
    public Integer minReadySeconds;
    public LabelSelector selector;
    public PodTemplateSpec template;
}
