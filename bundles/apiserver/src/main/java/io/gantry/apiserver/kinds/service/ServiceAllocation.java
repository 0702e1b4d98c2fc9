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

    private ServiceAllocation() {
    }

    static void allocate(ObjectNode service, ObjectNode old, List<ObjectNode> others, Validator v, ServiceRanges ranges) {
        ObjectNode spec = Trees.object(service, "spec");
        String type = Trees.textOr(spec, "ClusterIP", "type");
        clusterIP(spec, type, old, others, v, ranges);
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            nodePorts(spec, others, v, ranges);
        }
    }

    private static void clusterIP(ObjectNode spec, String type, ObjectNode old, List<ObjectNode> others, Validator v,
                                  ServiceRanges ranges) {
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
            if (ip == null || !ranges.contains(ip)) {
                v.invalid(field, GoValue.stringSlice(spec.path("clusterIPs").isEmpty()
                                ? JsonNodeFactory.instance.arrayNode().add(requested) : spec.path("clusterIPs")),
                        "failed to allocate IP " + requested + ": the provided IP (" + requested + ") is not in the "
                                + "valid range. The range of valid IPs is " + ranges.clusterIPRange());
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
        int size = ranges.size();
        int start = 2 + ThreadLocalRandom.current().nextInt(size - 3);
        for (int i = 0; i < size - 3; i++) {
            int candidate = ranges.base() + 2 + ((start - 2 + i) % (size - 3));
            if (!used.contains(candidate)) {
                setIp(spec, format(candidate));
                return;
            }
        }
        v.invalid("spec.clusterIPs", "[]", "failed to allocate IP: range is full");
    }

    private static void nodePorts(ObjectNode spec, List<ObjectNode> others, Validator v, ServiceRanges ranges) {
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
            if (nodePort < ranges.nodePortMin() || nodePort > ranges.nodePortMax()) {
                v.invalid(field, nodePort, "provided port is not in the valid range. The range of valid ports is "
                        + ranges.nodePortMin() + "-" + ranges.nodePortMax());
            } else if (!used.add(nodePort)) {
                v.invalid(field, nodePort, "provided port is already allocated");
            }
        }
        int span = ranges.nodePortMax() - ranges.nodePortMin() + 1;
        for (ObjectNode port : ports) {
            if (port.path("nodePort").asInt(0) != 0) {
                continue;
            }
            int start = ThreadLocalRandom.current().nextInt(span);
            boolean found = false;
            for (int i = 0; i < span && !found; i++) {
                int candidate = ranges.nodePortMin() + (start + i) % span;
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

    static Integer parse(String ip) {
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

    static String format(int ip) {
        return ((ip >>> 24) & 255) + "." + ((ip >>> 16) & 255) + "." + ((ip >>> 8) & 255) + "." + (ip & 255);
    }
}
