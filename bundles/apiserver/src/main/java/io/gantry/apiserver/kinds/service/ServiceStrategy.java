package io.gantry.apiserver.kinds.service;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.kinds.DualFields;
import io.gantry.apiserver.kinds.GoValue;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.NameRule;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * v1 Services, as {@code pkg/registry/core/service/strategy.go} and SetDefaults_Service: type
 * ClusterIP, session affinity None, TCP ports whose target is the port itself, traffic policies
 * Cluster. The cluster IP is allocated elsewhere; once set it stays, and an update that omits it
 * (or a node port) keeps the allocated value, as kube-apiserver's patchAllocatedValues does.
 */
public final class ServiceStrategy extends KindStrategy {

    private volatile ServiceRanges ranges = ServiceRanges.DEFAULT;

    public ServiceStrategy() {
        super(ResourceKind.SERVICES);
    }

    /** Where new services get cluster IPs and node ports from now on (allocated ones stay). */
    public void ranges(ServiceRanges ranges) {
        this.ranges = ranges;
    }

    public ServiceRanges ranges() {
        return ranges;
    }

    @Override
    public List<String> categories() {
        return List.of("all");
    }

    @Override
    public Set<String> subresources() {
        return Set.of("status");
    }

    /** Services have no generation in Kubernetes. */
    @Override
    public boolean tracksGeneration() {
        return false;
    }

    /** A DNS-1123 label here; {@link #validate} adds DNS-1035's leading letter. */
    @Override
    public NameRule nameRule() {
        return NameRule.DNS1123_LABEL;
    }

    /** As kube-apiserver, a PUT of a missing service creates it. */
    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public void applyDefaults(ObjectNode service) {
        ServiceDefaults.apply(service);
    }

    @Override
    public void prepareForCreate(ObjectNode service) {
        service.putObject("status").putObject("loadBalancer");
    }

    @Override
    public void prepareForUpdate(ObjectNode service, ObjectNode old) {
        super.prepareForUpdate(service, old);
        ServiceDefaults.keepAllocated(service, old);
        ServiceDefaults.dropTypeDependentFields(service, old);
    }

    @Override
    public boolean allocates() {
        return true;
    }

    @Override
    public void allocate(ObjectNode service, ObjectNode old, List<ObjectNode> others, Validator v) {
        ServiceAllocation.allocate(service, old, others, v, ranges);
    }

    @Override
    public void validate(ObjectNode service, Validator v) {
        ServiceValidation.validate(service, v, ranges);
    }

    @Override
    public void validateUpdate(ObjectNode service, ObjectNode old, Validator v) {
        validate(service, v);
        ServiceValidation.update(service, old, v);
    }

