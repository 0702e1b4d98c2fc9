package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.KubeObject;

/**
 * Kubernetes {@code v1 Service}: a stable address (cluster IP, node ports) spread over the ready
 * pods its selector picks.
 */
public class Service extends KubeObject {

    public ServiceSpec spec = new ServiceSpec();
    public ServiceStatus status;

    public Service() {
        super("v1", "Service");
    }

    /** The status, created empty if missing, for writing. */
    public ServiceStatus status() {
        if (status == null) {
            status = new ServiceStatus();
        }
        return status;
    }
}
