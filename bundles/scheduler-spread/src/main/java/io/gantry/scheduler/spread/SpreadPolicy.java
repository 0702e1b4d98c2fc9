package io.gantry.scheduler.spread;

import io.gantry.api.Plugins;
import io.gantry.api.scheduler.NodeInfo;
import io.gantry.api.scheduler.PodInfo;
import io.gantry.api.scheduler.SchedulerPolicy;
import org.osgi.service.component.annotations.Component;

/**
 * Spreads pods: prefers the least allocated node (CPU and memory requested against allocatable,
 * counting the pod itself, as Kubernetes' {@code LeastAllocated} scores them), and keeps pods of
 * one controller (the replicas of a ReplicaSet, say) on different nodes, as Kubernetes' selector
 * spreading does. The two weigh the same.
 */
@Component(property = Plugins.NAME + "=" + SpreadPolicy.NAME)
public class SpreadPolicy implements SchedulerPolicy {

    public static final String NAME = "spread";

    @Override
    public int score(PodInfo pod, NodeInfo node) {
        int free = (freeShare(node.nonZeroRequestedMilliCpu() + pod.nonZeroMilliCpu(), node.allocatableMilliCpu())
                + freeShare(node.nonZeroRequestedMemory() + pod.nonZeroMemory(), node.allocatableMemory())) / 2;
        // each replica already there halves the score: the node with the fewest wins
        int apart = MAX_SCORE / (1 + node.podsOfController(pod.controllerUid()));
        return (free + apart) / 2;
    }

    /** The share of a resource left free, 0 to 100; 50 when the node does not say what it has. */
    static int freeShare(long requested, long allocatable) {
        if (allocatable <= 0) {
            return MAX_SCORE / 2;
        }
        if (requested >= allocatable) {
            return 0;
        }
        return (int) ((allocatable - requested) * MAX_SCORE / allocatable);
    }
}
