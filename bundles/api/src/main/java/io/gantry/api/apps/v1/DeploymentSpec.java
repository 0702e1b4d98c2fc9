package io.gantry.api.apps.v1;

import io.gantry.api.core.v1.PodTemplateSpec;
import io.gantry.api.meta.v1.Extensible;
import io.gantry.api.meta.v1.LabelSelector;

/**
 * Kubernetes {@code DeploymentSpec}: how many pods ({@code replicas}, 1 if absent), which pods
 * are its own ({@code selector}, immutable), from which template, and how to roll out a change.
 */
public class DeploymentSpec extends Extensible {

    public Integer replicas;
    public LabelSelector selector;
    public PodTemplateSpec template;
    public DeploymentStrategy strategy;
    public Integer minReadySeconds;
    /** Old ReplicaSets kept for rollback; 10 if absent. */
    public Integer revisionHistoryLimit;
    public Boolean paused;
    /** Seconds without progress before the rollout is reported failed; 600 if absent. */
    public Integer progressDeadlineSeconds;
}
