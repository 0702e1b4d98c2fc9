package io.gantry.lb.leastconn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.lb.Backend;
import io.gantry.api.lb.PickRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LeastConnectionsLoadBalancerTest {

    private final LeastConnectionsLoadBalancer balancer = new LeastConnectionsLoadBalancer();

    @Test
    void picksTheBackendWithFewestConnections() {
        List<Backend> backends = List.of(new Backend("127.1.0.2", 80, 7), new Backend("127.1.0.3", 80, 2),
                new Backend("127.1.0.4", 80, 9));
        for (long sequence = 0; sequence < 10; sequence++) {
            assertEquals("127.1.0.3", balancer.pick(request(backends, sequence)).ip());
        }
    }

    @Test
    void backendsTiedForFewestTakeTurns() {
        List<Backend> backends = List.of(new Backend("127.1.0.2", 80, 1), new Backend("127.1.0.3", 80, 4),
                new Backend("127.1.0.4", 80, 1));
        Map<String, Integer> counts = new HashMap<>();
        for (long sequence = 0; sequence < 100; sequence++) {
            counts.merge(balancer.pick(request(backends, sequence)).ip(), 1, Integer::sum);
        }
        assertEquals(Map.of("127.1.0.2", 50, "127.1.0.4", 50), counts);
    }

    private static PickRequest request(List<Backend> backends, long sequence) {
        return new PickRequest("default", "web", "", "127.0.0.1", backends, sequence);
    }
}
