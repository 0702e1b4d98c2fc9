package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code NodeSystemInfo}: what the node runs on, as {@code kubectl get nodes -o wide} shows. */
public class NodeSystemInfo extends Extensible {

    public String machineID;
    public String systemUUID;
    public String bootID;
    public String kernelVersion;
    public String osImage;
    public String containerRuntimeVersion;
    public String kubeletVersion;
    public String kubeProxyVersion;
    public String operatingSystem;
    public String architecture;
}
