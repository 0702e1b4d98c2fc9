package io.gantry.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import java.util.List;

/**
 * The documents clients read to learn what the API serves: legacy discovery ({@code /api},
 * {@code /apis}, {@code /api/v1}), {@code /version}, and a small OpenAPI v3 that tells kubectl
 * the server validates fields itself ({@code fieldValidation}), so kubectl needs no schema.
 */
final class Discovery {

    static final String KUBERNETES_VERSION = "v1.32.0";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> VERBS = List.of("create", "delete", "get", "list", "patch", "update", "watch");
    private static final String OPENAPI_HASH = "gantry-0.1.0";

    private Discovery() {
    }

    static ObjectNode version() {
        ObjectNode version = NODES.objectNode();
        version.put("major", "1");
        version.put("minor", "32");
        version.put("gitVersion", KUBERNETES_VERSION + "-gantry");
        version.put("gitCommit", "");
        version.put("gitTreeState", "clean");
        version.put("buildDate", "2026-01-01T00:00:00Z");
        version.put("goVersion", "java" + Runtime.version().feature());
        version.put("compiler", "gantry");
        version.put("platform", "linux/amd64");
        return version;
    }

    static ObjectNode apiVersions(String serverAddress) {
        ObjectNode versions = NODES.objectNode();
        versions.put("kind", "APIVersions");
        versions.putArray("versions").add("v1");
        versions.putArray("serverAddressByClientCIDRs").addObject()
                .put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
        return versions;
    }

    static ObjectNode apiGroups() {
        ObjectNode groups = NODES.objectNode();
        groups.put("kind", "APIGroupList");
        groups.put("apiVersion", "v1");
        groups.putArray("groups");
        return groups;
    }

    static ObjectNode coreResources() {
        ObjectNode list = NODES.objectNode();
        list.put("kind", "APIResourceList");
        list.put("groupVersion", "v1");
        ArrayNode resources = list.putArray("resources");
        resource(resources, "bindings", "binding", true, "Binding", List.of("create"), List.of());
        for (ResourceKind<?> kind : ResourceKind.all()) {
            ObjectNode resource = resource(resources, kind.plural(), kind.singular(), kind.namespaced(), kind.kind(), VERBS,
                    kind.shortNames());
            if (kind == ResourceKind.PODS) {
                resource.putArray("categories").add("all");
                resource(resources, "pods/binding", "", true, "Binding", List.of("create"), List.of());
            }
            resource(resources, kind.plural() + "/status", "", kind.namespaced(), kind.kind(),
                    List.of("get", "patch", "update"), List.of());
        }
        return list;
    }

    private static ObjectNode resource(ArrayNode resources, String name, String singular, boolean namespaced, String kind,
                                       List<String> verbs, List<String> shortNames) {
        ObjectNode resource = resources.addObject();
        resource.put("name", name);
        resource.put("singularName", singular);
        resource.put("namespaced", namespaced);
        resource.put("kind", kind);
        ArrayNode verbList = resource.putArray("verbs");
        verbs.forEach(verbList::add);
        if (!shortNames.isEmpty()) {
            ArrayNode shorts = resource.putArray("shortNames");
            shortNames.forEach(shorts::add);
        }
        return resource;
    }

    static ObjectNode openApiIndex() {
        ObjectNode index = NODES.objectNode();
        index.putObject("paths").putObject("api/v1").put("serverRelativeURL", "/openapi/v3/api/v1?hash=" + OPENAPI_HASH);
        return index;
    }

    /** The OpenAPI v3 document of core/v1: for each kind, a PATCH operation that takes {@code fieldValidation}. */
    static ObjectNode openApiCoreV1() {
        ObjectNode document = NODES.objectNode();
        document.put("openapi", "3.0.0");
        document.putObject("info").put("title", "Gantry").put("version", KUBERNETES_VERSION);
        ObjectNode paths = document.putObject("paths");
        for (ResourceKind<?> kind : ResourceKind.all()) {
            String path = kind.namespaced() ? "/api/v1/namespaces/{namespace}/" + kind.plural() + "/{name}"
                    : "/api/v1/" + kind.plural() + "/{name}";
            ObjectNode patch = paths.putObject(path).putObject("patch");
            patch.put("operationId", "patchCoreV1" + kind.kind());
            patch.putObject("x-kubernetes-group-version-kind").put("group", kind.group()).put("version", kind.version())
                    .put("kind", kind.kind());
            ArrayNode parameters = patch.putArray("parameters");
            for (String name : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
                parameters.addObject().put("name", name).put("in", "query").putObject("schema").put("type", "string");
            }
        }
        document.putObject("components").putObject("schemas");
        return document;
    }
}
