package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.Map;

/**
 * Kubernetes {@code ReplicationControllerSpec}: {@code replicas} (1 if absent), the selector
 * (the template's labels if absent) and the pod template.
 */
public class ReplicationControllerSpec extends Extensible {

    public Integer replicas;
    public Integer minReadySeconds;
    public Map<String, String> selector;
    public PodTemplateSpec template;
}
