package io.gantry.scheduler.binpack;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.scheduler.NodeInfo;
import io.gantry.api.scheduler.PodInfo;
import org.junit.jupiter.api.Test;

class BinpackPolicyTest {

    private static final long GI = 1L << 30;
    private final BinpackPolicy policy = new BinpackPolicy();

    @Test
    void prefersTheMostAllocatedNode() {
        Pod pod = new Pod(500, GI / 2, null);
        int onEmpty = policy.score(pod, new Node(4000, 8 * GI, 0, 0, 0));
        int onBusy = policy.score(pod, new Node(4000, 8 * GI, 3000, 6 * GI, 0));
        assertTrue(onBusy > onEmpty, onBusy + " should beat " + onEmpty);
    }

    @Test
    void aFullNodeScoresTheMostAndNoMoreThanHundred() {
        assertEquals(100, policy.score(new Pod(8000, 64 * GI, null), new Node(100, GI / 16, 0, 0, 0)));
        assertEquals(50, policy.score(new Pod(100, GI / 16, null), new Node(0, 0, 0, 0, 0)),
                "unknown capacity counts as half used");
    }

    /** A pod for scoring: non-zero requests and a controller. */
    record Pod(long nonZeroMilliCpu, long nonZeroMemory, String controllerUid) implements PodInfo {
        public String namespace() {
            return "default";
        }

        public String name() {
            return "p";
        }

        public long milliCpu() {
            return nonZeroMilliCpu;
        }

        public long memory() {
            return nonZeroMemory;
        }

        public long ephemeralStorage() {
            return 0;
        }
    }

    /** A node for scoring, with some replicas of the pod's controller on it. */
    record Node(long allocatableMilliCpu, long allocatableMemory, long nonZeroRequestedMilliCpu, long nonZeroRequestedMemory,
                int siblings) implements NodeInfo {
        public String name() {
            return "n";
        }

        public String label(String key) {
            return null;
        }

        public long allocatableEphemeralStorage() {
            return 0;
        }

        public long allocatablePods() {
            return 110;
        }

        public long requestedMilliCpu() {
            return nonZeroRequestedMilliCpu;
        }

        public long requestedMemory() {
            return nonZeroRequestedMemory;
        }

        public long requestedEphemeralStorage() {
            return 0;
        }

        public int podCount() {
            return siblings;
        }

        public int podsOfController(String controllerUid) {
            return controllerUid == null ? 0 : siblings;
        }
    }
}
