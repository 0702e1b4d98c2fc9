package io.gantry.api.core.v1;

/** Kubernetes {@code SecurityContext}: who a container runs as and what it may do. */
public class SecurityContext {

    public Long runAsUser;
    public Long runAsGroup;
    public Boolean runAsNonRoot;
    public Boolean readOnlyRootFilesystem;
    public Boolean privileged;
    public Boolean allowPrivilegeEscalation;
}
