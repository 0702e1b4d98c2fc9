package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Kinds;
import java.util.List;

/**
 * OpenAPI documents for clients: {@code /openapi/v3} (an index and one document per
 * group-version) and {@code /openapi/v2}. Each advertises the {@code fieldValidation} parameter,
 * so kubectl leaves field validation to the server.
 */
final class OpenApiDocuments {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String HASH = "gantry-0.2.0";

    private OpenApiDocuments() {
    }

    static ObjectNode index(Kinds kinds) {
        ObjectNode index = NODES.objectNode();
        ObjectNode paths = index.putObject("paths");
        for (String groupVersion : kinds.groupVersions()) {
            String path = groupVersion.contains("/") ? "apis/" + groupVersion : "api/" + groupVersion;
            paths.putObject(path).put("serverRelativeURL", "/openapi/v3/" + path + "?hash=" + HASH);
        }
        return index;
    }

    /** The document of {@code api/v1} or {@code apis/GROUP/VERSION}, or null. */
    static JsonNode v3(Kinds kinds, String path) {
        String groupVersion = path.startsWith("apis/") ? path.substring(5) : path.startsWith("api/") ? path.substring(4)
                : null;
        if (groupVersion == null || !kinds.groupVersions().contains(groupVersion)) {
            return null;
        }
        ObjectNode document = NODES.objectNode();
        document.put("openapi", "3.0.0");
        document.putObject("info").put("title", "Gantry").put("version", Discovery.KUBERNETES_VERSION);
        ObjectNode paths = document.putObject("paths");
        for (KindStrategy strategy : kinds.all()) {
            ResourceKind<?> kind = strategy.kind();
            if (!kind.apiVersion().equals(groupVersion)) {
                continue;
            }
            String base = kind.group().isEmpty() ? "/api/v1" : "/apis/" + groupVersion;
            String path1 = kind.namespaced() ? base + "/namespaces/{namespace}/" + kind.plural() + "/{name}"
                    : base + "/" + kind.plural() + "/{name}";
            ObjectNode patch = paths.putObject(path1).putObject("patch");
            patch.put("operationId", "patch" + kind.kind());
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

    static ObjectNode v2(Kinds kinds) {
        ObjectNode document = NODES.objectNode();
        document.put("swagger", "2.0");
        document.putObject("info").put("title", "Gantry").put("version", Discovery.KUBERNETES_VERSION);
        document.putObject("paths");
        document.putObject("definitions");
        return document;
    }
}
