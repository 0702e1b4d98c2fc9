package io.gantry.apiserver.kinds.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.meta.v1.StatusCause;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.kinds.DualFields;
import io.gantry.apiserver.kinds.IpAddresses;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Nodes, as {@code pkg/registry/core/node/strategy.go}: a kubelet registers its node with a
 * status, later writes it through {@code /status}; the pod range and provider ID, once set, stay.
 */
public final class NodeStrategy extends KindStrategy {

    private static final List<String> TAINT_EFFECTS = List.of("NoSchedule", "PreferNoSchedule", "NoExecute");
    private static final String ROLE_PREFIX = "node-role.kubernetes.io/";

    public NodeStrategy() {
        super(ResourceKind.NODES);
    }

    @Override
    public Set<String> subresources() {
        return Set.of("status");
    }

    @Override
    public boolean tracksGeneration() {
        return false;
    }

    /** podCIDR and podCIDRs in step (the v1 conversion); SetDefaults_NodeStatus: allocatable is the capacity unless told. */
    @Override
    public void applyDefaults(ObjectNode node) {
        if (node.get("spec") instanceof ObjectNode spec) {
            DualFields.sync(spec, "podCIDR", "podCIDRs", null, false);
        }
        JsonNode status = node.get("status");
        if (status instanceof ObjectNode s && s.get("capacity") instanceof ObjectNode capacity
                && (s.get("allocatable") == null || s.get("allocatable").isNull())) {
            s.set("allocatable", capacity.deepCopy());
        }
    }

    /** A node is created with the status its kubelet reports. */
    @Override
    public void prepareForCreate(ObjectNode node) {
    }

    @Override
    public void validate(ObjectNode node, Validator v) {
        JsonNode spec = node.path("spec");
        int i = 0;
        Set<String> seen = new HashSet<>();
        for (JsonNode taint : spec.path("taints")) {
            String at = "spec.taints[" + i++ + "]";
            String key = Trees.textOr(taint, "", "key");
            v.qualifiedName(at + ".key", key);
            String value = Trees.textOr(taint, "", "value");
            if (!value.isEmpty()) {
                v.labelValue(at + ".value", value);
            }
            String effect = Trees.textOr(taint, "", "effect");
            if (effect.isEmpty()) {
                v.required(at + ".effect");
            } else if (v.oneOf(at + ".effect", effect, TAINT_EFFECTS) && !seen.add(key + "\u0000" + effect)) {
                v.causes().add(new StatusCause("FieldValueDuplicate", "Duplicate value: \""
                        + key + ":" + effect + "\": taints must be unique by key and effect pair", at));
            }
        }
        i = 0;
        for (JsonNode cidr : spec.path("podCIDRs")) {
            cidr("spec.podCIDRs[" + i++ + "]", cidr.asText(""), v);
        }
        quantities(node.path("status").path("capacity"), "status.capacity", v);
        quantities(node.path("status").path("allocatable"), "status.allocatable", v);
    }

    @Override
    public void validateUpdate(ObjectNode node, ObjectNode old, Validator v) {
        validate(node, v);
        JsonNode oldCidrs = old.path("spec").path("podCIDRs");
        if (!oldCidrs.isEmpty() && !Trees.same(oldCidrs, node.path("spec").path("podCIDRs"))) {
            v.forbidden("spec.podCIDRs", "node updates may not change podCIDR except from \"\" to valid");
        }
        String oldProvider = Trees.textOr(old, "", "spec", "providerID");
        if (!oldProvider.isEmpty() && !oldProvider.equals(Trees.textOr(node, "", "spec", "providerID"))) {
            v.forbidden("spec.providerID", "node updates may not change providerID except from \"\" to valid");
        }
    }

    @Override
    public void validateStatusUpdate(ObjectNode node, ObjectNode old, Validator v) {
        quantities(node.path("status").path("capacity"), "status.capacity", v);
        quantities(node.path("status").path("allocatable"), "status.allocatable", v);
    }

