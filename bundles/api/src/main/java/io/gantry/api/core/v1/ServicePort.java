package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import io.gantry.api.meta.v1.IntOrString;

/**
 * Kubernetes {@code ServicePort}: a port of the service and where it goes: {@code targetPort}, a
 * number or the name of a container port (defaults to {@code port}); {@code nodePort} for
 * NodePort and LoadBalancer services.
 */
public class ServicePort extends Extensible {

    public String name;
    /** {@code TCP} (default), {@code UDP} or {@code SCTP}. */
    public String protocol;
    public String appProtocol;
    public Integer port;
    public IntOrString targetPort;
    public Integer nodePort;

    public ServicePort() {
    }

    public ServicePort(String name, int port, IntOrString targetPort) {
        this.name = name;
        this.port = port;
        this.targetPort = targetPort;
    }
}
