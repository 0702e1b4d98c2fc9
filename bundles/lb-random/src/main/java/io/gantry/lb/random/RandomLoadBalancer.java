package io.gantry.lb.random;

import io.gantry.api.Plugins;
import io.gantry.api.lb.Backend;
import io.gantry.api.lb.KernelAlgorithm;
import io.gantry.api.lb.LoadBalancer;
import io.gantry.api.lb.PickRequest;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.osgi.service.component.annotations.Component;

/**
 * A ready backend chosen uniformly at random for each connection, independent of the others (no
 * state, no coordination between the proxy's threads or between nodes).
 */
@Component(property = Plugins.NAME + "=" + RandomLoadBalancer.NAME)
public class RandomLoadBalancer implements LoadBalancer {

    public static final String NAME = "random";

    @Override
    public Backend pick(PickRequest request) {
        return request.backends().get(ThreadLocalRandom.current().nextInt(request.backends().size()));
    }

    /** The kernel spreads the same way: nftables {@code numgen random}. */
    @Override
    public Optional<KernelAlgorithm> kernelAlgorithm() {
        return Optional.of(KernelAlgorithm.RANDOM);
    }
}
