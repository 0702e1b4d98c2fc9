package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code EnvVar}: one environment variable of a container. */
public class EnvVar extends Extensible {

    public String name;
    public String value;
    public EnvVarSource valueFrom;

    public EnvVar() {
    }

    public EnvVar(String name, String value) {
        this.name = name;
        this.value = value;
    }
}
