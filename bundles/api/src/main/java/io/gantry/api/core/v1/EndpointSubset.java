package io.gantry.api.core.v1;

import io.gantry.api.meta.v1.Extensible;
import java.util.List;

/**
 * Kubernetes {@code EndpointSubset}: addresses (ready and not ready) that serve the same ports.
 */
public class EndpointSubset extends Extensible {

    public List<EndpointAddress> addresses;
    public List<EndpointAddress> notReadyAddresses;
    public List<EndpointPort> ports;
}
