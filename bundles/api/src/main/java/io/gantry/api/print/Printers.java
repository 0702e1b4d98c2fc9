package io.gantry.api.print;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerStatus;
import io.gantry.api.core.v1.EndpointAddress;
import io.gantry.api.core.v1.EndpointPort;
import io.gantry.api.core.v1.EndpointSubset;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeAddress;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodSpec;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.core.v1.ServiceSpec;
import io.gantry.api.core.v1.ServiceStatus;
import io.gantry.api.meta.v1.LabelSelector;
import io.gantry.api.meta.v1.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Column values as kubectl shows them: a pod's READY, STATUS and RESTARTS, a node's STATUS and
 * ROLES, a service's addresses and ports, an endpoints' addresses, an event's times and object,
 * selectors, and AGE (after {@code pkg/printers/internalversion/printers.go} in Kubernetes).
 */
public final class Printers {

    private static final String ROLE_LABEL = "node-role.kubernetes.io/";
    /** Load balancer addresses longer than this are cut short unless wide. */
    private static final int LOAD_BALANCER_WIDTH = 16;
    /** Endpoints beyond this many are counted, not listed. */
    private static final int MAX_ENDPOINTS = 3;

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

    /**
     * CLUSTER-IP of a service: its first cluster IP, or {@code <none>} (clusterIP stands in for
     * an object stored without clusterIPs).
     */
    public static String serviceClusterIP(Service service) {
        ServiceSpec spec = service.spec;
        if (spec != null && spec.clusterIPs != null && !spec.clusterIPs.isEmpty()) {
            return spec.clusterIPs.get(0);
        }
        return spec == null || spec.clusterIP == null || spec.clusterIP.isEmpty() ? "<none>" : spec.clusterIP;
    }

    /**
     * EXTERNAL-IP of a service: its external IPs; for a LoadBalancer the load balancer's
     * addresses too (sorted, cut to 16 characters unless wide), {@code <pending>} while it has
     * none; the external name of an ExternalName service.
     */
    public static String serviceExternalIP(Service service, boolean wide) {
        ServiceSpec spec = service.spec == null ? new ServiceSpec() : service.spec;
        List<String> externalIPs = spec.externalIPs == null ? List.of() : spec.externalIPs;
        String type = spec.type == null ? "" : spec.type;
        switch (type) {
            case ServiceSpec.CLUSTER_IP, ServiceSpec.NODE_PORT:
                return externalIPs.isEmpty() ? "<none>" : String.join(",", externalIPs);
            case ServiceSpec.LOAD_BALANCER:
                String balancer = loadBalancerAddresses(service.status, wide);
                if (!externalIPs.isEmpty()) {
                    List<String> all = new ArrayList<>();
                    if (!balancer.isEmpty()) {
                        all.addAll(List.of(balancer.split(",")));
                    }
                    all.addAll(externalIPs);
                    return String.join(",", all);
                }
                return balancer.isEmpty() ? "<pending>" : balancer;
            case ServiceSpec.EXTERNAL_NAME:
                return spec.externalName == null ? "" : spec.externalName;
            default:
                return "<unknown>";
        }
    }

    private static String loadBalancerAddresses(ServiceStatus status, boolean wide) {
        TreeSet<String> addresses = new TreeSet<>();
        if (status != null && status.loadBalancer != null && status.loadBalancer.ingress != null) {
            for (ServiceStatus.LoadBalancerIngress ingress : status.loadBalancer.ingress) {
                if (ingress.ip != null && !ingress.ip.isEmpty()) {
                    addresses.add(ingress.ip);
                } else if (ingress.hostname != null && !ingress.hostname.isEmpty()) {
                    addresses.add(ingress.hostname);
                }
            }
        }
        String joined = String.join(",", addresses);
        return !wide && joined.length() > LOAD_BALANCER_WIDTH ? joined.substring(0, LOAD_BALANCER_WIDTH - 3) + "..." : joined;
    }

    /** PORT(S) of a service: {@code 80/TCP}, {@code 80:30080/TCP} with a node port; {@code <none>}. */
    public static String servicePorts(Service service) {
        if (service.spec == null || service.spec.ports == null || service.spec.ports.isEmpty()) {
            return "<none>";
        }
        List<String> pieces = new ArrayList<>();
        for (ServicePort port : service.spec.ports) {
            String protocol = port.protocol == null ? "TCP" : port.protocol;
            boolean nodePort = port.nodePort != null && port.nodePort > 0;
            pieces.add(port.port + (nodePort ? ":" + port.nodePort : "") + "/" + protocol);
        }
        return String.join(",", pieces);
    }

