package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.KubeObject;
import java.util.List;

/**
 * Kubernetes {@code v1 Endpoints}: the addresses behind a service of the same name, grouped in
 * subsets that share ports; kept by the endpoints controller.
 */
public class Endpoints extends KubeObject {

    public List<EndpointSubset> subsets;

    public Endpoints() {
        super("v1", "Endpoints");
    }
}
