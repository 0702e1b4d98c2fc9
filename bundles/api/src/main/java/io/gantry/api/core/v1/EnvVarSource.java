package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code EnvVarSource}: where an environment variable's value comes from. */
public class EnvVarSource extends Extensible {

    public ObjectFieldSelector fieldRef;
    public ResourceFieldSelector resourceFieldRef;
    public ConfigMapKeySelector configMapKeyRef;
    public SecretKeySelector secretKeyRef;
}
