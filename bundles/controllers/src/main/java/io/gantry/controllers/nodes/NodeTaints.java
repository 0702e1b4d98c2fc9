package io.gantry.controllers.nodes;

import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.meta.v1.Times;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The taints the node lifecycle controller keeps on a node, from its conditions, as Kubernetes'
 * TaintNodesByCondition and taint-based eviction set them: Ready False gives
 * {@code node.kubernetes.io/not-ready} and Ready Unknown {@code node.kubernetes.io/unreachable},
 * each as NoSchedule and NoExecute; pressure conditions and {@code spec.unschedulable} give
 * NoSchedule taints. Taints added keep their time ({@code timeAdded}); other taints are left as
 * they are, in their order.
 */
public final class NodeTaints {

    public static final String NOT_READY = "node.kubernetes.io/not-ready";
    public static final String UNREACHABLE = "node.kubernetes.io/unreachable";
    public static final String UNSCHEDULABLE = "node.kubernetes.io/unschedulable";
    public static final String MEMORY_PRESSURE = "node.kubernetes.io/memory-pressure";
    public static final String DISK_PRESSURE = "node.kubernetes.io/disk-pressure";
    public static final String PID_PRESSURE = "node.kubernetes.io/pid-pressure";
    public static final String NETWORK_UNAVAILABLE = "node.kubernetes.io/network-unavailable";

    /** Every key this controller owns: a taint with one of these keys is added and removed here alone. */
    private static final Set<String> OWNED = Set.of(NOT_READY, UNREACHABLE, UNSCHEDULABLE, MEMORY_PRESSURE,
            DISK_PRESSURE, PID_PRESSURE, NETWORK_UNAVAILABLE);

    private NodeTaints() {
    }

    /** The status of the node's Ready condition: True, False, Unknown, or null while it has none. */
    public static String ready(Node node) {
        return condition(node, "Ready");
    }

    /**
     * The taints the node should carry: the ones not owned here as they are, then the owned ones
     * its conditions call for, each kept with its time if already there, else added now.
     */
    public static List<Taint> desired(Node node, Instant now) {
        List<Taint> current = node.spec == null || node.spec.taints == null ? List.of() : node.spec.taints;
        List<Taint> wanted = new ArrayList<>();
        String ready = ready(node);
        if ("False".equals(ready)) {
            wanted.add(new Taint(NOT_READY, null, Taint.NO_SCHEDULE));
            wanted.add(new Taint(NOT_READY, null, Taint.NO_EXECUTE));
        } else if ("Unknown".equals(ready)) {
            wanted.add(new Taint(UNREACHABLE, null, Taint.NO_SCHEDULE));
            wanted.add(new Taint(UNREACHABLE, null, Taint.NO_EXECUTE));
        } else if (ready == null) {
            // a node that has not reported yet takes no pods (the kubelet registers with this taint)
            wanted.add(new Taint(NOT_READY, null, Taint.NO_SCHEDULE));
        }
        if (node.spec != null && Boolean.TRUE.equals(node.spec.unschedulable)) {
            wanted.add(new Taint(UNSCHEDULABLE, null, Taint.NO_SCHEDULE));
        }
        if ("True".equals(condition(node, "MemoryPressure"))) {
            wanted.add(new Taint(MEMORY_PRESSURE, null, Taint.NO_SCHEDULE));
        }
        if ("True".equals(condition(node, "DiskPressure"))) {
            wanted.add(new Taint(DISK_PRESSURE, null, Taint.NO_SCHEDULE));
        }
        if ("True".equals(condition(node, "PIDPressure"))) {
            wanted.add(new Taint(PID_PRESSURE, null, Taint.NO_SCHEDULE));
        }
        if ("True".equals(condition(node, "NetworkUnavailable"))) {
            wanted.add(new Taint(NETWORK_UNAVAILABLE, null, Taint.NO_SCHEDULE));
        }
        List<Taint> result = new ArrayList<>();
        for (Taint taint : current) {
            if (!OWNED.contains(taint.key)) {
                result.add(taint);
            }
        }
        for (Taint taint : wanted) {
            Taint kept = current.stream().filter(t -> same(t, taint)).findFirst().orElse(null);
            if (kept != null) {
                result.add(kept);
            } else {
                taint.timeAdded = Times.format(now);
                result.add(taint);
            }
        }
        return result;
    }

    /** True if two taint lists hold the same taints (key, value, effect and time), in any order. */
    public static boolean sameTaints(List<Taint> a, List<Taint> b) {
        List<Taint> left = a == null ? List.of() : a;
        List<Taint> right = b == null ? List.of() : b;
        return left.size() == right.size() && left.stream().allMatch(t -> right.stream()
                .anyMatch(u -> same(t, u) && Objects.equals(t.timeAdded, u.timeAdded)));
    }

    /** The NoExecute taints of a node. */
    public static List<Taint> noExecute(Node node) {
        if (node.spec == null || node.spec.taints == null) {
            return List.of();
        }
        return node.spec.taints.stream().filter(t -> Taint.NO_EXECUTE.equals(t.effect)).toList();
    }

    /** Same key, value (absent = empty) and effect: Kubernetes' Taint.MatchTaint plus the value. */
    private static boolean same(Taint a, Taint b) {
        return Objects.equals(a.key, b.key) && Objects.equals(a.effect, b.effect)
                && Objects.equals(a.value == null ? "" : a.value, b.value == null ? "" : b.value);
    }

    private static String condition(Node node, String type) {
        if (node.status == null || node.status.conditions == null) {
            return null;
        }
        for (NodeCondition condition : node.status.conditions) {
            if (type.equals(condition.type)) {
                return condition.status;
            }
        }
        return null;
    }
}
