package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code ResourceFieldSelector}: a container's limit or request ({@code limits.cpu}, ...). */
public class ResourceFieldSelector extends Extensible {

    public String containerName;
    public String resource;
    public String divisor;
}
