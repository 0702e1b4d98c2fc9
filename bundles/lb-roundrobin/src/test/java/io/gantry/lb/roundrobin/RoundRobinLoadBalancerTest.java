package io.gantry.lb.roundrobin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.lb.Backend;
import io.gantry.api.lb.PickRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RoundRobinLoadBalancerTest {

    private final RoundRobinLoadBalancer balancer = new RoundRobinLoadBalancer();
    private final List<Backend> backends = List.of(new Backend("127.1.0.2", 80, 5), new Backend("127.1.0.3", 80, 0),
            new Backend("127.1.0.4", 80, 0));

    @Test
    void givesEachBackendItsTurnWhateverItsConnections() {
        Map<String, Integer> counts = new HashMap<>();
        for (long sequence = 0; sequence < 300; sequence++) {
            counts.merge(balancer.pick(request(sequence)).ip(), 1, Integer::sum);
        }
        assertEquals(Map.of("127.1.0.2", 100, "127.1.0.3", 100, "127.1.0.4", 100), counts);
    }

    @Test
    void followsTheSequence() {
        assertEquals("127.1.0.3", balancer.pick(request(4)).ip());
        assertEquals("127.1.0.2", balancer.pick(request(Long.MAX_VALUE - 1)).ip()); // 2^63-2 = 0 mod 3
    }

    private PickRequest request(long sequence) {
        return new PickRequest("default", "web", "http", "127.0.0.1", backends, sequence);
    }
}
