package io.gantry.scheduler;

import io.gantry.api.core.v1.Node;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The nodes and the pods on them as the scheduler counts them, as kube-scheduler's cache: a pod
 * is <em>assumed</em> on its node the moment the scheduler picks it (so the next pod sees the room
 * taken), <em>confirmed</em> when the watch shows it bound, and <em>forgotten</em> if its binding
 * fails. Only the scheduling thread touches it.
 */
final class SchedulerCache {

    /** A pod the cache counts on a node. */
    private record Placed(PodProfile pod, String node, boolean assumed) {
    }

    private final Map<String, CachedNode> nodes = new HashMap<>();
    private final ReplicaCounts replicas = new ReplicaCounts();
    /** Indexes of nodes dropped from the cache, for the next new node (keeps the replica arrays short). */
    private final ArrayDeque<Integer> freeIndexes = new ArrayDeque<>();
    private int nextIndex;
    private final Map<String, Placed> pods = new HashMap<>();
    /** Placed pods with required anti-affinity terms, which every incoming pod is checked against. */
    private final Map<String, PodProfile> withAntiAffinity = new LinkedHashMap<>();
    /** The present nodes by name, rebuilt when nodes come or go. */
    private CachedNode[] order = new CachedNode[0];
    private boolean orderStale;
    private int preferNoScheduleNodes;

    /** Adds or updates a node. */
    void updateNode(Node node) {
        CachedNode cached = nodes.computeIfAbsent(node.metadata.name, this::newNode);
        if (!cached.present) {
            orderStale = true;
        }
        if (cached.hasPreferNoSchedule) {
            preferNoScheduleNodes--;
        }
        cached.update(node);
        if (cached.hasPreferNoSchedule) {
            preferNoScheduleNodes++;
        }
    }

    void removeNode(String name) {
        CachedNode cached = nodes.get(name);
        if (cached == null) {
            return;
        }
        if (cached.hasPreferNoSchedule) {
            preferNoScheduleNodes--;
        }
        cached.present = false;
        cached.hasPreferNoSchedule = false;
        orderStale = true;
        if (cached.isEmpty()) {
            drop(cached);
        }
    }

    /** The nodes pods can be placed on, by name; the array is shared: do not change it. */
    CachedNode[] nodes() {
        if (orderStale) {
            List<CachedNode> present = new ArrayList<>();
            for (CachedNode node : nodes.values()) {
                if (node.present) {
                    present.add(node);
                }
            }
            present.sort(Comparator.comparing(CachedNode::name));
            order = present.toArray(new CachedNode[0]);
            orderStale = false;
        }
        return order;
    }

    CachedNode node(String name) {
        return nodes.get(name);
    }

    /** True if some node has a PreferNoSchedule taint (otherwise that score is the same everywhere). */
    boolean anyPreferNoSchedule() {
        return preferNoScheduleNodes > 0;
    }

    /** A pod the watch shows bound to a node: confirms an assumption, or counts it. */
    void addPod(PodProfile pod, String node) {
        place(pod, node, false);
    }

    /** Counts a pod on the node the scheduler just picked, before its binding is stored. */
    void assume(PodProfile pod, String node) {
        place(pod, node, true);
    }

    /** True if the pod is assumed and its binding not yet confirmed. */
    boolean isAssumed(String key) {
        Placed placed = pods.get(key);
        return placed != null && placed.assumed();
    }

    /** True if the cache counts the pod on a node, assumed or bound. */
    boolean isPlaced(String key) {
        return pods.containsKey(key);
    }

    /** Drops an assumption whose binding failed; a confirmed pod stays. */
    void forget(String key) {
        Placed placed = pods.get(key);
        if (placed != null && placed.assumed()) {
            removePod(key);
        }
    }

    /**
     * Removes a pod (deleted, or finished).
     *
     * @return true if it was counted on a node
     */
    boolean removePod(String key) {
        Placed placed = pods.remove(key);
        if (placed == null) {
            return false;
        }
        withAntiAffinity.remove(key);
        CachedNode node = nodes.get(placed.node());
        if (node != null) {
            node.remove(placed.pod());
            if (!node.present && node.isEmpty()) {
                drop(node);
            }
        }
        return true;
    }

    /** Every placed pod with its node, for the pod affinity pre-computation. */
    void forEachPod(BiConsumer<PodProfile, CachedNode> action) {
        for (Placed placed : pods.values()) {
            CachedNode node = nodes.get(placed.node());
            if (node != null) {
                action.accept(placed.pod(), node);
            }
        }
    }

    /** The placed pods with required anti-affinity, with their nodes. */
    void forEachAntiAffinityPod(BiConsumer<PodProfile, CachedNode> action) {
        for (PodProfile pod : withAntiAffinity.values()) {
            Placed placed = pods.get(pod.key);
            CachedNode node = placed == null ? null : nodes.get(placed.node());
            if (node != null) {
                action.accept(pod, node);
            }
        }
    }

    int podCount() {
        return pods.size();
    }

    private CachedNode newNode(String name) {
        Integer free = freeIndexes.poll();
        return new CachedNode(name, free != null ? free : nextIndex++, replicas);
    }

    /** Forgets a node that is gone and has no pods left (so its replica counts are all zero). */
    private void drop(CachedNode node) {
        nodes.remove(node.name);
        freeIndexes.add(node.index());
    }

    private void place(PodProfile pod, String nodeName, boolean assumed) {
        Placed previous = pods.get(pod.key);
        if (previous != null && !previous.node().equals(nodeName)) {
            removePod(pod.key);
        }
        CachedNode node = nodes.computeIfAbsent(nodeName, this::newNode);
        node.add(pod);
        pods.put(pod.key, new Placed(pod, nodeName, assumed));
        if (pod.podAntiAffinity.isEmpty()) {
            withAntiAffinity.remove(pod.key);
        } else {
            withAntiAffinity.put(pod.key, pod);
        }
    }
}
