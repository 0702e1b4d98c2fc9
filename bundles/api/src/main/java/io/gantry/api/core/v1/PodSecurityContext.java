package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;

/** Kubernetes {@code PodSecurityContext}: defaults for every container of the pod. */
public class PodSecurityContext extends Extensible {

    public Long runAsUser;
    public Long runAsGroup;
    public Boolean runAsNonRoot;
    public Long fsGroup;
    public List<Long> supplementalGroups;
}
