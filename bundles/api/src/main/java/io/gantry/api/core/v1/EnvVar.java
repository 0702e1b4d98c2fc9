package io.gantry.api.core.v1;

/** Kubernetes {@code EnvVar}: one environment variable of a container. */
public class EnvVar {

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
