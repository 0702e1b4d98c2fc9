package io.gantry.lb.roundrobin;

import io.gantry.api.Plugins;
import io.gantry.api.lb.Backend;
import io.gantry.api.lb.KernelAlgorithm;
import io.gantry.api.lb.LoadBalancer;
import io.gantry.api.lb.PickRequest;
import java.util.Optional;
import org.osgi.service.component.annotations.Component;

/**
 * Each ready backend in turn, by the service port's connection sequence: n connections over k
 * backends give each n/k (±1). The sequence is the proxy's, so a swap to this plugin continues
 * where the port is, and a change of backends only shifts the turn.
 */
@Component(property = Plugins.NAME + "=" + RoundRobinLoadBalancer.NAME)
public class RoundRobinLoadBalancer implements LoadBalancer {

    public static final String NAME = "roundrobin";

    @Override
    public Backend pick(PickRequest request) {
        return request.backends().get((int) Math.floorMod(request.sequence(), (long) request.backends().size()));
    }

    /** The kernel spreads the same way: nftables {@code numgen inc}. */
    @Override
    public Optional<KernelAlgorithm> kernelAlgorithm() {
        return Optional.of(KernelAlgorithm.ROUND_ROBIN);
    }
}
