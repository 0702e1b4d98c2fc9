package io.gantry.apiserver.kinds.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.json.Json;
import io.gantry.apiserver.kinds.GoValue;
import io.gantry.apiserver.kinds.IpAddresses;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks a service as Kubernetes' {@code ValidateService} and {@code ValidateServiceUpdate} do. */
final class ServiceValidation {

    private static final List<String> TYPES = List.of("ClusterIP", "ExternalName", "LoadBalancer", "NodePort");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");
    private static final List<String> AFFINITIES = List.of("ClientIP", "None");
    private static final List<String> TRAFFIC_POLICIES = List.of("Cluster", "Local");
    private static final List<String> FAMILY_POLICIES = List.of("PreferDualStack", "RequireDualStack", "SingleStack");
    private static final List<String> FAMILIES = List.of("IPv4", "IPv6");
    private static final Pattern DNS_1035 = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    /** The node port range kube-apiserver's default {@code --service-node-port-range} gives. */

    private ServiceValidation() {
    }

    static void validate(ObjectNode service, Validator v, ServiceRanges ranges) {
        String name = Trees.textOr(service, "", "metadata", "name");
        if (!name.isEmpty() && name.length() <= 63 && !DNS_1035.matcher(name).matches()
                && name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            v.invalid("metadata.name", name, "a DNS-1035 label must consist of lower case alphanumeric characters or "
                    + "'-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  "
                    + "or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')");
        }
        JsonNode spec = service.path("spec");
        String type = Trees.textOr(spec, "", "type");
        v.oneOf("spec.type", type, TYPES);
        String clusterIP = Trees.textOr(spec, "", "clusterIP");
        boolean headless = clusterIP.equals("None");
        JsonNode ports = spec.path("ports");
        if (ports.isEmpty() && !headless && !type.equals("ExternalName")) {
            v.required("spec.ports");
        }
        if (type.equals("ExternalName")) {
            String externalName = Trees.textOr(spec, "", "externalName");
            if (externalName.isEmpty()) {
                v.required("spec.externalName");
            } else {
                v.dns1123Subdomain("spec.externalName", externalName.endsWith(".")
                        ? externalName.substring(0, externalName.length() - 1) : externalName);
            }
        }
        ports(spec, type, v, ranges);
        v.labels("spec.selector", spec.path("selector"));
        String affinity = Trees.textOr(spec, "", "sessionAffinity");
        if (v.oneOf("spec.sessionAffinity", affinity, AFFINITIES) && affinity.equals("ClientIP")) {
            long timeout = spec.path("sessionAffinityConfig").path("clientIP").path("timeoutSeconds").asLong(0);
            if (timeout <= 0 || timeout > 86400) {
                v.invalid("spec.sessionAffinityConfig.clientIP.timeoutSeconds", timeout,
                        "must be greater than 0 and less than 86400");
            }
        }
        if (!clusterIP.isEmpty() && !headless && !isIp(clusterIP)) {
            v.invalid("spec.clusterIPs[0]", clusterIP, IpAddresses.INVALID_IP);
        }
        int i = 0;
        for (JsonNode ip : spec.path("externalIPs")) {
            if (!isIp(ip.asText(""))) {
                v.invalid("spec.externalIPs[" + i + "]", ip.asText(""), IpAddresses.INVALID_IP);
            }
            i++;
        }
        String external = Trees.text(spec, "externalTrafficPolicy");
        if (external != null && !external.isEmpty()) {
            boolean accessible = type.equals("LoadBalancer") || type.equals("NodePort")
                    || (type.equals("ClusterIP") && !spec.path("externalIPs").isEmpty());
            if (!accessible) {
                v.invalid("spec.externalTrafficPolicy", external, "may only be set for externally-accessible services");
            } else {
                v.oneOf("spec.externalTrafficPolicy", external, TRAFFIC_POLICIES);
            }
        }
        v.oneOf("spec.internalTrafficPolicy", Trees.text(spec, "internalTrafficPolicy"), TRAFFIC_POLICIES);
        v.oneOf("spec.ipFamilyPolicy", Trees.text(spec, "ipFamilyPolicy"), FAMILY_POLICIES);
        i = 0;
        for (JsonNode family : spec.path("ipFamilies")) {
            v.oneOf("spec.ipFamilies[" + i++ + "]", family.asText(""), FAMILIES);
        }
    }

