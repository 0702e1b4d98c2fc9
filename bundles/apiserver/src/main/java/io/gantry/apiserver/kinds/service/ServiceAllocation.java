package io.gantry.apiserver.kinds.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.gantry.apiserver.kinds.GoValue;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What kube-apiserver's service storage allocates: a cluster IP from the service range (inside
 * 127.0.0.0/8, so that every Linux host routes it to itself and several nodes' proxies can serve
 * it), and a node port per port of NodePort and LoadBalancer services. Requested values are
 * checked against the range and against every other service; allocated ones stay with the
 * service for its life.
 */
final class ServiceAllocation {

    /** The service range: 127.96.0.0/16. */
    static final String CLUSTER_IP_RANGE = "127.96.0.0/16";
    private static final int BASE = (127 << 24) | (96 << 16);
    private static final int SIZE = 1 << 16;
    static final int NODE_PORT_MIN = 30000;
    static final int NODE_PORT_MAX = 32767;

    private ServiceAllocation() {
    }

    static void allocate(ObjectNode service, ObjectNode old, List<ObjectNode> others, Validator v) {
        ObjectNode spec = Trees.object(service, "spec");
        String type = Trees.textOr(spec, "ClusterIP", "type");
        clusterIP(spec, type, old, others, v);
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            nodePorts(spec, others, v);
        }
    }

    private static void clusterIP(ObjectNode spec, String type, ObjectNode old, List<ObjectNode> others, Validator v) {
        if (type.equals("ExternalName")) {
            return;
        }
        String requested = Trees.textOr(spec, "", "clusterIP");
        if (requested.equals("None")) {
            return;
        }
        String kept = old == null ? "" : Trees.textOr(old, "", "spec", "clusterIP");
        if (!kept.isEmpty() && kept.equals(requested)) {
            return; // allocated before
        }
        Set<Integer> used = new HashSet<>();
        for (ObjectNode other : others) {
            Integer ip = parse(Trees.textOr(other, "", "spec", "clusterIP"));
            if (ip != null) {
                used.add(ip);
            }
        }
        if (!requested.isEmpty()) {
            Integer ip = parse(requested);
            String field = "spec.clusterIPs";
            if (ip == null || ip - BASE < 0 || ip - BASE >= SIZE) {
                v.invalid(field, GoValue.stringSlice(spec.path("clusterIPs").isEmpty()
                                ? JsonNodeFactory.instance.arrayNode().add(requested) : spec.path("clusterIPs")),
                        "failed to allocate IP " + requested + ": the provided IP (" + requested + ") is not in the "
                                + "valid range. The range of valid IPs is " + CLUSTER_IP_RANGE);
            } else if (used.contains(ip)) {
                v.invalid(field, GoValue.stringSlice(JsonNodeFactory.instance.arrayNode().add(requested)),
                        "failed to allocate IP " + requested
                        + ": provided IP is already allocated");
            } else {
                setIp(spec, requested);
            }
            return;
        }
        // the network and the first address stay free, as kube-apiserver keeps the first for itself
        int start = 2 + ThreadLocalRandom.current().nextInt(SIZE - 3);
        for (int i = 0; i < SIZE - 3; i++) {
            int candidate = BASE + 2 + ((start - 2 + i) % (SIZE - 3));
            if (!used.contains(candidate)) {
                setIp(spec, format(candidate));
                return;
            }
        }
        v.invalid("spec.clusterIPs", "[]", "failed to allocate IP: range is full");
    }

    private static void nodePorts(ObjectNode spec, List<ObjectNode> others, Validator v) {
        Set<Integer> used = new HashSet<>();
        for (ObjectNode other : others) {
            for (JsonNode port : other.path("spec").path("ports")) {
                int nodePort = port.path("nodePort").asInt(0);
                if (nodePort > 0) {
                    used.add(nodePort);
                }
            }
        }
        List<ObjectNode> ports = Trees.objects(spec, "ports");
        for (int i = 0; i < ports.size(); i++) {
            int nodePort = ports.get(i).path("nodePort").asInt(0);
            if (nodePort == 0) {
                continue;
            }
            String field = "spec.ports[" + i + "].nodePort";
            if (nodePort < NODE_PORT_MIN || nodePort > NODE_PORT_MAX) {
                v.invalid(field, nodePort, "provided port is not in the valid range. The range of valid ports is "
                        + NODE_PORT_MIN + "-" + NODE_PORT_MAX);
            } else if (!used.add(nodePort)) {
                v.invalid(field, nodePort, "provided port is already allocated");
            }
        }
        int span = NODE_PORT_MAX - NODE_PORT_MIN + 1;
        for (ObjectNode port : ports) {
            if (port.path("nodePort").asInt(0) != 0) {
                continue;
            }
            int start = ThreadLocalRandom.current().nextInt(span);
            boolean found = false;
            for (int i = 0; i < span && !found; i++) {
                int candidate = NODE_PORT_MIN + (start + i) % span;
                if (used.add(candidate)) {
                    port.put("nodePort", candidate);
                    found = true;
                }
            }
            if (!found) {
                v.invalid("spec.ports", "", "failed to allocate a node port: range is full");
            }
        }
    }

    private static void setIp(ObjectNode spec, String ip) {
        spec.put("clusterIP", ip);
        spec.putArray("clusterIPs").add(ip);
    }

    private static Integer parse(String ip) {
        String[] parts = ip.split("\\.");
        if (parts.length != 4) {
            return null;
        }
        int value = 0;
        for (String part : parts) {
            try {
                int octet = Integer.parseInt(part);
                if (octet < 0 || octet > 255) {
                    return null;
                }
                value = (value << 8) | octet;
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return value;
    }

    private static String format(int ip) {
        return ((ip >>> 24) & 255) + "." + ((ip >>> 16) & 255) + "." + ((ip >>> 8) & 255) + "." + (ip & 255);
    }
}
