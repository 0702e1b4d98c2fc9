package io.gantry.api.core.v1;

/** Kubernetes {@code ObjectReference}: points at another object. */
public class ObjectReference {

    public String kind;
    public String namespace;
    public String name;
    public String uid;
    public String apiVersion;
    public String resourceVersion;
    public String fieldPath;
}
