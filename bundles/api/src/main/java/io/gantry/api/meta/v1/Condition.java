package io.gantry.api.meta.v1;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * Kubernetes {@code metav1.Condition}: the standard condition of newer kinds (a Service's
 * {@code status.conditions}); {@code status} is {@code True}, {@code False} or {@code Unknown}.
 * Its text fields are required, not omitempty: an empty reason or message is written.
 */
public class Condition extends Extensible {

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String type;
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String status;
    public Long observedGeneration;
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String lastTransitionTime;
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String reason;
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public String message;
}
