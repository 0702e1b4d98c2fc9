package io.gantry.apiserver.schema;

import java.util.List;

/** The resources issue 6 asks the API to serve, as the tests describe them to the OpenAPI documents. */
final class ServedResources {

    static final List<String> ALL_VERBS = List.of("create", "delete", "deletecollection", "get", "list", "patch",
            "update", "watch");

    static final List<ServedResource> KUBERNETES = List.of(
            core("Pod", "pods", true, "status", "log", "binding", "eviction"),
            core("Service", "services", true, "status"),
            core("Endpoints", "endpoints", true),
            core("Node", "nodes", false, "status"),
            core("Namespace", "namespaces", false, "status", "finalize"),
            core("Secret", "secrets", true),
            core("ConfigMap", "configmaps", true),
            core("ServiceAccount", "serviceaccounts", true),
            core("ReplicationController", "replicationcontrollers", true, "status", "scale"),
            core("Event", "events", true),
            new ServedResource("apps", "v1", "Deployment", "deployments", true, ALL_VERBS, List.of("status", "scale")),
            new ServedResource("apps", "v1", "ReplicaSet", "replicasets", true, ALL_VERBS, List.of("status", "scale")),
            new ServedResource("events.k8s.io", "v1", "Event", "events", true, ALL_VERBS, List.of()),
            new ServedResource("coordination.k8s.io", "v1", "Lease", "leases", true, ALL_VERBS, List.of()));

    private ServedResources() {
    }

    private static ServedResource core(String kind, String resource, boolean namespaced, String... subresources) {
        return new ServedResource("", "v1", kind, resource, namespaced, ALL_VERBS, List.of(subresources));
    }
}
