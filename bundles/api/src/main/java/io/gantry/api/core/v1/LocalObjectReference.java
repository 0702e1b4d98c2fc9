package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code LocalObjectReference}: an object by name in the same namespace. */
public class LocalObjectReference extends Extensible {

    public String name;

    public LocalObjectReference() {
    }

    public LocalObjectReference(String name) {
        this.name = name;
    }
}
