package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.KubeObject;

/** Kubernetes {@code v1 Binding}: binds a pod (named in metadata) to the node named in target. */
public class Binding extends KubeObject {

    public ObjectReference target = new ObjectReference();

    public Binding() {
        super("v1", "Binding");
    }
}
