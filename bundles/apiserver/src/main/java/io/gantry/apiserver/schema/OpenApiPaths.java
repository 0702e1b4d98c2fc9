package io.gantry.apiserver.schema;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The OpenAPI paths of served resources, as kube-apiserver publishes them: collection, item,
 * all-namespaces list and subresource paths, each operation with its
 * {@code x-kubernetes-action} and {@code x-kubernetes-group-version-kind}. Every write operation
 * advertises {@code fieldValidation}, which is how kubectl learns to leave validation to the server
 * (cli-runtime's query parameter verifier looks for it on the PATCH operation of the kind).
 * Also collects the kinds the paths use, for the definitions.
 */
final class OpenApiPaths {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> PATCH_TYPES = List.of("application/apply-patch+yaml", "application/json-patch+json",
            "application/merge-patch+json", "application/strategic-merge-patch+json");
    private static final List<String> MEDIA_TYPES = List.of("application/json", "application/yaml",
            ProtobufCodec.CONTENT_TYPE);

    /** The kinds a subresource's body is, by subresource name; absent ones use the resource's own kind. */
    private static final Map<String, String[]> SUBRESOURCE_KINDS = Map.of(
            "scale", new String[] {"autoscaling/v1", "Scale"},
            "binding", new String[] {"v1", "Binding"},
            "eviction", new String[] {"policy/v1", "Eviction"});

    private final Schemas schemas;
    private final OpenApiSchemas definitions;
    private final OpenApiSchemas.Flavor flavor;
    private final ObjectNode paths = NODES.objectNode();
    private final Map<Descriptor, ArrayNode> kinds = new LinkedHashMap<>();

    OpenApiPaths(Schemas schemas, OpenApiSchemas.Flavor flavor) {
        this.schemas = schemas;
        this.flavor = flavor;
        this.definitions = new OpenApiSchemas(flavor);
    }

    ObjectNode paths() {
        return paths;
    }

    /** The kinds used so far, each with its group-version-kinds. */
    Map<Descriptor, ArrayNode> kinds() {
        return kinds;
    }

    OpenApiSchemas definitions() {
        return definitions;
    }

    /** Adds a resource's paths; a resource whose kind has no schema is left out. */
    void add(ServedResource resource) {
        Optional<Descriptor> kind = schemas.kind(resource.apiVersion(), resource.kind());
        if (kind.isEmpty()) {
            return;
        }
        Descriptor object = kind.get();
        Descriptor list = schemas.kind(resource.apiVersion(), resource.kind() + "List").orElse(null);
        Descriptor status = useKind("v1", "Status");
        Descriptor deleteOptions = useKind(resource.apiVersion(), "DeleteOptions");
        useKind(resource.apiVersion(), resource.kind());
        if (list != null) {
            useKind(resource.apiVersion(), resource.kind() + "List");
        }
        String prefix = "/" + resource.groupVersionPath();
        String collection = prefix + (resource.namespaced() ? "/namespaces/{namespace}/" : "/") + resource.resource();
        String item = collection + "/{name}";
        List<String> verbs = resource.verbs();
        ObjectNode collectionPath = pathItem(collection, resource.namespaced(), false);
        ObjectNode itemPath = pathItem(item, resource.namespaced(), true);
        if (verbs.contains("list") && list != null) {
            collectionPath.set("get", operation(resource, "list", "", object, null, list));
            if (resource.namespaced()) {
                pathItem(prefix + "/" + resource.resource(), false, false)
                        .set("get", operation(resource, "list", "ForAllNamespaces", object, null, list));
            }
        }
        if (verbs.contains("create")) {
            collectionPath.set("post", operation(resource, "post", "", object, object, object));
        }
        if (verbs.contains("deletecollection")) {
            collectionPath.set("delete", operation(resource, "deletecollection", "", object, deleteOptions, status));
        }
        if (verbs.contains("get")) {
            itemPath.set("get", operation(resource, "get", "", object, null, object));
        }
        if (verbs.contains("update")) {
            itemPath.set("put", operation(resource, "put", "", object, object, object));
        }
        if (verbs.contains("patch")) {
            itemPath.set("patch", operation(resource, "patch", "", object, null, object));
        }
        if (verbs.contains("delete")) {
            itemPath.set("delete", operation(resource, "delete", "", object, deleteOptions, object));
        }
        for (String subresource : resource.subresources()) {
            addSubresource(resource, object, item + "/" + subresource, subresource);
        }
        if (collectionPath.size() == 1) {
            paths.remove(collection);
        }
    }

    private void addSubresource(ServedResource resource, Descriptor object, String path, String subresource) {
        String suffix = subresource.substring(0, 1).toUpperCase(Locale.ROOT) + subresource.substring(1);
        ObjectNode item = pathItem(path, resource.namespaced(), true);
        String[] kind = SUBRESOURCE_KINDS.get(subresource);
        Descriptor body = kind == null ? object : useKind(kind[0], kind[1]);
        if (body == null) {
            paths.remove(path);
            return;
        }
        switch (subresource) {
            case "binding":
            case "eviction":
                item.set("post", operation(resource, "post", suffix, body, body, body));
                break;
            case "finalize":
                item.set("put", operation(resource, "put", suffix, body, body, body));
                break;
            case "log":
                item.set("get", operation(resource, "get", suffix, null, null, null));
                break;
            default:
                item.set("get", operation(resource, "get", suffix, body, null, body));
                item.set("put", operation(resource, "put", suffix, body, body, body));
                item.set("patch", operation(resource, "patch", suffix, body, null, body));
        }
    }

    /** The message of a kind, remembered with its group-version-kind for the definitions. */
    private Descriptor useKind(String apiVersion, String kind) {
        Descriptor message = schemas.kind(apiVersion, kind).orElse(null);
        if (message == null) {
            return null;
        }
        int slash = apiVersion.indexOf('/');
        ObjectNode entry = NODES.objectNode()
                .put("group", slash < 0 ? "" : apiVersion.substring(0, slash))
                .put("kind", kind)
                .put("version", apiVersion.substring(slash + 1));
        ArrayNode list = kinds.computeIfAbsent(message, m -> NODES.arrayNode());
        if (!contains(list, entry)) {
            list.add(entry);
        }
        return message;
    }

    private static boolean contains(ArrayNode list, ObjectNode entry) {
        for (int i = 0; i < list.size(); i++) {
            if (list.get(i).equals(entry)) {
                return true;
            }
        }
        return false;
    }

    private ObjectNode pathItem(String path, boolean namespaced, boolean named) {
        ObjectNode item = (ObjectNode) paths.get(path);
        if (item != null) {
            return item;
        }
        item = paths.putObject(path);
        ArrayNode parameters = item.putArray("parameters");
        if (named) {
            parameters.add(parameter("name", "path", "name of the object", true));
        }
        if (namespaced && path.contains("{namespace}")) {
            parameters.add(parameter("namespace", "path", "object name and auth scope, such as for teams and projects", true));
        }
        parameters.add(parameter("pretty", "query", "If 'true', then the output is pretty printed.", false));
        return item;
    }

    /**
     * One operation. {@code kind} is the kind it is about (null for one without), {@code body}
     * its request body (null for none; patches get their own), {@code response} what it answers.
     */
    private ObjectNode operation(ServedResource resource, String action, String suffix, Descriptor kind,
                                 Descriptor body, Descriptor response) {
        ObjectNode operation = NODES.objectNode();
        String tag = tag(resource);
        operation.putArray("tags").add(tag);
        operation.put("description", action + " " + resource.kind() + suffix);
        operation.put("operationId", operationId(resource, action, suffix, tag));
        ArrayNode parameters = operation.putArray("parameters");
        for (String name : queryParameters(action)) {
            parameters.add(parameter(name, "query", QUERY_PARAMETERS.get(name), false));
        }
        if (action.equals("patch")) {
            setBody(operation, parameters, NODES.objectNode().put("type", "object"), PATCH_TYPES);
        } else if (body != null) {
            setBody(operation, parameters, definitions.ref(body), List.of("*/*"));
        }
        ObjectNode responses = operation.putObject("responses");
        ObjectNode schema = response == null ? NODES.objectNode().put("type", "string") : definitions.ref(response);
        response(responses, "200", schema);
        if (action.equals("post") || action.equals("put") || action.equals("patch")) {
            response(responses, "201", schema);
        }
        if (action.equals("post") || action.equals("delete")) {
            response(responses, "202", schema);
        }
        responses.putObject("401").put("description", "Unauthorized");
        operation.put("x-kubernetes-action", action);
        if (kind != null) {
            ArrayNode gvks = kinds.get(kind);
            operation.set("x-kubernetes-group-version-kind", gvks == null || gvks.isEmpty() ? NODES.objectNode()
                    : gvks.get(0).deepCopy());
        }
        return operation;
    }

    private void setBody(ObjectNode operation, ArrayNode parameters, ObjectNode schema, List<String> mediaTypes) {
        if (flavor == OpenApiSchemas.Flavor.V2) {
            ObjectNode body = NODES.objectNode().put("name", "body").put("in", "body").put("required", true);
            body.set("schema", schema);
            parameters.insert(0, body);
            ArrayNode consumes = operation.putArray("consumes");
            mediaTypes.forEach(consumes::add);
            ArrayNode produces = operation.putArray("produces");
            MEDIA_TYPES.forEach(produces::add);
        } else {
            ObjectNode content = operation.putObject("requestBody").put("required", true).putObject("content");
            for (String mediaType : mediaTypes) {
                content.putObject(mediaType).set("schema", schema);
            }
        }
    }

    private void response(ObjectNode responses, String code, ObjectNode schema) {
        ObjectNode response = responses.putObject(code).put("description", code.equals("200") ? "OK"
                : code.equals("201") ? "Created" : "Accepted");
        if (flavor == OpenApiSchemas.Flavor.V2) {
            response.set("schema", schema);
        } else {
            ObjectNode content = response.putObject("content");
            for (String mediaType : MEDIA_TYPES) {
                content.putObject(mediaType).set("schema", schema);
            }
        }
    }

    private ObjectNode parameter(String name, String in, String description, boolean required) {
        ObjectNode parameter = NODES.objectNode().put("name", name).put("in", in).put("description", description);
        if (required) {
            parameter.put("required", true);
        }
        String type = name.equals("limit") || name.endsWith("Seconds") ? "integer"
                : name.equals("watch") || name.equals("force") || name.equals("allowWatchBookmarks")
                        || name.equals("orphanDependents") || name.equals("sendInitialEvents") ? "boolean" : "string";
        if (flavor == OpenApiSchemas.Flavor.V2) {
            parameter.put("type", type).put("uniqueItems", true);
        } else {
            parameter.putObject("schema").put("type", type).put("uniqueItems", true);
        }
        return parameter;
    }

    private static final Map<String, String> QUERY_PARAMETERS = Map.ofEntries(
            Map.entry("dryRun", "When present, indicates that modifications should not be persisted."),
            Map.entry("fieldManager", "A name associated with the actor or entity that is making these changes."),
            Map.entry("fieldValidation", "How the server treats fields the schema does not know or has twice: "
                    + "Ignore, Warn (the default) or Strict."),
            Map.entry("force", "Force is going to \"force\" Apply requests."),
            Map.entry("gracePeriodSeconds", "The duration in seconds before the object should be deleted."),
            Map.entry("propagationPolicy", "Whether and how garbage collection will be performed."),
            Map.entry("orphanDependents", "Deprecated: please use the PropagationPolicy."),
            Map.entry("labelSelector", "A selector to restrict the list of returned objects by their labels."),
            Map.entry("fieldSelector", "A selector to restrict the list of returned objects by their fields."),
            Map.entry("limit", "The maximum number of responses to return for a list call."),
            Map.entry("continue", "The continue option from a previous list call."),
            Map.entry("resourceVersion", "The resource version to list or watch from."),
            Map.entry("resourceVersionMatch", "How resourceVersion is applied to list calls."),
            Map.entry("timeoutSeconds", "Timeout for the list/watch call."),
            Map.entry("watch", "Watch for changes to the described resources."),
            Map.entry("allowWatchBookmarks", "Requests watch events with type \"BOOKMARK\"."),
            Map.entry("sendInitialEvents", "Starts a watch stream with the current state."));

    private static List<String> queryParameters(String action) {
        switch (action) {
            case "post":
            case "put":
                return List.of("dryRun", "fieldManager", "fieldValidation");
            case "patch":
                return List.of("dryRun", "fieldManager", "fieldValidation", "force");
            case "delete":
            case "deletecollection":
                List<String> delete = new ArrayList<>(List.of("dryRun", "gracePeriodSeconds", "orphanDependents",
                        "propagationPolicy"));
                if (action.equals("deletecollection")) {
                    delete.addAll(List.of("labelSelector", "fieldSelector", "limit", "continue"));
                }
                return delete;
            case "list":
                return List.of("allowWatchBookmarks", "continue", "fieldSelector", "labelSelector", "limit",
                        "resourceVersion", "resourceVersionMatch", "sendInitialEvents", "timeoutSeconds", "watch");
            default:
                return List.of();
        }
    }

    /** Kubernetes' tag of a group-version: core_v1, apps_v1, events_v1. */
    private static String tag(ServedResource resource) {
        String group = resource.group().isEmpty() ? "core" : resource.group().split("\\.")[0];
        return group + "_" + resource.version();
    }

    private static String operationId(ServedResource resource, String action, String suffix, String tag) {
        String verb = switch (action) {
            case "post" -> "create";
            case "put" -> "replace";
            case "get" -> "read";
            case "deletecollection" -> "deleteCollection";
            default -> action;
        };
        StringBuilder id = new StringBuilder(verb);
        for (String part : tag.split("_")) {
            id.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
        }
        if (resource.namespaced() && !suffix.equals("ForAllNamespaces")) {
            id.append("Namespaced");
        }
        id.append(resource.kind());
        return id.append(suffix).toString();
    }
}
