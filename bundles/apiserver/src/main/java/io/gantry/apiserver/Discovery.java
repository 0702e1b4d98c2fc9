package io.gantry.apiserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Kinds;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The documents clients read to learn what the API serves, all derived from the kinds'
 * strategies: legacy discovery ({@code /api}, {@code /apis}, {@code /api/v1},
 * {@code /apis/GROUP[/VERSION]}), the aggregated form kubectl ≥ 1.30 asks for first
 * ({@code apidiscovery.k8s.io/v2}), and {@code /version}.
 */
final class Discovery {

    static final String KUBERNETES_VERSION = "v1.32.0";
    /** The Content-Type of aggregated discovery; clients decide by it alone. */
    static final String AGGREGATED = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";
    static final String AGGREGATED_BETA = "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, List<String>> SUBRESOURCE_VERBS = Map.of(
            "status", List.of("get", "patch", "update"),
            "scale", List.of("get", "patch", "update"),
            "finalize", List.of("update"),
            "binding", List.of("create"),
            "eviction", List.of("create"),
            "log", List.of("get"),
            "exec", List.of("create", "get"),
            "attach", List.of("create", "get"),
            "portforward", List.of("create", "get"));

    private final Kinds kinds;

    Discovery(Kinds kinds) {
        this.kinds = kinds;
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

    /** True when the Accept header prefers aggregated discovery (v2 or v2beta1). */
    static String aggregatedType(String accept) {
        if (accept == null) {
            return null;
        }
        for (String part : accept.split(",")) {
            String type = part.replace(" ", "");
            if (type.contains("as=APIGroupDiscoveryList") && type.contains("g=apidiscovery.k8s.io")) {
                return type.contains("v=v2beta1") ? AGGREGATED_BETA : AGGREGATED;
            }
            if (type.startsWith("application/json") || type.startsWith("*/*")) {
                return null; // the client prefers the legacy form
            }
        }
        return null;
    }

    ObjectNode apiVersions(String serverAddress) {
        ObjectNode versions = NODES.objectNode();
        versions.put("kind", "APIVersions");
        versions.putArray("versions").add("v1");
        versions.putArray("serverAddressByClientCIDRs").addObject()
                .put("clientCIDR", "0.0.0.0/0").put("serverAddress", serverAddress);
        return versions;
    }

    ObjectNode apiGroups() {
        ObjectNode groups = NODES.objectNode();
        groups.put("kind", "APIGroupList");
        groups.put("apiVersion", "v1");
        ArrayNode list = groups.putArray("groups");
        for (Map.Entry<String, List<String>> group : groups().entrySet()) {
            list.add(apiGroup(group.getKey(), group.getValue()));
        }
        return groups;
    }

    /** {@code /apis/GROUP}, or null when the group is not served. */
    ObjectNode apiGroup(String group) {
        List<String> versions = groups().get(group);
        if (versions == null) {
            return null;
        }
        ObjectNode document = apiGroup(group, versions);
        document.put("kind", "APIGroup");
        document.put("apiVersion", "v1");
        return document;
    }

    private static ObjectNode apiGroup(String group, List<String> versions) {
        ObjectNode document = NODES.objectNode();
        document.put("name", group);
        ArrayNode list = document.putArray("versions");
        for (String version : versions) {
            list.addObject().put("groupVersion", group + "/" + version).put("version", version);
        }
        document.putObject("preferredVersion").put("groupVersion", group + "/" + versions.get(0))
                .put("version", versions.get(0));
        return document;
    }

    /** Groups other than the core group, with their versions, in order of first appearance. */
    private Map<String, List<String>> groups() {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        for (KindStrategy strategy : kinds.all()) {
            ResourceKind<?> kind = strategy.kind();
            if (!kind.group().isEmpty()) {
                List<String> versions = groups.computeIfAbsent(kind.group(), g -> new ArrayList<>());
                if (!versions.contains(kind.version())) {
                    versions.add(kind.version());
                }
            }
        }
        return groups;
    }

    /** {@code /api/v1} or {@code /apis/GROUP/VERSION}: an APIResourceList, or null when not served. */
    ObjectNode resources(String group, String version) {
        List<KindStrategy> served = served(group, version);
        if (served.isEmpty()) {
            return null;
        }
        ObjectNode list = NODES.objectNode();
        list.put("kind", "APIResourceList");
        list.put("apiVersion", "v1");
        list.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
        ArrayNode resources = list.putArray("resources");
        for (KindStrategy strategy : served) {
            ResourceKind<?> kind = strategy.kind();
            ObjectNode resource = resources.addObject();
            resource.put("name", kind.plural());
            resource.put("singularName", kind.singular());
            resource.put("namespaced", kind.namespaced());
            resource.put("kind", kind.kind());
            verbs(resource.putArray("verbs"), strategy.verbs());
            strings(resource, "shortNames", kind.shortNames());
            strings(resource, "categories", strategy.categories());
            resource.put("storageVersionHash", Integer.toHexString(kind.qualifiedName().hashCode()));
            for (String sub : new TreeSet<>(strategy.subresources())) {
                ObjectNode subresource = resources.addObject();
                subresource.put("name", kind.plural() + "/" + sub);
                subresource.put("singularName", "");
                subresource.put("namespaced", kind.namespaced());
                subresourceKind(subresource, kind, sub);
                verbs(subresource.putArray("verbs"), SUBRESOURCE_VERBS.getOrDefault(sub, List.of("get")));
            }
        }
        return list;
    }

    private static void subresourceKind(ObjectNode resource, ResourceKind<?> kind, String sub) {
        switch (sub) {
            case "scale" -> resource.put("group", "autoscaling").put("version", "v1").put("kind", "Scale");
            case "binding" -> resource.put("kind", "Binding");
            case "eviction" -> resource.put("group", "policy").put("version", "v1").put("kind", "Eviction");
            case "log", "exec", "attach", "portforward" -> resource.put("kind", sub.equals("log") ? "Pod"
                    : "Pod" + Character.toUpperCase(sub.charAt(0)) + sub.substring(1) + "Options");
            default -> resource.put("kind", kind.kind());
        }
    }

    /** The aggregated discovery document of {@code /api} (core = true) or {@code /apis}. */
    ObjectNode aggregated(boolean core, String contentType) {
        ObjectNode document = NODES.objectNode();
        document.put("kind", "APIGroupDiscoveryList");
        document.put("apiVersion", contentType.equals(AGGREGATED_BETA) ? "apidiscovery.k8s.io/v2beta1"
                : "apidiscovery.k8s.io/v2");
        document.putObject("metadata");
        ArrayNode items = document.putArray("items");
        Map<String, List<String>> groups = new LinkedHashMap<>();
        if (core) {
            groups.put("", List.of("v1"));
        } else {
            groups.putAll(groups());
        }
        for (Map.Entry<String, List<String>> group : groups.entrySet()) {
            ObjectNode item = items.addObject();
            item.putObject("metadata").put("name", group.getKey());
            ArrayNode versions = item.putArray("versions");
            for (String version : group.getValue()) {
                ObjectNode entry = versions.addObject();
                entry.put("version", version);
                entry.put("freshness", "Current");
                ArrayNode resources = entry.putArray("resources");
                for (KindStrategy strategy : served(group.getKey(), version)) {
                    resources.add(aggregatedResource(strategy));
                }
            }
        }
        return document;
    }

    private static ObjectNode aggregatedResource(KindStrategy strategy) {
        ResourceKind<?> kind = strategy.kind();
        ObjectNode resource = NODES.objectNode();
        resource.put("resource", kind.plural());
        resource.putObject("responseKind").put("group", kind.group()).put("version", kind.version())
                .put("kind", kind.kind());
        resource.put("scope", kind.namespaced() ? "Namespaced" : "Cluster");
        resource.put("singularResource", kind.singular());
        verbs(resource.putArray("verbs"), strategy.verbs());
        strings(resource, "shortNames", kind.shortNames());
        strings(resource, "categories", strategy.categories());
        if (!strategy.subresources().isEmpty()) {
            ArrayNode subresources = resource.putArray("subresources");
            for (String sub : new TreeSet<>(strategy.subresources())) {
                ObjectNode subresource = subresources.addObject();
                subresource.put("subresource", sub);
                ObjectNode scratch = NODES.objectNode();
                subresourceKind(scratch, kind, sub);
                subresource.putObject("responseKind")
                        .put("group", scratch.path("group").asText(kind.group()))
                        .put("version", scratch.path("version").asText(kind.version()))
                        .put("kind", scratch.path("kind").asText());
                verbs(subresource.putArray("verbs"), SUBRESOURCE_VERBS.getOrDefault(sub, List.of("get")));
            }
        }
        return resource;
    }

    private List<KindStrategy> served(String group, String version) {
        List<KindStrategy> served = new ArrayList<>();
        for (KindStrategy strategy : kinds.all()) {
            if (strategy.kind().group().equals(group) && strategy.kind().version().equals(version)) {
                served.add(strategy);
            }
        }
        return served;
    }

    private static void verbs(ArrayNode array, java.util.Collection<String> verbs) {
        new TreeSet<>(verbs).forEach(array::add);
    }

    private static void strings(ObjectNode resource, String field, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode array = resource.putArray(field);
            values.forEach(array::add);
        }
    }

    static Set<String> subresourceNames() {
        return SUBRESOURCE_VERBS.keySet();
    }
}
