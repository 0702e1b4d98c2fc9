package io.gantry.kubelet;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeAddress;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.NodeStatus;
import io.gantry.api.core.v1.NodeSystemInfo;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.Times;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kubelet reports about its node: capacity and allocatable, addresses, versions, and the
 * conditions in Kubernetes' order (MemoryPressure, DiskPressure, PIDPressure, Ready).
 */
final class NodeStatuses {

    static final String KUBELET_VERSION = "v1.32.0-gantry";

    private NodeStatuses() {
    }

    /**
     * The node's status now.
     *
     * @param runtimeVersion the default runtime's version, or null when it is not reachable
     * @param notReadyMessage why the node is not ready, when runtimeVersion is null
     * @param kubeletPort     the port of the kubelet's endpoint on hostIp, or 0 when it has none
     */
    static NodeStatus status(Node previous, String hostIp, String hostname, String runtimeVersion,
                             String notReadyMessage, NodeResources resources, int kubeletPort) {
        return status(previous, hostIp, hostname, runtimeVersion, notReadyMessage, resources, kubeletPort, NodePressure.NONE);
    }

    /** The node's status now, with the host's pressure as observed. */
    static NodeStatus status(Node previous, String hostIp, String hostname, String runtimeVersion,
                             String notReadyMessage, NodeResources resources, int kubeletPort, NodePressure pressure) {
        NodeStatus status = new NodeStatus();
        status.capacity = ordered(resources.capacity());
        status.allocatable = ordered(resources.allocatable());
        status.addresses = List.of(new NodeAddress("InternalIP", hostIp), new NodeAddress("Hostname", hostname));
        NodeSystemInfo info = new NodeSystemInfo();
        info.kernelVersion = System.getProperty("os.version");
        info.osImage = osImage();
        info.operatingSystem = "linux";
        info.architecture = architecture();
        info.containerRuntimeVersion = runtimeVersion == null ? "unknown" : runtimeVersion;
        info.kubeletVersion = KUBELET_VERSION;
        info.kubeProxyVersion = KUBELET_VERSION;
        status.nodeInfo = info;
        if (kubeletPort > 0) {
            // where the API server reaches this kubelet for logs and exec (NodeDaemonEndpoints)
            ObjectNode endpoints = Json.mapper().createObjectNode();
            endpoints.putObject("kubeletEndpoint").put("Port", kubeletPort);
            status.extra("daemonEndpoints", endpoints);
        }

        boolean ready = runtimeVersion != null;
        String now = Times.now();
        List<NodeCondition> conditions = new ArrayList<>();
        conditions.add(condition(previous, now, "MemoryPressure", pressure.memory(), "KubeletHasInsufficientMemory",
                "kubelet has insufficient memory available", "KubeletHasSufficientMemory",
                "kubelet has sufficient memory available"));
        conditions.add(condition(previous, now, "DiskPressure", pressure.disk(), "KubeletHasDiskPressure",
                "kubelet has disk pressure", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"));
        conditions.add(condition(previous, now, "PIDPressure", pressure.pids(), "KubeletHasInsufficientPID",
                "kubelet has insufficient PID available", "KubeletHasSufficientPID", "kubelet has sufficient PID available"));
        conditions.add(condition(previous, now, "Ready", ready, "KubeletReady", "kubelet is posting ready status",
                "KubeletNotReady", notReadyMessage));
        status.conditions = conditions;
        return status;
    }

    /** A condition, True with the first reason; its transition time kept while its status stays. */
    private static NodeCondition condition(Node previous, String now, String type, boolean isTrue, String trueReason,
            String trueMessage, String falseReason, String falseMessage) {
        NodeCondition condition = new NodeCondition();
        condition.type = type;
        condition.status = isTrue ? "True" : "False";
        condition.reason = isTrue ? trueReason : falseReason;
        condition.message = isTrue ? trueMessage : falseMessage;
        condition.lastHeartbeatTime = now;
        condition.lastTransitionTime = now;
        if (previous != null && previous.status != null && previous.status.conditions != null) {
            for (NodeCondition old : previous.status.conditions) {
                if (type.equals(old.type) && condition.status.equals(old.status) && old.lastTransitionTime != null) {
                    condition.lastTransitionTime = old.lastTransitionTime;
                }
            }
        }
        return condition;
    }

    private static Map<String, String> ordered(Map<String, String> resources) {
        Map<String, String> ordered = new LinkedHashMap<>();
        for (String name : List.of("cpu", "memory", "pods")) {
            if (resources.containsKey(name)) {
                ordered.put(name, resources.get(name));
            }
        }
        return ordered;
    }

    private static String osImage() {
        try {
            for (String line : Files.readAllLines(Path.of("/etc/os-release"))) {
                if (line.startsWith("PRETTY_NAME=")) {
                    return line.substring("PRETTY_NAME=".length()).replace("\"", "");
                }
            }
        } catch (IOException e) {
            // fall through
        }
        return System.getProperty("os.name");
    }

    private static String architecture() {
        String arch = System.getProperty("os.arch");
        return switch (arch) {
            case "x86_64", "amd64" -> "amd64";
            case "aarch64" -> "arm64";
            default -> arch;
        };
    }
}
