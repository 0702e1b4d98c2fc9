package io.gantry.apiserver.kinds;

import static io.gantry.apiserver.kinds.KindTesting.cells;
import static io.gantry.apiserver.kinds.KindTesting.created;
import static io.gantry.apiserver.kinds.KindTesting.createCauses;
import static io.gantry.apiserver.kinds.KindTesting.header;
import static io.gantry.apiserver.kinds.KindTesting.updateCauses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.kinds.node.NodeStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class NodeStrategyTest {

    private final NodeStrategy nodes = new NodeStrategy();

    private static final String NODE = """
            metadata: {name: node-1, labels: {node-role.kubernetes.io/control-plane: ""}}
            spec: {podCIDR: 127.1.0.0/16, podCIDRs: [127.1.0.0/16]}
            status:
              capacity: {cpu: "2", memory: 4Gi, pods: "110"}
              conditions: [{type: MemoryPressure, status: "False"}, {type: Ready, status: "True"}]
              addresses: [{type: InternalIP, address: 127.0.0.1}, {type: Hostname, address: node-1}]
              nodeInfo: {kubeletVersion: v1.32.0-gantry, osImage: Debian GNU/Linux 12, kernelVersion: 6.1.0,
                         containerRuntimeVersion: docker://20.10.24}
            """;

    @Test
    void aNodeKeepsItsReportedStatusOnCreateAndAllocatableDefaultsToCapacity() {
        ObjectNode node = created(nodes, NODE);
        assertEquals("True", node.at("/status/conditions/1/status").asText());
        assertEquals(node.at("/status/capacity"), node.at("/status/allocatable"));
        assertEquals(List.of(), createCauses(nodes, NODE));
    }

    @Test
    void taintsAndCidrsAreChecked() {
        assertEquals(List.of("spec.taints[0].effect|FieldValueNotSupported|Unsupported value: \"Sometimes\": "
                        + "supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\""),
                createCauses(nodes, "{metadata: {name: n}, spec: {taints: [{key: a, effect: Sometimes}]}}"));
        assertEquals(List.of("spec.taints[1]|FieldValueDuplicate|Duplicate value: \"a:NoSchedule\": taints must be "
                        + "unique by key and effect pair"),
                createCauses(nodes, "{metadata: {name: n}, spec: {taints: [{key: a, effect: NoSchedule}, "
                        + "{key: a, value: b, effect: NoSchedule}]}}"));
        assertEquals(List.of("spec.podCIDRs[0]|FieldValueInvalid|Invalid value: \"127.1.0.0/40\": must be a valid "
                        + "CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"),
                createCauses(nodes, "{metadata: {name: n}, spec: {podCIDRs: [127.1.0.0/40]}}"));
    }

    @Test
    void thePodRangeOnceSetStays() {
        assertEquals(List.of("spec.podCIDRs|FieldValueForbidden|Forbidden: node updates may not change podCIDR except "
                        + "from \"\" to valid"),
                updateCauses(nodes, NODE, NODE.replace("[127.1.0.0/16]", "[127.2.0.0/16]")));
        assertEquals(List.of(), updateCauses(nodes, "{metadata: {name: n}}", "{metadata: {name: n}, spec: {podCIDRs: [127.2.0.0/16]}}"));
        assertEquals(List.of("spec.podCIDRs|FieldValueForbidden|Forbidden: node updates may not change podCIDR except "
                        + "from \"\" to valid"),
                updateCauses(nodes, NODE, NODE.replace("podCIDR: 127.1.0.0/16, podCIDRs: [127.1.0.0/16]", "podCIDR: 127.3.0.0/16")));
        assertEquals("[\"127.4.0.0/16\"]", created(nodes, "{metadata: {name: n}, spec: {podCIDR: 127.4.0.0/16}}")
                .at("/spec/podCIDRs").toString());
    }

    @Test
    void columnsAreThoseOfKubectlGetNodes() {
        ObjectNode node = created(nodes, NODE);
        assertEquals(List.of("Name", "Status", "Roles", "Age", "Version", "Internal-IP", "External-IP", "OS-Image",
                "Kernel-Version", "Container-Runtime"), header(nodes, true));
        assertEquals(List.of("node-1", "Ready", "control-plane", "<unknown>", "v1.32.0-gantry", "127.0.0.1", "<none>",
                "Debian GNU/Linux 12", "6.1.0", "docker://20.10.24"), cells(nodes, node, true));
        node.with("spec").put("unschedulable", true);
        node.withArray("/status/conditions").removeAll();
        assertEquals("Unknown,SchedulingDisabled", cells(nodes, node, false).get(1));
        assertEquals("true", nodes.fieldSelectors().get("spec.unschedulable").apply(node));
    }
}
