package io.gantry.lb.random;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.lb.Backend;
import io.gantry.api.lb.PickRequest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomLoadBalancerTest {

    private final RandomLoadBalancer balancer = new RandomLoadBalancer();

    /**
     * 30,000 picks over 3 backends, whatever the sequence says (always 0): each gets 10,000
     * expected, standard deviation about 82; the tolerance of ±600 (over 7 deviations) fails a
     * correct implementation less than once in 10^11 runs, a biased one (sequence-driven or stuck)
     * at once.
     */
    @Test
    void spreadsUniformlyIgnoringTheSequence() {
        List<Backend> backends = List.of(new Backend("127.1.0.2", 80, 0), new Backend("127.1.0.3", 80, 0),
                new Backend("127.1.0.4", 80, 0));
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < 30_000; i++) {
            counts.merge(balancer.pick(new PickRequest("default", "web", "", "127.0.0.1", backends, 0)).ip(), 1,
                    Integer::sum);
        }
        assertTrue(counts.size() == 3, counts::toString);
        counts.values().forEach(count -> assertTrue(Math.abs(count - 10_000) < 600, counts::toString));
    }
}
