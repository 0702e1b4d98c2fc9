package io.gantry.scheduler;

import java.util.List;

/**
 * One of the scheduler's filters, as a Kubernetes filter plugin: whether the pod of a cycle may
 * go on a node, and if not why, in the words kube-scheduler uses.
 */
interface Filter {

    /** The Kubernetes plugin this filter stands for ({@code NodeResourcesFit}). */
    String name();

    /**
     * False if this filter passes every node for the cycle's pod (a pod without host ports and
     * NodePorts), so that the scheduler skips it for the thousands of nodes it looks at.
     */
    default boolean relevant(Cycle cycle) {
        return true;
    }

    /**
     * True if the pod may go on the node; otherwise adds the reasons it may not (one each, as
     * they count in the "0/N nodes are available" message) and returns false.
     */
    boolean filter(Cycle cycle, CachedNode node, List<String> reasons);
}