    /**
     * ENDPOINTS of an Endpoints object: the first three ready {@code ip:port} (just ip for a
     * subset without ports), then {@code + N more...}; {@code <none>} without subsets.
     */
    public static String endpoints(Endpoints endpoints) {
        if (endpoints.subsets == null || endpoints.subsets.isEmpty()) {
            return "<none>";
        }
        List<String> listed = new ArrayList<>();
        int count = 0;
        for (EndpointSubset subset : endpoints.subsets) {
            List<EndpointAddress> addresses = subset.addresses == null ? List.of() : subset.addresses;
            if (subset.ports == null || subset.ports.isEmpty()) {
                // a headless service may have no ports
                count += addresses.size();
                for (EndpointAddress address : addresses) {
                    if (listed.size() < MAX_ENDPOINTS) {
                        listed.add(address.ip);
                    }
                }
                continue;
            }
            for (EndpointPort port : subset.ports) {
                count += addresses.size();
                for (EndpointAddress address : addresses) {
                    if (listed.size() < MAX_ENDPOINTS) {
                        String host = address.ip != null && address.ip.contains(":") ? "[" + address.ip + "]" : address.ip;
                        listed.add(host + ":" + port.port);
                    }
                }
            }
        }
        String joined = String.join(",", listed);
        return count > MAX_ENDPOINTS ? joined + " + " + (count - MAX_ENDPOINTS) + " more..." : joined;
    }

    /** Labels as kubectl prints them ({@code a=1,b=2}, sorted by key), {@code <none>} without. */
    public static String labels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return "<none>";
        }
        return new TreeMap<>(labels).entrySet().stream()
                .map(label -> label.getKey() + "=" + label.getValue())
                .collect(Collectors.joining(","));
    }

    /**
     * A label selector as kubectl describes it: its string form, {@code <none>} if it selects
     * everything or is absent, {@code <error>} if Kubernetes could not convert it.
     */
    public static String labelSelector(LabelSelector selector) {
        if (selector == null) {
            return "<none>";
        }
        if (!selector.isValid()) {
            return "<error>";
        }
        String text = selector.asString();
        return text.isEmpty() ? "<none>" : text;
    }

    /** CONTAINERS of a template (wide): the container names, comma separated. */
    public static String containerNames(PodSpec spec) {
        return spec == null || spec.containers == null ? ""
                : spec.containers.stream().map(c -> c.name).collect(Collectors.joining(","));
    }

    /** IMAGES of a template (wide): the container images, comma separated. */
    public static String containerImages(PodSpec spec) {
        return spec == null || spec.containers == null ? ""
                : spec.containers.stream().map((Container c) -> c.image).collect(Collectors.joining(","));
    }

    /** FIRST SEEN of an event: since firstTimestamp, or since eventTime for events without one. */
    public static String eventFirstSeen(Event event) {
        return age(isSet(event.firstTimestamp) ? event.firstTimestamp : event.eventTime);
    }

    /**
     * LAST SEEN of an event: since the series was last observed, or lastTimestamp, or else as
     * FIRST SEEN.
     */
    public static String eventLastSeen(Event event) {
        if (event.series != null) {
            return age(event.series.lastObservedTime);
        }
        return isSet(event.lastTimestamp) ? age(event.lastTimestamp) : eventFirstSeen(event);
    }

    /** COUNT of an event: the series' count, or count; 1 for a singleton without one. */
    public static int eventCount(Event event) {
        if (event.series != null) {
            return event.series.count == null ? 0 : event.series.count;
        }
        return event.count == null || event.count == 0 ? 1 : event.count;
    }

    /** OBJECT of an event: {@code pod/web}, the kind in lower case. */
    public static String eventObject(Event event) {
        String kind = event.involvedObject == null || event.involvedObject.kind == null ? ""
                : event.involvedObject.kind.toLowerCase(Locale.ROOT);
        String name = event.involvedObject == null ? null : event.involvedObject.name;
        return isSet(name) ? kind + "/" + name : kind;
    }

    /** SOURCE of an event (wide): component (or reporting component), then host (or instance). */
    public static String eventSource(Event event) {
        String component = firstSet(event.source == null ? null : event.source.component, event.reportingComponent);
        String instance = firstSet(event.source == null ? null : event.source.host, event.reportingInstance);
        return instance.isEmpty() ? component : component + ", " + instance;
    }

    private static boolean isSet(String text) {
        return text != null && !text.isEmpty();
    }

    private static String firstSet(String first, String second) {
        return isSet(first) ? first : isSet(second) ? second : "";
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
