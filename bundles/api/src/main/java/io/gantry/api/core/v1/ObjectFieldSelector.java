package io.gantry.api.core.v1;

/** Kubernetes {@code ObjectFieldSelector}: a field of the pod ({@code metadata.name}, {@code status.podIP}, ...). */
public class ObjectFieldSelector {

    public String apiVersion;
    public String fieldPath;

    public ObjectFieldSelector() {
    }

    public ObjectFieldSelector(String fieldPath) {
        this.fieldPath = fieldPath;
    }
}
