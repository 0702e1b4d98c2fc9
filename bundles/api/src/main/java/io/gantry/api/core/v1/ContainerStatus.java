package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code ContainerStatus}: the observed state of one container of a pod. */
public class ContainerStatus extends Extensible {

    public String name;
    public ContainerState state;
    public ContainerState lastState;
    public boolean ready;
    public int restartCount;
    public String image;
    public String imageID;
    public String containerID;
    public Boolean started;
}