    private static void ports(JsonNode spec, String type, Validator v, ServiceRanges ranges) {
        JsonNode ports = spec.path("ports");
        boolean many = ports.size() > 1;
        Set<String> names = new HashSet<>();
        Set<String> pairs = new HashSet<>();
        Set<String> nodePorts = new HashSet<>();
        for (int i = 0; i < ports.size(); i++) {
            JsonNode port = ports.get(i);
            String at = "spec.ports[" + i + "]";
            String name = Trees.textOr(port, "", "name");
            if (name.isEmpty()) {
                if (many) {
                    v.required(at + ".name");
                }
            } else if (v.dns1123Label(at + ".name", name) && !names.add(name)) {
                v.duplicate(at + ".name", name);
            }
            long number = port.path("port").asLong(0);
            v.port(at + ".port", number);
            String protocol = Trees.textOr(port, "", "protocol");
            if (protocol.isEmpty()) {
                v.required(at + ".protocol");
            } else {
                v.oneOf(at + ".protocol", protocol, PROTOCOLS);
            }
            JsonNode target = port.get("targetPort");
            if (target != null && target.isNumber()) {
                v.port(at + ".targetPort", target.asLong());
            } else if (target != null && target.isTextual()) {
                v.portName(at + ".targetPort", target.asText());
            }
            long nodePort = port.path("nodePort").asLong(0);
            if (nodePort != 0) {
                if (type.equals("ClusterIP")) {
                    v.forbidden(at + ".nodePort", "may not be used when `type` is 'ClusterIP'");
                } else if (nodePort < ranges.nodePortMin() || nodePort > ranges.nodePortMax()) {
                    v.invalid(at + ".nodePort", nodePort, "provided port is not in the valid range. The range of valid "
                            + "ports is " + ranges.nodePortMin() + "-" + ranges.nodePortMax());
                } else if (!nodePorts.add(protocol + "/" + nodePort)) {
                    v.duplicate(at + ".nodePort", nodePort);
                }
            }
            if (!pairs.add(protocol + "/" + number)) {
                v.duplicate(at, ServiceStrategy.servicePortKey(protocol, number));
            }
        }
    }

    /** The cluster IPs, once allocated, stay (unless the service is or becomes an ExternalName). */
    static void update(ObjectNode service, ObjectNode old, Validator v) {
        JsonNode spec = service.path("spec");
        JsonNode oldSpec = old.path("spec");
        if (Trees.textOr(spec, "", "type").equals("ExternalName") || Trees.textOr(oldSpec, "", "type").equals("ExternalName")) {
            return;
        }
        JsonNode ips = ips(spec);
        JsonNode oldIps = ips(oldSpec);
        for (int i = 0; i < oldIps.size() && i < ips.size(); i++) {
            if (!oldIps.get(i).asText("").equals(ips.get(i).asText(""))) {
                v.invalid("spec.clusterIPs[" + i + "]", GoValue.stringSlice(ips), "may not change once set");
            }
        }
    }

    /** The cluster IPs, the primary one read from {@code clusterIP} (which clients write). */
    private static JsonNode ips(JsonNode spec) {
        ArrayNode array = Json.mapper().createArrayNode();
        String ip = Trees.textOr(spec, "", "clusterIP");
        JsonNode ips = spec.path("clusterIPs");
        if (!ip.isEmpty()) {
            array.add(ip);
        } else if (!ips.isEmpty()) {
            array.add(ips.get(0));
        }
        for (int i = 1; i < ips.size(); i++) {
            array.add(ips.get(i));
        }
        return array;
    }

    static boolean isIp(String text) {
        return IpAddresses.isIp(text);
    }
}
