package io.gantry.api.meta.v1;

/** Kubernetes {@code OwnerReference}: the object that owns this one, for garbage collection. */
public class OwnerReference extends Extensible {

    public String apiVersion;
    public String kind;
    public String name;
    public String uid;
    public Boolean controller;
    public Boolean blockOwnerDeletion;
}
