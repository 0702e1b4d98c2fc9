package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;

/** Kubernetes {@code SecurityContext}: who a container runs as and what it may do. */
public class SecurityContext extends Extensible {

    public Long runAsUser;
    public Long runAsGroup;
    public Boolean runAsNonRoot;
    public Boolean readOnlyRootFilesystem;
    public Boolean privileged;
    public Boolean allowPrivilegeEscalation;
}
