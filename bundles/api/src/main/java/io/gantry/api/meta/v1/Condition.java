package io.gantry.api.meta.v1;

/**
 * Kubernetes {@code metav1.Condition}: the standard condition of newer kinds (a Service's
 * {@code status.conditions}); {@code status} is {@code True}, {@code False} or {@code Unknown}.
 */
public class Condition extends Extensible {

    public String type;
    public String status;
    public Long observedGeneration;
    public String lastTransitionTime;
    public String reason;
    public String message;
}
