package io.gantry.scheduler;

import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.Quantity;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.scheduler.NodeInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One node in the scheduler's cache: the node's labels, taints and allocatable read once per
 * change of the Node, and running sums over the pods on it (bound or assumed), kept as pods come
 * and go. Only the scheduling thread touches it.
 *
 * <p>A node that is not Ready carries the taint Kubernetes' node lifecycle controller would give
 * it ({@code node.kubernetes.io/not-ready}, or {@code unreachable} when its state is Unknown),
 * so that the taint filter excludes it and pods tolerating the taint may still go there.
 */
final class CachedNode implements NodeInfo {

    static final String NOT_READY = "node.kubernetes.io/not-ready";
    static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
    /** The allocatable of a resource the node does not report: not a limit. */
    static final long UNLIMITED = Long.MAX_VALUE / 4;

    final String name;
    /** False while only pods name this node and its Node object is not (or no longer) known. */
    boolean present;
    Map<String, String> labels = Map.of();
    List<Taint> taints = List.of();
    boolean unschedulable;
    boolean hasPreferNoSchedule;
    /** True if some taint is NoSchedule or NoExecute: the taint filter need not look otherwise. */
    boolean hasHardTaints;
    long allocatableMilliCpu;
    long allocatableMemory;
    long allocatableEphemeralStorage;
    long allocatablePods;

    long requestedMilliCpu;
    long requestedMemory;
    long requestedEphemeralStorage;
    long nonZeroMilliCpu;
    long nonZeroMemory;
    /** {@code pods.size()}, kept beside the sums so that the filters read one object per node. */
    int podCount;
    final Map<String, PodProfile> pods = new LinkedHashMap<>();
    /** This node's place in {@link #replicas}. */
    private final int index;
    private final ReplicaCounts replicas;
    private final List<PodProfile.HostPort> usedPorts = new ArrayList<>();

    CachedNode(String name, int index, ReplicaCounts replicas) {
        this.name = name;
        this.index = index;
        this.replicas = replicas;
    }

    /** Reads what the scheduler needs of the Node. */
    void update(Node node) {
        present = true;
        labels = node.metadata.labels == null ? Map.of() : Map.copyOf(node.metadata.labels);
        unschedulable = node.spec != null && Boolean.TRUE.equals(node.spec.unschedulable);
        List<Taint> effective = new ArrayList<>(node.spec == null || node.spec.taints == null ? List.of() : node.spec.taints);
        String readiness = readiness(node);
        if (!"True".equals(readiness)) {
            String key = "Unknown".equals(readiness) ? UNREACHABLE : NOT_READY;
            if (effective.stream().noneMatch(t -> key.equals(t.key) && Taint.NO_SCHEDULE.equals(t.effect))) {
                effective.add(new Taint(key, null, Taint.NO_SCHEDULE));
            }
        }
        taints = List.copyOf(effective);
        hasPreferNoSchedule = taints.stream().anyMatch(t -> Taint.PREFER_NO_SCHEDULE.equals(t.effect));
        hasHardTaints = taints.stream().anyMatch(t -> Taint.NO_SCHEDULE.equals(t.effect) || Taint.NO_EXECUTE.equals(t.effect));
        Map<String, String> allocatable = node.status == null ? null
                : node.status.allocatable != null ? node.status.allocatable : node.status.capacity;
        allocatableMilliCpu = quantity(allocatable, "cpu", true);
        allocatableMemory = quantity(allocatable, "memory", false);
        allocatableEphemeralStorage = quantity(allocatable, "ephemeral-storage", false);
        allocatablePods = quantity(allocatable, "pods", false);
    }

    /** The status of the Ready condition: True, False, Unknown, or null if the node reports none. */
    static String readiness(Node node) {
        if (node.status == null || node.status.conditions == null) {
            return null;
        }
        for (NodeCondition condition : node.status.conditions) {
            if ("Ready".equals(condition.type)) {
                return condition.status;
            }
        }
        return null;
    }

    void add(PodProfile pod) {
        PodProfile previous = pods.put(pod.key, pod);
        if (previous != null) {
            subtract(previous);
        }
        podCount = pods.size();
        requestedMilliCpu += pod.milliCpu;
        requestedMemory += pod.memory;
        requestedEphemeralStorage += pod.ephemeralStorage;
        nonZeroMilliCpu += pod.nonZeroMilliCpu;
        nonZeroMemory += pod.nonZeroMemory;
        if (pod.controllerUid != null) {
            replicas.add(pod.controllerUid, index);
        }
        usedPorts.addAll(pod.hostPorts);
    }

    void remove(PodProfile pod) {
        if (pods.remove(pod.key) != null) {
            subtract(pod);
        }
        podCount = pods.size();
    }

    private void subtract(PodProfile pod) {
        requestedMilliCpu -= pod.milliCpu;
        requestedMemory -= pod.memory;
        requestedEphemeralStorage -= pod.ephemeralStorage;
        nonZeroMilliCpu -= pod.nonZeroMilliCpu;
        nonZeroMemory -= pod.nonZeroMemory;
        if (pod.controllerUid != null) {
            replicas.remove(pod.controllerUid, index);
        }
        for (PodProfile.HostPort port : pod.hostPorts) {
            usedPorts.remove(port);
        }
    }

    /** True if one of the pod's host ports is taken on this node. */
    boolean portsConflict(List<PodProfile.HostPort> wanted) {
        for (PodProfile.HostPort port : wanted) {
            for (PodProfile.HostPort used : usedPorts) {
                if (port.conflicts(used)) {
                    return true;
                }
            }
        }
        return false;
    }

    int index() {
        return index;
    }

    boolean isEmpty() {
        return pods.isEmpty();
    }

    private static long quantity(Map<String, String> allocatable, String resource, boolean milli) {
        String text = allocatable == null ? null : allocatable.get(resource);
        if (text == null) {
            return UNLIMITED;
        }
        try {
            return milli ? Quantity.milliValue(text) : Quantity.value(text);
        } catch (RuntimeException e) {
            return 0; // a node reporting nonsense takes nothing
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String label(String key) {
        return labels.get(key);
    }

    @Override
    public long allocatableMilliCpu() {
        return allocatableMilliCpu >= UNLIMITED ? 0 : allocatableMilliCpu;
    }

    @Override
    public long allocatableMemory() {
        return allocatableMemory >= UNLIMITED ? 0 : allocatableMemory;
    }

    @Override
    public long allocatableEphemeralStorage() {
        return allocatableEphemeralStorage >= UNLIMITED ? 0 : allocatableEphemeralStorage;
    }

    @Override
    public long allocatablePods() {
        return allocatablePods >= UNLIMITED ? 0 : allocatablePods;
    }

    @Override
    public long requestedMilliCpu() {
        return requestedMilliCpu;
    }

    @Override
    public long requestedMemory() {
        return requestedMemory;
    }

    @Override
    public long requestedEphemeralStorage() {
        return requestedEphemeralStorage;
    }

    @Override
    public long nonZeroRequestedMilliCpu() {
        return nonZeroMilliCpu;
    }

    @Override
    public long nonZeroRequestedMemory() {
        return nonZeroMemory;
    }

    @Override
    public int podCount() {
        return podCount;
    }

    @Override
    public int podsOfController(String controllerUid) {
        return controllerUid == null ? 0 : replicas.count(controllerUid, index);
    }
}
