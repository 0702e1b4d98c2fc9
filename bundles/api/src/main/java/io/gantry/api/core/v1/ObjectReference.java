package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code ObjectReference}: points at another object. */
public class ObjectReference extends Extensible {

    public String kind;
    public String namespace;
    public String name;
    public String uid;
    public String apiVersion;
    public String resourceVersion;
    public String fieldPath;
}
