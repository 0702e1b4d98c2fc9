package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code ObjectFieldSelector}: a field of the pod ({@code metadata.name}, {@code status.podIP}, ...). */
public class ObjectFieldSelector extends Extensible {

    public String apiVersion;
    public String fieldPath;

    public ObjectFieldSelector() {
    }

    public ObjectFieldSelector(String fieldPath) {
        this.fieldPath = fieldPath;
    }
}