    private static void quantities(JsonNode list, String path, Validator v) {
        list.fields().forEachRemaining(e -> v.quantity(path + "[" + e.getKey() + "]", e.getValue()));
    }

    private static void cidr(String field, String cidr, Validator v) {
        int slash = cidr.indexOf('/');
        String address = slash > 0 ? cidr.substring(0, slash) : "";
        String bits = slash > 0 ? cidr.substring(slash + 1) : "";
        int max = IpAddresses.isIPv4(address) ? 32 : IpAddresses.isIPv6(address) ? 128 : -1;
        boolean valid = max > 0 && bits.matches("[0-9]{1,3}") && Integer.parseInt(bits) <= max;
        if (!valid) {
            v.invalid(field, cidr, "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)");
        }
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("spec.unschedulable",
                node -> String.valueOf(node.path("spec").path("unschedulable").asBoolean(false)));
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.NAME,
                Column.of("Status", "The status of the node", NodeStrategy::status),
                Column.of("Roles", "The roles of the node", NodeStrategy::roles),
                Column.AGE,
                Column.of("Version", "Kubelet Version reported by the node.",
                        node -> Trees.textOr(node, "", "status", "nodeInfo", "kubeletVersion")),
                Column.wide("Internal-IP", "List of addresses reachable to the node.", node -> address(node, "InternalIP")),
                Column.wide("External-IP", "List of addresses reachable to the node.", node -> address(node, "ExternalIP")),
                Column.wide("OS-Image", "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 "
                        + "(wheezy)).", node -> info(node, "osImage")),
                Column.wide("Kernel-Version", "Kernel Version reported by the node from 'uname -r' (e.g. "
                        + "3.16.0-0.bpo.4-amd64).", node -> info(node, "kernelVersion")),
                Column.wide("Container-Runtime", "ContainerRuntime Version reported by the node through runtime "
                        + "remote API (e.g. containerd://1.4.2).", node -> info(node, "containerRuntimeVersion")));
    }

    /** Ready, NotReady or Unknown from the Ready condition, then SchedulingDisabled when cordoned. */
    static String status(ObjectNode node) {
        List<String> status = new ArrayList<>();
        for (JsonNode condition : node.path("status").path("conditions")) {
            if ("Ready".equals(condition.path("type").asText())) {
                status.clear();
                status.add("True".equals(condition.path("status").asText()) ? "Ready" : "NotReady");
            }
        }
        if (status.isEmpty()) {
            status.add("Unknown");
        }
        if (node.path("spec").path("unschedulable").asBoolean(false)) {
            status.add("SchedulingDisabled");
        }
        return String.join(",", status);
    }

    /** The roles from {@code node-role.kubernetes.io/ROLE} and {@code kubernetes.io/role} labels. */
    static String roles(ObjectNode node) {
        Set<String> roles = new TreeSet<>();
        node.path("metadata").path("labels").fields().forEachRemaining(label -> {
            String key = label.getKey();
            if (key.startsWith(ROLE_PREFIX) && key.length() > ROLE_PREFIX.length()) {
                roles.add(key.substring(ROLE_PREFIX.length()));
            } else if (key.equals("kubernetes.io/role") && !label.getValue().asText("").isEmpty()) {
                roles.add(label.getValue().asText());
            }
        });
        return roles.isEmpty() ? Cells.NONE : String.join(",", roles);
    }

    private static String address(ObjectNode node, String type) {
        for (JsonNode address : node.path("status").path("addresses")) {
            if (type.equals(address.path("type").asText())) {
                return address.path("address").asText("");
            }
        }
        return Cells.NONE;
    }

    private static String info(ObjectNode node, String field) {
        String value = Trees.textOr(node, "", "status", "nodeInfo", field);
        return value.isEmpty() ? "<unknown>" : value;
    }
}
