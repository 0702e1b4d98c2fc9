package io.gantry.apiserver.registry;

/**
 * How the {@code scale} subresource (an {@code autoscaling/v1 Scale}) maps onto a kind: where
 * the desired and observed replica counts are, and how the label selector of its pods is read.
 *
 * @param specReplicas the path of the desired count, e.g. {@code /spec/replicas}
 * @param statusReplicas the path of the observed count, e.g. {@code /status/replicas}
 * @param selectorIsMap true when {@code spec.selector} is a plain label map (replication
 *     controllers), false for a LabelSelector with matchLabels and matchExpressions
 */
public record ScaleRule(String specReplicas, String statusReplicas, boolean selectorIsMap) {

    /** Deployments and replica sets. */
    public static final ScaleRule APPS = new ScaleRule("/spec/replicas", "/status/replicas", false);
    /** Replication controllers. */
    public static final ScaleRule REPLICATION_CONTROLLER = new ScaleRule("/spec/replicas", "/status/replicas", true);
}
