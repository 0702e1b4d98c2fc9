package io.gantry.api.core.v1;

/** Kubernetes {@code ContainerStatus}: the observed state of one container of a pod. */
public class ContainerStatus {

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
