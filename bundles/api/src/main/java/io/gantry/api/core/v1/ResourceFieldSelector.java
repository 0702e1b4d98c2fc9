package io.gantry.api.core.v1;

/** Kubernetes {@code ResourceFieldSelector}: a container's limit or request ({@code limits.cpu}, ...). */
public class ResourceFieldSelector {

    public String containerName;
    public String resource;
    public String divisor;
}
