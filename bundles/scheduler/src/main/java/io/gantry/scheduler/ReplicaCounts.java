package io.gantry.scheduler;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * How many pods of each controller each node has, as one array per controller indexed by node:
 * scoring a pod asks the same controller for hundreds of nodes in a row, so the controller's
 * entry stays in the processor's cache and each node costs one array read, where a map per node
 * cost a cache miss per node. Only the scheduling thread touches it.
 */
final class ReplicaCounts {

    private final Map<String, int[]> byController = new HashMap<>();
    /** Pods per controller, to drop a controller's array when its last pod goes. */
    private final Map<String, Integer> totals = new HashMap<>();

    int count(String controllerUid, int node) {
        int[] counts = byController.get(controllerUid);
        return counts == null || node >= counts.length ? 0 : counts[node];
    }

    void add(String controllerUid, int node) {
        int[] counts = byController.get(controllerUid);
        if (counts == null || node >= counts.length) {
            counts = counts == null ? new int[Math.max(16, node + 1)] : Arrays.copyOf(counts, Math.max(node + 1, counts.length * 2));
            byController.put(controllerUid, counts);
        }
        counts[node]++;
        totals.merge(controllerUid, 1, Integer::sum);
    }

    void remove(String controllerUid, int node) {
        int[] counts = byController.get(controllerUid);
        if (counts == null || node >= counts.length || counts[node] == 0) {
            return;
        }
        counts[node]--;
        if (totals.merge(controllerUid, -1, Integer::sum) == 0) {
            totals.remove(controllerUid);
            byController.remove(controllerUid);
        }
    }
}
