package io.gantry.api.discovery.v1;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.gantry.api.meta.v1.KubeObject;
import java.util.List;

/**
 * Kubernetes {@code discovery.k8s.io/v1 EndpointSlice}: a part of a service's endpoints (the
 * label {@code kubernetes.io/service-name} names the service), all of one address type
 * ({@code IPv4}, {@code IPv6} or {@code FQDN}), with the ports they serve.
 */
public class EndpointSlice extends KubeObject {

    /** The label that names the service a slice belongs to. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    public String addressType;
    /** Required, not omitempty: a slice of a service without ready pods writes {@code []}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public List<Endpoint> endpoints;
    public List<EndpointPort> ports;

    public EndpointSlice() {
        super("discovery.k8s.io/v1", "EndpointSlice");
    }
}
