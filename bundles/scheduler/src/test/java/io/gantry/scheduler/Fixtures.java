package io.gantry.scheduler;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.NodeSpec;
import io.gantry.api.core.v1.NodeStatus;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.ResourceRequirements;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.OwnerReference;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Nodes and pods for the scheduler's unit tests. */
final class Fixtures {

    private Fixtures() {
    }

    /** A Ready node with 4 CPUs, 8 GiB, 10 GiB of ephemeral storage, 110 pods, labelled with its hostname. */
    static Node node(String name) {
        Node node = new Node();
        node.metadata.name = name;
        node.metadata.labels = new HashMap<>(Map.of("kubernetes.io/hostname", name));
        node.spec = new NodeSpec();
        node.status = new NodeStatus();
        node.status.allocatable = new HashMap<>(Map.of("cpu", "4", "memory", "8Gi", "ephemeral-storage", "10Gi", "pods", "110"));
        node.status.capacity = node.status.allocatable;
        node.status.conditions = List.of(ready("True"));
        return node;
    }

    static NodeCondition ready(String status) {
        NodeCondition condition = new NodeCondition();
        condition.type = "Ready";
        condition.status = status;
        return condition;
    }

    /** A pod from the YAML of its spec (and, before a line {@code ---}, of its metadata). */
    static Pod pod(String name, String specYaml) {
        Pod pod = Json.readYaml("metadata:\n  name: " + name + "\n  namespace: default\n  uid: uid-" + name
                + "\nspec:\n" + indent(specYaml.isBlank() ? "containers: [{name: c, image: busybox}]" : specYaml), Pod.class);
        if (pod.spec.containers.isEmpty()) {
            Container container = new Container();
            container.name = "c";
            container.image = "busybox";
            pod.spec.containers.add(container);
        }
        return pod;
    }

    /** A pod requesting CPU and memory, owned by a controller (or none). */
    static Pod pod(String name, String cpu, String memory, String controllerUid) {
        Pod pod = pod(name, "");
        Container container = pod.spec.containers.get(0);
        container.resources = new ResourceRequirements();
        container.resources.requests = new HashMap<>();
        if (cpu != null) {
            container.resources.requests.put("cpu", cpu);
        }
        if (memory != null) {
            container.resources.requests.put("memory", memory);
        }
        if (controllerUid != null) {
            OwnerReference owner = new OwnerReference();
            owner.apiVersion = "apps/v1";
            owner.kind = "ReplicaSet";
            owner.name = "rs-" + controllerUid;
            owner.uid = controllerUid;
            owner.controller = true;
            pod.metadata.ownerReferences = List.of(owner);
        }
        return pod;
    }

    static Pod labelled(Pod pod, String... keyValues) {
        pod.metadata.labels = new HashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            pod.metadata.labels.put(keyValues[i], keyValues[i + 1]);
        }
        return pod;
    }

    private static String indent(String yaml) {
        StringBuilder indented = new StringBuilder();
        for (String line : yaml.split("\n")) {
            indented.append("  ").append(line).append('\n');
        }
        return indented.toString();
    }
}
