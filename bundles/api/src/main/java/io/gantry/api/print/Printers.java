package io.gantry.api.print;

import io.gantry.api.core.v1.ContainerStatus;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeAddress;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.meta.v1.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Column values as kubectl shows them: a pod's READY, STATUS and RESTARTS, a node's STATUS and
 * ROLES, and AGE (after {@code pkg/printers/internalversion/printers.go} in Kubernetes).
 */
public final class Printers {

    private static final String ROLE_LABEL = "node-role.kubernetes.io/";

    private Printers() {
    }

    /** READY of a pod: ready containers / containers. */
    public static String podReady(Pod pod) {
        int ready = 0;
        for (ContainerStatus status : containerStatuses(pod)) {
            if (status.ready) {
                ready++;
            }
        }
        return ready + "/" + pod.spec.containers.size();
    }

    /** RESTARTS of a pod: the sum over its containers. */
    public static int podRestarts(Pod pod) {
        int restarts = 0;
        for (ContainerStatus status : containerStatuses(pod)) {
            restarts += status.restartCount;
        }
        return restarts;
    }

    /**
     * STATUS of a pod: the phase, or the reason a container waits or ended, or Terminating;
     * as kubectl computes it.
     */
    public static String podStatus(Pod pod) {
        String reason = pod.status == null || pod.status.phase == null ? "Pending" : pod.status.phase;
        if (pod.status != null && pod.status.reason != null && !pod.status.reason.isEmpty()) {
            reason = pod.status.reason;
        }
        boolean hasRunning = false;
        List<ContainerStatus> statuses = containerStatuses(pod);
        for (int i = statuses.size() - 1; i >= 0; i--) {
            ContainerStatus container = statuses.get(i);
            if (container.state == null) {
                continue;
            }
            if (container.state.waiting != null && container.state.waiting.reason != null
                    && !container.state.waiting.reason.isEmpty()) {
                reason = container.state.waiting.reason;
            } else if (container.state.terminated != null) {
                if (container.state.terminated.reason != null && !container.state.terminated.reason.isEmpty()) {
                    reason = container.state.terminated.reason;
                } else if (container.state.terminated.signal != null && container.state.terminated.signal != 0) {
                    reason = "Signal:" + container.state.terminated.signal;
                } else {
                    reason = "ExitCode:" + container.state.terminated.exitCode;
                }
            } else if (container.ready && container.state.running != null) {
                hasRunning = true;
            }
        }
        if (reason.equals("Completed") && hasRunning) {
            reason = hasPodReadyCondition(pod) ? "Running" : "NotReady";
        }
        if (pod.metadata.deletionTimestamp != null) {
            reason = "Terminating";
        }
        return reason;
    }

    /** STATUS of a node: Ready, NotReady or Unknown, with SchedulingDisabled when cordoned. */
    public static String nodeStatus(Node node) {
        List<String> conditions = new ArrayList<>();
        String ready = "Unknown";
        if (node.status != null && node.status.conditions != null) {
            for (NodeCondition condition : node.status.conditions) {
                if ("Ready".equals(condition.type)) {
                    ready = "True".equals(condition.status) ? "Ready" : "False".equals(condition.status) ? "NotReady" : "Unknown";
                }
            }
        }
        conditions.add(ready);
        if (Boolean.TRUE.equals(node.spec.unschedulable)) {
            conditions.add("SchedulingDisabled");
        }
        return String.join(",", conditions);
    }

    /** ROLES of a node, from its {@code node-role.kubernetes.io/*} labels; {@code <none>} without. */
    public static String nodeRoles(Node node) {
        TreeSet<String> roles = new TreeSet<>();
        Map<String, String> labels = node.metadata.labels == null ? Map.of() : node.metadata.labels;
        for (Map.Entry<String, String> label : labels.entrySet()) {
            if (label.getKey().startsWith(ROLE_LABEL) && label.getKey().length() > ROLE_LABEL.length()) {
                roles.add(label.getKey().substring(ROLE_LABEL.length()));
            } else if (label.getKey().equals("kubernetes.io/role")) {
                roles.add(label.getValue());
            }
        }
        return roles.isEmpty() ? "<none>" : String.join(",", roles);
    }

    /** A node's address of one type ({@code InternalIP}), or {@code <none>}. */
    public static String nodeAddress(Node node, String type) {
        if (node.status != null && node.status.addresses != null) {
            for (NodeAddress address : node.status.addresses) {
                if (type.equals(address.type)) {
                    return address.address;
                }
            }
        }
        return "<none>";
    }

    /** STATUS of a namespace: its phase. */
    public static String namespaceStatus(Namespace namespace) {
        return namespace.status == null || namespace.status.phase == null ? "Active" : namespace.status.phase;
    }

    /** AGE of an object created at this timestamp, now. */
    public static String age(String creationTimestamp) {
        Instant created = Times.parse(creationTimestamp);
        return created == null ? "<unknown>" : humanDuration(Duration.between(created, Instant.now()));
    }

    /**
     * A duration as kubectl prints ages: {@code 45s}, {@code 3m12s}, {@code 12m}, {@code 5h3m},
     * {@code 2d5h}, {@code 12d}, {@code 1y30d} (after apimachinery's HumanDuration).
     */
    public static String humanDuration(Duration duration) {
        long seconds = Math.max(0, duration.getSeconds());
        if (seconds < 60 * 2) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        }
        if (hours < 24 * 365 * 8) {
            long days = hours / 24 % 365;
            return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
        }
        return hours / 24 / 365 + "y";
    }

    private static boolean hasPodReadyCondition(Pod pod) {
        return pod.status != null && pod.status.conditions != null && pod.status.conditions.stream()
                .anyMatch(c -> "Ready".equals(c.type) && "True".equals(c.status));
    }

    private static List<ContainerStatus> containerStatuses(Pod pod) {
        return pod.status == null || pod.status.containerStatuses == null ? List.of() : pod.status.containerStatuses;
    }

    /**
     * Rows as kubectl prints a table: each column as wide as its widest cell, columns three
     * spaces apart, no trailing blanks. The first row is the header.
     */
    public static String columns(List<List<String>> rows) {
        List<Integer> widths = new ArrayList<>();
        for (List<String> row : rows) {
            for (int i = 0; i < row.size(); i++) {
                int width = String.valueOf(row.get(i)).length();
                if (i == widths.size()) {
                    widths.add(width);
                } else {
                    widths.set(i, Math.max(widths.get(i), width));
                }
            }
        }
        StringBuilder out = new StringBuilder();
        for (List<String> row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.size(); i++) {
                String cell = String.valueOf(row.get(i));
                line.append(cell);
                if (i < row.size() - 1) {
                    line.append(" ".repeat(widths.get(i) - cell.length() + 3));
                }
            }
            out.append(line.toString().stripTrailing()).append('\n');
        }
        return out.toString();
    }
}
