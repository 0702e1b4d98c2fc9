package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Namespace;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.print.Printers;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code meta.k8s.io/v1 Table} answers, for clients that ask with
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}: the columns kubectl prints
 * for each kind ({@code priority: 1} columns only with {@code -o wide}).
 */
final class Tables {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private record Column(String name, String type, String format, String description, int priority) {
    }

    private static final List<Column> POD_COLUMNS = List.of(
            new Column("Name", "string", "name", "Name must be unique within a namespace.", 0),
            new Column("Ready", "string", "", "The aggregate readiness state of this pod for accepting traffic.", 0),
            new Column("Status", "string", "", "The aggregate status of the containers in this pod.", 0),
            new Column("Restarts", "string", "", "The number of times the containers in this pod have been restarted.", 0),
            new Column("Age", "string", "", "CreationTimestamp is the time the object was created.", 0),
            new Column("IP", "string", "", "IP address allocated to the pod.", 1),
            new Column("Node", "string", "", "Name of the node the pod is assigned to.", 1),
            new Column("Nominated Node", "string", "", "Name of the node the pod is nominated to.", 1),
            new Column("Readiness Gates", "string", "", "Pod readiness gates.", 1));
    private static final List<Column> NODE_COLUMNS = List.of(
            new Column("Name", "string", "name", "Name must be unique within a namespace.", 0),
            new Column("Status", "string", "", "The status of the node", 0),
            new Column("Roles", "string", "", "The roles of the node", 0),
            new Column("Age", "string", "", "CreationTimestamp is the time the object was created.", 0),
            new Column("Version", "string", "", "Kubelet Version reported by the node.", 0),
            new Column("Internal-IP", "string", "", "List of internal IPs in the node.", 1),
            new Column("External-IP", "string", "", "List of external IPs in the node.", 1),
            new Column("OS-Image", "string", "", "OS image reported by the node.", 1),
            new Column("Kernel-Version", "string", "", "Kernel version reported by the node.", 1),
            new Column("Container-Runtime", "string", "", "Container runtime and version reported by the node.", 1));
    private static final List<Column> NAMESPACE_COLUMNS = List.of(
            new Column("Name", "string", "name", "Name must be unique within a namespace.", 0),
            new Column("Status", "string", "", "The status of the namespace", 0),
            new Column("Age", "string", "", "CreationTimestamp is the time the object was created.", 0));

    /** What a row carries besides its cells: {@code None}, {@code Metadata} (default) or {@code Object}. */
    enum IncludeObject {
        NONE, METADATA, OBJECT;

        static IncludeObject of(String value) {
            return "None".equals(value) ? NONE : "Object".equals(value) ? OBJECT : METADATA;
        }
    }

    private Tables() {
    }

    static boolean wanted(String accept) {
        return accept != null && accept.contains("as=Table");
    }

    static ObjectNode table(ResourceKind<?> kind, List<? extends KubeObject> objects, String resourceVersion,
                            IncludeObject include) {
        ObjectNode table = NODES.objectNode();
        table.put("kind", "Table");
        table.put("apiVersion", "meta.k8s.io/v1");
        table.putObject("metadata").put("resourceVersion", resourceVersion);
        ArrayNode definitions = table.putArray("columnDefinitions");
        for (Column column : columns(kind)) {
            definitions.addObject().put("name", column.name).put("type", column.type).put("format", column.format)
                    .put("description", column.description).put("priority", column.priority);
        }
        ArrayNode rows = table.putArray("rows");
        for (KubeObject object : objects) {
            ObjectNode row = rows.addObject();
            ArrayNode cells = row.putArray("cells");
            for (String cell : cells(object)) {
                cells.add(cell);
            }
            if (include != IncludeObject.NONE) {
                row.set("object", include == IncludeObject.OBJECT ? Json.tree(object) : metadataOnly(object));
            }
        }
        return table;
    }

    private static JsonNode metadataOnly(KubeObject object) {
        ObjectNode partial = NODES.objectNode();
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", "meta.k8s.io/v1");
        partial.set("metadata", Json.tree(object.metadata));
        return partial;
    }

    private static List<Column> columns(ResourceKind<?> kind) {
        if (kind == ResourceKind.PODS) {
            return POD_COLUMNS;
        }
        return kind == ResourceKind.NODES ? NODE_COLUMNS : NAMESPACE_COLUMNS;
    }

    private static List<String> cells(KubeObject object) {
        List<String> cells = new ArrayList<>();
        cells.add(object.metadata.name);
        String age = Printers.age(object.metadata.creationTimestamp);
        if (object instanceof Pod pod) {
            cells.add(Printers.podReady(pod));
            cells.add(Printers.podStatus(pod));
            cells.add(String.valueOf(Printers.podRestarts(pod)));
            cells.add(age);
            cells.add(pod.status == null || pod.status.podIP == null ? "<none>" : pod.status.podIP);
            cells.add(pod.spec.nodeName == null || pod.spec.nodeName.isEmpty() ? "<none>" : pod.spec.nodeName);
            cells.add("<none>");
            cells.add("<none>");
        } else if (object instanceof Node node) {
            cells.add(Printers.nodeStatus(node));
            cells.add(Printers.nodeRoles(node));
            cells.add(age);
            boolean info = node.status != null && node.status.nodeInfo != null;
            cells.add(info ? node.status.nodeInfo.kubeletVersion : "");
            cells.add(Printers.nodeAddress(node, "InternalIP"));
            cells.add(Printers.nodeAddress(node, "ExternalIP"));
            cells.add(info ? node.status.nodeInfo.osImage : "<unknown>");
            cells.add(info ? node.status.nodeInfo.kernelVersion : "<unknown>");
            cells.add(info ? node.status.nodeInfo.containerRuntimeVersion : "<unknown>");
        } else if (object instanceof Namespace namespace) {
            cells.add(Printers.namespaceStatus(namespace));
            cells.add(age);
        }
        return cells;
    }
}
