package io.gantry.api.policy.v1;

import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeObject;

/**
 * Kubernetes {@code policy/v1 Eviction}: asks, through a pod's eviction subresource, that the
 * pod named in metadata be deleted, with these delete options.
 */
public class Eviction extends KubeObject {

    public DeleteOptions deleteOptions;

    public Eviction() {
        super("policy/v1", "Eviction");
    }
}
