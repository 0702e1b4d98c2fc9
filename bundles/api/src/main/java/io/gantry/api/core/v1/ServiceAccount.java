package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.KubeObject;
import java.util.List;

/**
 * Kubernetes {@code v1 ServiceAccount}: an identity for pods; each namespace has a
 * {@code default} one.
 */
public class ServiceAccount extends KubeObject {

    public List<ObjectReference> secrets;
    public List<LocalObjectReference> imagePullSecrets;
    public Boolean automountServiceAccountToken;

    public ServiceAccount() {
        super("v1", "ServiceAccount");
    }
}
