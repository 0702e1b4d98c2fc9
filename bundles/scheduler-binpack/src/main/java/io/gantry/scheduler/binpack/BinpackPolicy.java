package io.gantry.scheduler.binpack;

import io.gantry.api.Plugins;
import io.gantry.api.scheduler.NodeInfo;
import io.gantry.api.scheduler.PodInfo;
import io.gantry.api.scheduler.SchedulerPolicy;
import org.osgi.service.component.annotations.Component;

/**
 * Packs pods: prefers the most allocated node (CPU and memory requested against allocatable,
 * counting the pod itself, as Kubernetes' {@code MostAllocated} scores them), so that one node
 * fills before the next is used and empty nodes stay empty.
 */
@Component(property = Plugins.NAME + "=" + BinpackPolicy.NAME)
public class BinpackPolicy implements SchedulerPolicy {

    public static final String NAME = "binpack";

    @Override
    public int score(PodInfo pod, NodeInfo node) {
        return (usedShare(node.nonZeroRequestedMilliCpu() + pod.nonZeroMilliCpu(), node.allocatableMilliCpu())
                + usedShare(node.nonZeroRequestedMemory() + pod.nonZeroMemory(), node.allocatableMemory())) / 2;
    }

    /** The share of a resource in use with the pod, 0 to 100; 50 when the node does not say what it has. */
    static int usedShare(long requested, long allocatable) {
        if (allocatable <= 0) {
            return MAX_SCORE / 2;
        }
        return (int) (Math.min(requested, allocatable) * MAX_SCORE / allocatable);
    }
}
