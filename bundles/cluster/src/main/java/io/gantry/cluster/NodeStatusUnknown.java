package io.gantry.cluster;

import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.NodeStatus;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What Kubernetes' node lifecycle controller writes when a kubelet stops posting its node's
 * status: every condition {@code Unknown} with reason {@code NodeStatusUnknown}, and a Ready
 * condition the kubelet never posted as {@code NodeStatusNeverUpdated}. Heartbeat times stay as the
 * kubelet last wrote them; a transition time changes only with the status.
 */
final class NodeStatusUnknown {

    static final String REASON = "NodeStatusUnknown";
    static final String MESSAGE = "Kubelet stopped posting node status.";
    static final String NEVER_REASON = "NodeStatusNeverUpdated";
    static final String NEVER_MESSAGE = "Kubelet never posted node status.";

    private NodeStatusUnknown() {
    }

    /**
     * The conditions of a node whose kubelet is gone, or empty when they say so already.
     *
     * @param now the time of the change (a Kubernetes Time)
     */
    static Optional<List<NodeCondition>> conditions(NodeStatus status, String now) {
        List<NodeCondition> conditions = new ArrayList<>();
        boolean changed = false;
        boolean ready = false;
        if (status != null && status.conditions != null) {
            for (NodeCondition condition : status.conditions) {
                ready |= "Ready".equals(condition.type);
                if ("Unknown".equals(condition.status)) {
                    conditions.add(condition);
                    continue;
                }
                NodeCondition unknown = new NodeCondition();
                unknown.type = condition.type;
                unknown.status = "Unknown";
                unknown.reason = REASON;
                unknown.message = MESSAGE;
                unknown.lastHeartbeatTime = condition.lastHeartbeatTime;
                unknown.lastTransitionTime = now;
                conditions.add(unknown);
                changed = true;
            }
        }
        if (!ready) {
            NodeCondition never = new NodeCondition();
            never.type = "Ready";
            never.status = "Unknown";
            never.reason = NEVER_REASON;
            never.message = NEVER_MESSAGE;
            never.lastHeartbeatTime = now;
            never.lastTransitionTime = now;
            conditions.add(never);
            changed = true;
        }
        return changed ? Optional.of(conditions) : Optional.empty();
    }
}
