package io.gantry.api.core.v1;

/** Kubernetes {@code EnvVarSource}: where an environment variable's value comes from. */
public class EnvVarSource {

    public ObjectFieldSelector fieldRef;
    public ResourceFieldSelector resourceFieldRef;
    public ConfigMapKeySelector configMapKeyRef;
    public SecretKeySelector secretKeyRef;
}
