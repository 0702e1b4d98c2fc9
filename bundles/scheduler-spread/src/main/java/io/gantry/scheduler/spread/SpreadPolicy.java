package io.gantry.scheduler.spread;

import io.gantry.api.Plugins;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.scheduler.NodeInfo;
import io.gantry.api.scheduler.SchedulerPolicy;
import java.util.List;
import java.util.Objects;
import org.osgi.service.component.annotations.Component;

/**
 * Spreads pods: prefers the least allocated node (CPU and memory requested against allocatable,
 * counting the pod itself), and keeps pods of one owner (replicas of a ReplicaSet, say) apart.
 * The two weigh the same.
 */
@Component(property = Plugins.NAME + "=" + SpreadPolicy.NAME)
public class SpreadPolicy implements SchedulerPolicy {

    public static final String NAME = "spread";

    /** What a replica already on the node costs the node's score. */
    private static final int SAME_OWNER_PENALTY = 25;

    @Override
    public int score(Pod pod, NodeInfo node) {
        int free = (freeShare(node.requestedMilliCpu() + NodeInfo.requestedMilliCpu(pod), node.allocatableMilliCpu())
                + freeShare(node.requestedMemory() + NodeInfo.requestedMemory(pod), node.allocatableMemory())) / 2;
        int apart = Math.max(0, 100 - SAME_OWNER_PENALTY * siblings(pod, node.pods()));
        return (free + apart) / 2;
    }

    /** The share of a resource left free, 0 to 100; 50 when the node does not say what it has. */
    private static int freeShare(long requested, long allocatable) {
        if (allocatable <= 0) {
            return 50;
        }
        return (int) Math.max(0, Math.min(100, (allocatable - requested) * 100 / allocatable));
    }

    private static int siblings(Pod pod, List<Pod> pods) {
        String owner = controllerUid(pod);
        if (owner == null) {
            return 0;
        }
        return (int) pods.stream().filter(other -> owner.equals(controllerUid(other))).count();
    }

    private static String controllerUid(Pod pod) {
        if (pod.metadata.ownerReferences == null) {
            return null;
        }
        return pod.metadata.ownerReferences.stream()
                .filter(ref -> Boolean.TRUE.equals(ref.controller))
                .map(ref -> ref.uid)
                .filter(Objects::nonNull)
                .findFirst().orElse(null);
    }
}
