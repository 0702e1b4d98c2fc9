package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code VolumeMount}: where a pod volume appears in a container. */
public class VolumeMount extends Extensible {

    public String name;
    public String mountPath;
    public Boolean readOnly;
    public String subPath;
    public String mountPropagation;

    public VolumeMount() {
    }

    public VolumeMount(String name, String mountPath) {
        this.name = name;
        this.mountPath = mountPath;
    }
}
