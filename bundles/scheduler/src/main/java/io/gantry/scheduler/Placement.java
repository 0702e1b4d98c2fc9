package io.gantry.scheduler;

import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.Times;
import io.gantry.api.scheduler.NodeInfo;
import io.gantry.api.scheduler.SchedulerPolicy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Chooses a node for a pod: filters the nodes it can run on, as the Kubernetes scheduler's
 * filter plugins do (Ready, schedulable, nodeSelector, requested CPU and memory), then lets the
 * policy score the rest. Remembers the pods it placed until the cache shows them bound, so two
 * pods placed in quick succession do not both count on the same free room.
 */
final class Placement {

    /** A node name, or none with the reason in Kubernetes' words. */
    record Decision(String node, String message) {
        static Decision none(String message) {
            return new Decision(null, message);
        }
    }

    private final Map<String, Pod> assumed = new ConcurrentHashMap<>();

    Decision choose(Pod pod, List<Node> nodes, List<Pod> pods, SchedulerPolicy policy) {
        forgetBound(pods);
        Map<String, Integer> rejected = new TreeMap<>();
        String best = null;
        int bestScore = -1;
        List<Node> sorted = new ArrayList<>(nodes);
        sorted.sort(Comparator.comparing(n -> n.metadata.name));
        for (Node node : sorted) {
            NodeInfo info = NodeInfo.of(node, podsOn(node.metadata.name, pods));
            String reason = unfit(pod, info);
            if (reason != null) {
                rejected.merge(reason, 1, Integer::sum);
                continue;
            }
            int score = policy.score(pod, info);
            if (score > bestScore) {
                best = node.metadata.name;
                bestScore = score;
            }
        }
        if (best != null) {
            return new Decision(best, null);
        }
        StringBuilder message = new StringBuilder("0/").append(nodes.size()).append(" nodes are available");
        String separator = ": ";
        for (Map.Entry<String, Integer> entry : rejected.entrySet()) {
            message.append(separator).append(entry.getValue()).append(' ').append(entry.getKey());
            separator = ", ";
        }
        return Decision.none(message.append('.').toString());
    }

    void assume(Pod pod, String node) {
        Pod bound = Json.copy(pod);
        bound.spec.nodeName = node;
        assumed.put(key(pod), bound);
    }

    private void forgetBound(List<Pod> pods) {
        for (Pod pod : pods) {
            if (pod.spec.nodeName != null && !pod.spec.nodeName.isEmpty()) {
                assumed.remove(key(pod));
            }
        }
        assumed.keySet().removeIf(key -> pods.stream().noneMatch(p -> key(p).equals(key)));
    }

    private List<Pod> podsOn(String node, List<Pod> pods) {
        List<Pod> on = new ArrayList<>();
        for (Pod pod : pods) {
            if (node.equals(pod.spec.nodeName) && !isFinished(pod)) {
                on.add(pod);
            }
        }
        for (Pod pod : assumed.values()) {
            if (node.equals(pod.spec.nodeName)) {
                on.add(pod);
            }
        }
        return on;
    }

    /** Why the pod cannot go on the node, in Kubernetes' words, or null if it can. */
    private static String unfit(Pod pod, NodeInfo info) {
        Node node = info.node();
        if (!isReady(node)) {
            return "node(s) were not ready";
        }
        if (Boolean.TRUE.equals(node.spec.unschedulable)) {
            return "node(s) were unschedulable";
        }
        if (pod.spec.nodeSelector != null) {
            Map<String, String> labels = node.metadata.labels == null ? Map.of() : node.metadata.labels;
            for (Map.Entry<String, String> wanted : pod.spec.nodeSelector.entrySet()) {
                if (!Objects.equals(labels.get(wanted.getKey()), wanted.getValue())) {
                    return "node(s) didn't match Pod's node affinity/selector";
                }
            }
        }
        if (info.allocatableMilliCpu() > 0
                && info.requestedMilliCpu() + NodeInfo.requestedMilliCpu(pod) > info.allocatableMilliCpu()) {
            return "Insufficient cpu";
        }
        if (info.allocatableMemory() > 0
                && info.requestedMemory() + NodeInfo.requestedMemory(pod) > info.allocatableMemory()) {
            return "Insufficient memory";
        }
        return null;
    }

    static boolean isReady(Node node) {
        if (node == null || node.status == null || node.status.conditions == null) {
            return false;
        }
        for (NodeCondition condition : node.status.conditions) {
            if ("Ready".equals(condition.type)) {
                return "True".equals(condition.status);
            }
        }
        return false;
    }

    private static boolean isFinished(Pod pod) {
        String phase = pod.status == null ? null : pod.status.phase;
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    /** Sets {@code PodScheduled=False, Unschedulable}; false if the pod already says exactly that. */
    static boolean setUnschedulable(Pod pod, String message) {
        List<PodCondition> conditions = pod.status().conditions == null ? new ArrayList<>() : pod.status().conditions;
        for (PodCondition condition : conditions) {
            if ("PodScheduled".equals(condition.type)) {
                if ("False".equals(condition.status) && Objects.equals(message, condition.message)) {
                    return false;
                }
                condition.status = "False";
                condition.reason = "Unschedulable";
                condition.message = message;
                condition.lastTransitionTime = Times.now();
                pod.status.conditions = conditions;
                return true;
            }
        }
        PodCondition condition = new PodCondition("PodScheduled", "False", Times.now());
        condition.reason = "Unschedulable";
        condition.message = message;
        conditions.add(condition);
        pod.status.conditions = conditions;
        return true;
    }

    private static String key(Pod pod) {
        return pod.metadata.namespace + "/" + pod.metadata.name;
    }
}
