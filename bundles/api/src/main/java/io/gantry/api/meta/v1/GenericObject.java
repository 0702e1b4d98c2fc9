package io.gantry.api.meta.v1;

/**
 * An object of any kind, without a model of its own: {@code apiVersion}, {@code kind} and
 * {@code metadata} as fields, everything else kept as read ({@link Extensible}), so that it is
 * written back unchanged. For code that handles every kind alike through their metadata, as the
 * garbage collector does (Kubernetes' unstructured objects).
 */
public final class GenericObject extends KubeObject {

    public GenericObject() {
        super(null, null);
    }
}
