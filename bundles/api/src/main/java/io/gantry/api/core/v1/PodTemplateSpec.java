package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import io.gantry.api.meta.v1.ObjectMeta;

/**
 * Kubernetes {@code PodTemplateSpec}: the metadata and spec of the pods a controller makes
 * (a ReplicationController's, ReplicaSet's or Deployment's {@code spec.template}).
 */
public class PodTemplateSpec extends Extensible {

    public ObjectMeta metadata = new ObjectMeta();
    public PodSpec spec = new PodSpec();
}
