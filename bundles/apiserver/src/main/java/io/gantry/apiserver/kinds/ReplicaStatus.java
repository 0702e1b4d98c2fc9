package io.gantry.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.apiserver.registry.Validator;

/**
 * The status counters of replica sets, replication controllers and deployments, checked as
 * {@code ValidateReplicaSetStatus} and {@code ValidateDeploymentStatus} do: none negative, none
 * above {@code status.replicas}, available never above ready.
 */
public final class ReplicaStatus {

    private ReplicaStatus() {
    }

    /**
     * @param counters the counters of this kind besides {@code replicas} and {@code observedGeneration}
     * @param boundedByReplicas the counters that may not exceed {@code status.replicas}
     */
    public static void validate(JsonNode status, String[] counters, String[] boundedByReplicas, Validator v) {
        v.nonNegative("status.replicas", status.path("replicas").asLong(0));
        for (String counter : counters) {
            v.nonNegative("status." + counter, status.path(counter).asLong(0));
        }
        v.nonNegative("status.observedGeneration", status.path("observedGeneration").asLong(0));
        long replicas = status.path("replicas").asLong(0);
        for (String counter : boundedByReplicas) {
            long value = status.path(counter).asLong(0);
            if (value > replicas) {
                v.invalid("status." + counter, value, "cannot be greater than status.replicas");
            }
        }
        long available = status.path("availableReplicas").asLong(0);
        if (available > status.path("readyReplicas").asLong(0)) {
            v.invalid("status.availableReplicas", available, "cannot be greater than readyReplicas");
        }
    }

    /** {@code spec.replicas} is not negative. */
    public static void validateReplicas(JsonNode spec, Validator v) {
        JsonNode replicas = spec.get("replicas");
        if (replicas != null && replicas.isNumber()) {
            v.nonNegative("spec.replicas", replicas.asLong());
        }
    }
}
