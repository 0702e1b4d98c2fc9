package io.gantry.lb.leastconn;

import io.gantry.api.Plugins;
import io.gantry.api.lb.Backend;
import io.gantry.api.lb.LoadBalancer;
import io.gantry.api.lb.PickRequest;
import java.util.ArrayList;
import java.util.List;
import org.osgi.service.component.annotations.Component;

/**
 * The ready backend with the fewest connections open through this node's proxy now; backends
 * tied for fewest take turns (by the port's sequence), so that short connections, which leave
 * every count at zero, still spread evenly. Counts are per node: proxies of several nodes do not
 * see each other's connections.
 */
@Component(property = Plugins.NAME + "=" + LeastConnectionsLoadBalancer.NAME)
public class LeastConnectionsLoadBalancer implements LoadBalancer {

    public static final String NAME = "leastconn";

    @Override
    public Backend pick(PickRequest request) {
        int fewest = Integer.MAX_VALUE;
        List<Backend> tied = new ArrayList<>();
        for (Backend backend : request.backends()) {
            if (backend.activeConnections() < fewest) {
                fewest = backend.activeConnections();
                tied.clear();
            }
            if (backend.activeConnections() == fewest) {
                tied.add(backend);
            }
        }
        return tied.get((int) Math.floorMod(request.sequence(), (long) tied.size()));
    }
}
