package io.gantry.api.autoscaling.v1;

import io.gantry.api.meta.v1.Extensible;
import io.gantry.api.meta.v1.KubeObject;

/**
 * Kubernetes {@code autoscaling/v1 Scale}: the body of a scale subresource
 * ({@code deployments/scale}, {@code replicasets/scale}, {@code replicationcontrollers/scale}):
 * the desired replicas, and the observed ones with the selector in string form.
 */
public class Scale extends KubeObject {

    public Spec spec = new Spec();
    public Status status;

    public Scale() {
        super("autoscaling/v1", "Scale");
    }

    /** Kubernetes {@code ScaleSpec}. */
    public static class Spec extends Extensible {
        public Integer replicas;
    }

    /** Kubernetes {@code ScaleStatus}: {@code replicas} always written, the selector as a string. */
    public static class Status extends Extensible {
        public int replicas;
        public String selector;
    }
}