    @Override
    public void validateStatusUpdate(ObjectNode service, ObjectNode old, Validator v) {
        int i = 0;
        for (JsonNode ingress : service.path("status").path("loadBalancer").path("ingress")) {
            String ip = Trees.textOr(ingress, "", "ip");
            if (!ip.isEmpty() && !ServiceValidation.isIp(ip)) {
                v.invalid("status.loadBalancer.ingress[" + i + "].ip", ip, "must be a valid IP address");
            }
            i++;
        }
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("spec.clusterIP", svc -> Trees.textOr(svc, "", "spec", "clusterIP"),
                "spec.type", svc -> Trees.textOr(svc, "", "spec", "type"));
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.NAME,
                Column.of("Type", "type determines how the Service is exposed.", svc -> Trees.textOr(svc, "", "spec", "type")),
                Column.of("Cluster-IP", "clusterIP is the IP address of the service.", ServiceStrategy::clusterIP),
                Column.of("External-IP", "externalIPs is a list of IP addresses for which nodes in the cluster will "
                        + "also accept traffic for this service.", ServiceStrategy::externalIP),
                Column.of("Port(s)", "The list of ports that are exposed by this service.", ServiceStrategy::ports),
                Column.AGE,
                Column.wide("Selector", "Route service traffic to pods with label keys and values matching this "
                        + "selector.", svc -> Cells.labels(svc.path("spec").path("selector"))));
    }

    private static String clusterIP(ObjectNode service) {
        JsonNode ips = service.path("spec").path("clusterIPs");
        String ip = ips.isEmpty() ? Trees.textOr(service, "", "spec", "clusterIP") : ips.get(0).asText("");
        return Cells.orNone(ip);
    }

    /** EXTERNAL-IP as getServiceExternalIP: external IPs, load balancer ingress, {@code <pending>}. */
    private static String externalIP(ObjectNode service) {
        JsonNode spec = service.path("spec");
        List<String> external = new ArrayList<>();
        spec.path("externalIPs").forEach(ip -> external.add(ip.asText("")));
        switch (Trees.textOr(spec, "", "type")) {
            case "ClusterIP", "NodePort" -> {
                return external.isEmpty() ? Cells.NONE : String.join(",", external);
            }
            case "LoadBalancer" -> {
                Set<String> ingress = new TreeSet<>();
                for (JsonNode point : service.path("status").path("loadBalancer").path("ingress")) {
                    String ip = Trees.textOr(point, "", "ip");
                    String host = Trees.textOr(point, "", "hostname");
                    if (!ip.isEmpty()) {
                        ingress.add(ip);
                    } else if (!host.isEmpty()) {
                        ingress.add(host);
                    }
                }
                List<String> all = new ArrayList<>(ingress);
                all.addAll(external);
                return all.isEmpty() ? "<pending>" : String.join(",", all);
            }
            case "ExternalName" -> {
                return Trees.textOr(spec, "", "externalName");
            }
            default -> {
                return "<unknown>";
            }
        }
    }

    /** PORT(S) as makePortString: {@code 80/TCP}, {@code 80:30080/TCP}. */
    private static String ports(ObjectNode service) {
        List<String> pieces = new ArrayList<>();
        for (JsonNode port : service.path("spec").path("ports")) {
            long nodePort = port.path("nodePort").asLong(0);
            String protocol = Trees.textOr(port, "", "protocol");
            long number = port.path("port").asLong(0);
            pieces.add(nodePort > 0 ? number + ":" + nodePort + "/" + protocol : number + "/" + protocol);
        }
        return pieces.isEmpty() ? Cells.NONE : String.join(",", pieces);
    }

    /** The defaults and the allocated values an update keeps. */
    static final class ServiceDefaults {

        private ServiceDefaults() {
        }

        static void apply(ObjectNode service) {
            ObjectNode spec = Trees.object(service, "spec");
            if (Trees.textOr(spec, "", "sessionAffinity").isEmpty()) {
                spec.put("sessionAffinity", "None");
            }
            if ("None".equals(Trees.text(spec, "sessionAffinity"))) {
                spec.remove("sessionAffinityConfig");
            } else if ("ClientIP".equals(Trees.text(spec, "sessionAffinity"))) {
                Trees.defaultLong(Trees.object(spec, "sessionAffinityConfig", "clientIP"), "timeoutSeconds", 10800);
            }
            if (Trees.textOr(spec, "", "type").isEmpty()) {
                spec.put("type", "ClusterIP");
            }
            String type = Trees.text(spec, "type");
            for (ObjectNode port : Trees.objects(spec, "ports")) {
                if (Trees.textOr(port, "", "protocol").isEmpty()) {
                    port.put("protocol", "TCP");
                }
                JsonNode target = port.get("targetPort");
                boolean unset = target == null || target.isNull() || (target.isNumber() && target.asLong() == 0)
                        || (target.isTextual() && target.asText().isEmpty());
                if (unset && port.has("port")) {
                    port.set("targetPort", port.get("port"));
                }
            }
            if (externallyAccessible(spec) && Trees.textOr(spec, "", "externalTrafficPolicy").isEmpty()) {
                spec.put("externalTrafficPolicy", "Cluster");
            }
            if (!type.equals("ExternalName")) {
                Trees.defaultText(spec, "internalTrafficPolicy", "Cluster");
                Trees.defaultText(spec, "ipFamilyPolicy", "SingleStack");
                DualFields.sync(spec, "clusterIP", "clusterIPs", null, true);
                if (spec.path("ipFamilies").isEmpty()) {
                    String ip = Trees.textOr(spec, "", "clusterIP");
                    spec.putArray("ipFamilies").add(ip.contains(":") ? "IPv6" : "IPv4");
                }
            }
            if (type.equals("LoadBalancer")) {
                Trees.defaultBoolean(spec, "allocateLoadBalancerNodePorts", true);
            }
        }

        static void keepAllocated(ObjectNode service, ObjectNode old) {
            ObjectNode spec = Trees.object(service, "spec");
            JsonNode oldSpec = old.path("spec");
            String type = Trees.textOr(spec, "", "type");
            String oldType = Trees.textOr(oldSpec, "", "type");
            if (type.equals("ExternalName") || oldType.equals("ExternalName")) {
                return;
            }
            if (Trees.textOr(spec, "", "clusterIP").isEmpty() && !Trees.textOr(oldSpec, "", "clusterIP").isEmpty()) {
                spec.set("clusterIP", oldSpec.get("clusterIP").deepCopy());
                if (oldSpec.has("clusterIPs")) {
                    spec.set("clusterIPs", oldSpec.get("clusterIPs").deepCopy());
                }
                if (oldSpec.has("ipFamilies")) {
                    spec.set("ipFamilies", oldSpec.get("ipFamilies").deepCopy());
                }
            }
            if (usesNodePorts(type) && usesNodePorts(oldType)) {
                Map<String, Long> byName = new HashMap<>();
                Set<Long> used = new HashSet<>();
                for (JsonNode port : oldSpec.path("ports")) {
                    byName.put(port.path("name").asText(""), port.path("nodePort").asLong(0));
                }
                for (JsonNode port : spec.path("ports")) {
                    used.add(port.path("nodePort").asLong(0));
                }
                for (ObjectNode port : Trees.objects(spec, "ports")) {
                    Long previous = byName.get(port.path("name").asText(""));
                    if (port.path("nodePort").asLong(0) == 0 && previous != null && previous != 0 && !used.contains(previous)) {
                        port.put("nodePort", previous);
                    }
                }
            }
        }

        /**
         * As kube-apiserver's dropTypeDependentFields: a change of type wipes what the new type does
         * not use (cluster IPs for ExternalName, node ports, the external traffic policy, the load
         * balancer status), when the client left those values as they were.
         */
        static void dropTypeDependentFields(ObjectNode service, ObjectNode old) {
            ObjectNode spec = Trees.object(service, "spec");
            JsonNode oldSpec = old.path("spec");
            String type = Trees.textOr(spec, "", "type");
            String oldType = Trees.textOr(oldSpec, "", "type");
            if (!oldType.equals("ExternalName") && type.equals("ExternalName")) {
                if (same(spec, oldSpec, "clusterIP") && same(spec, oldSpec, "clusterIPs")) {
                    spec.remove("clusterIP");
                    spec.remove("clusterIPs");
                }
                if (same(spec, oldSpec, "ipFamilies")) {
                    spec.remove("ipFamilies");
                }
                if (same(spec, oldSpec, "ipFamilyPolicy")) {
                    spec.remove("ipFamilyPolicy");
                }
            }
            if (usesNodePorts(oldType) && !usesNodePorts(type)) {
                Set<Long> oldPorts = new HashSet<>();
                oldSpec.path("ports").forEach(p -> oldPorts.add(p.path("nodePort").asLong(0)));
                boolean unchanged = true;
                for (JsonNode port : spec.path("ports")) {
                    long nodePort = port.path("nodePort").asLong(0);
                    unchanged &= nodePort == 0 || oldPorts.contains(nodePort);
                }
                if (unchanged) {
                    Trees.objects(spec, "ports").forEach(port -> port.remove("nodePort"));
                }
            }
            if (oldType.equals("LoadBalancer") && !type.equals("LoadBalancer")
                    && same(spec, oldSpec, "allocateLoadBalancerNodePorts")) {
                spec.remove("allocateLoadBalancerNodePorts");
            }
            if (externallyAccessible(oldSpec) && !externallyAccessible(spec) && same(spec, oldSpec, "externalTrafficPolicy")) {
                spec.remove("externalTrafficPolicy");
            }
            if (!type.equals("LoadBalancer")) {
                Trees.object(service, "status").putObject("loadBalancer");
            }
        }

        static boolean externallyAccessible(JsonNode spec) {
            String type = Trees.textOr(spec, "", "type");
            return type.equals("LoadBalancer") || type.equals("NodePort")
                    || (type.equals("ClusterIP") && !spec.path("externalIPs").isEmpty());
        }

        private static boolean same(JsonNode spec, JsonNode oldSpec, String field) {
            return Trees.same(spec.path(field), oldSpec.path(field));
        }

        private static boolean usesNodePorts(String type) {
            return type.equals("NodePort") || type.equals("LoadBalancer");
        }
    }

    /** Shown for a duplicate (protocol, port) pair, as Go prints the key of kube-apiserver's check. */
    static GoValue servicePortKey(String protocol, long port) {
        return new GoValue("core.ServicePort{Name:\"\", Protocol:\"" + protocol + "\", AppProtocol:(*string)(nil), Port:"
                + port + ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}");
    }
}
