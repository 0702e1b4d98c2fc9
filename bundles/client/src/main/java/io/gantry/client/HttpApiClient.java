package io.gantry.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ApiResource;
import io.gantry.api.client.DynamicClient;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchListener;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The {@link ApiClient} (and {@link DynamicClient}) of a node without an API server of its own:
 * the same calls, objects and errors as the in-process registry gives, over the REST API of the
 * control plane's API servers. A non-2xx answer becomes an {@link ApiException} carrying the
 * server's Status, so callers see the same codes, reasons and messages either way; a server that
 * cannot be reached is left for the next one ({@link ApiTransport}); watches continue across
 * servers ({@link HttpWatch}). Writes name the field manager {@code gantry} and ignore unknown
 * fields, as the API server's own components' writes do.
 *
 * <p>Lists are read in pages of {@code pageSize} objects from one snapshot; a page whose snapshot
 * is gone (410, as after a failover to another server) starts the list again.
 */
public final class HttpApiClient implements ApiClient, DynamicClient, AutoCloseable {

    /** The service property that tells this client from the in-process one. */
    public static final String TRANSPORT = "gantry.api.transport";
    public static final String TRANSPORT_HTTP = "http";

    private static final String FIELD_MANAGER = "gantry";
    private static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    private static final int LIST_ATTEMPTS = 3;

    private final ApiTransport transport;
    private final int pageSize;
    /** The leader term every write carries ({@link #fencedBy}), or null. */
    private final String leaderTerm;

    /** A client of the given servers with the default settings and pages of 500 objects. */
    public HttpApiClient(ApiServers servers) {
        this(servers, ApiTransport.Settings.DEFAULTS, 500);
    }

    HttpApiClient(ApiServers servers, ApiTransport.Settings settings, int pageSize) {
        this(new ApiTransport(servers, settings), pageSize, null);
    }

    private HttpApiClient(ApiTransport transport, int pageSize, String leaderTerm) {
        this.transport = transport;
        this.pageSize = pageSize;
        this.leaderTerm = leaderTerm;
    }

    /** This client over the same connections, every write carrying the term; closing it closes them too. */
    @Override
    public ApiClient fencedBy(LeaderElection.Term term) {
        return new HttpApiClient(transport, pageSize, term.token());
    }

    /** The servers this client talks to, for their source to update. */
    public ApiServers servers() {
        return transport.servers();
    }

    @Override
    public void close() {
        transport.close();
    }

    // --- ApiClient ---

    @Override
    public <T extends KubeObject> T create(ResourceKind<T> kind, T object) {
        ObjectNode tree = tree(kind, object);
        String path = collection(kind, namespaceOf(kind, tree)) + writeQuery();
        return typed(kind, call("POST", path, Json.bytes(tree)));
    }

    @Override
    public <T extends KubeObject> T get(ResourceKind<T> kind, String namespace, String name) {
        return typed(kind, call("GET", object(kind, namespaceOr(kind, namespace), required(kind, name), null), null));
    }

    @Override
    public <T extends KubeObject> KubeList<T> list(ResourceKind<T> kind, String namespace, ListOptions options) {
        ObjectNode list = listTree(collection(kind, namespace), options);
        ObjectReader reader = Json.reader(kind.type(), options != null && options.stripManagedFields());
        List<T> items = new ArrayList<>();
        for (JsonNode item : list.path("items")) {
            try {
                items.add(reader.readValue(item));
            } catch (IOException e) {
                throw ApiException.internal("the API server's " + kind.qualifiedName() + " cannot be read as "
                        + kind.kind() + ": " + e.getMessage());
            }
        }
        return new KubeList<>(kind.apiVersion(), kind.listKind(), list.path("metadata").path("resourceVersion").asText(),
                items);
    }

    @Override
    public <T extends KubeObject> T update(ResourceKind<T> kind, T object) {
        ObjectNode tree = tree(kind, object);
        String path = object(kind, namespaceOf(kind, tree), required(kind, nameOf(tree)), null) + writeQuery();
        return typed(kind, call("PUT", path, Json.bytes(tree)));
    }

    @Override
    public <T extends KubeObject> T updateStatus(ResourceKind<T> kind, T object) {
        ObjectNode tree = tree(kind, object);
        String path = object(kind, namespaceOf(kind, tree), required(kind, nameOf(tree)), "status") + writeQuery();
        return typed(kind, call("PUT", path, Json.bytes(tree)));
    }

    @Override
    public <T extends KubeObject> T delete(ResourceKind<T> kind, String namespace, String name, DeleteOptions options) {
        String path = object(kind, namespaceOr(kind, namespace), required(kind, name), null);
        return typed(kind, call("DELETE", path, options == null ? null : Json.bytes(options)));
    }

    @Override
    public void bind(Binding binding) {
        ObjectNode tree = Json.mapper().valueToTree(binding);
        tree.put("apiVersion", "v1");
        tree.put("kind", "Binding");
        String namespace = binding.metadata.namespace == null || binding.metadata.namespace.isEmpty() ? "default"
                : binding.metadata.namespace;
        String path = object(ResourceKind.PODS, namespace, required(ResourceKind.PODS, binding.metadata.name), "binding")
                + writeQuery();
        call("POST", path, Json.bytes(tree));
    }

    @Override
    public <T extends KubeObject> Watch watch(ResourceKind<T> kind, String namespace, ListOptions options,
                                              WatchListener<T> listener) {
        ListOptions opts = options == null ? ListOptions.ALL : options;
        return HttpWatch.open(transport, kind, collection(kind, namespace), selectors(opts), opts.resourceVersion(),
                Json.reader(kind.type(), opts.stripManagedFields()), listener);
    }

    // --- DynamicClient ---

    @Override
    public List<ApiResource> resources() {
        List<ApiResource> resources = new ArrayList<>();
        ObjectNode core = call("GET", "/api", null);
        for (JsonNode version : core.path("versions")) {
            describe(resources, "", version.asText());
        }
        ObjectNode groups = call("GET", "/apis", null);
        for (JsonNode group : groups.path("groups")) {
            for (JsonNode version : group.path("versions")) {
                describe(resources, group.path("name").asText(), version.path("version").asText());
            }
        }
        return resources;
    }

    @Override
    public Optional<ApiResource> resolve(String name) {
        // the same rules as the server's: plural, singular, kind or short name, optionally .group
        String wanted = name.toLowerCase(Locale.ROOT);
        String group = null;
        int dot = wanted.indexOf('.');
        if (dot > 0) {
            group = wanted.substring(dot + 1);
            wanted = wanted.substring(0, dot);
        }
        for (ApiResource resource : resources()) {
            if (group != null && !resource.group().equals(group)) {
                continue;
            }
            if (resource.plural().equals(wanted) || resource.singular().equals(wanted)
                    || resource.kind().toLowerCase(Locale.ROOT).equals(wanted) || resource.shortNames().contains(wanted)) {
                return Optional.of(resource);
            }
        }
        return Optional.empty();
    }

    @Override
    public ObjectNode get(ApiResource resource, String namespace, String name) {
        return call("GET", ApiPaths.object(resource.group(), resource.version(), resource.plural(), resource.namespaced(),
                namespace, name, null), null);
    }

    @Override
    public ObjectNode list(ApiResource resource, String namespace, ListOptions options) {
        return listTree(ApiPaths.collection(resource.group(), resource.version(), resource.plural(),
                resource.namespaced(), namespace), options);
    }

    @Override
    public ObjectNode table(ApiResource resource, String namespace, String name, ListOptions options) {
        Map<String, String> parameters = name != null ? ApiPaths.parameters()
                : selectors(options == null ? ListOptions.ALL : options);
        parameters.put("includeObject", "Metadata");
        String path = name != null
                ? ApiPaths.object(resource.group(), resource.version(), resource.plural(), resource.namespaced(),
                        namespace, name, null)
                : ApiPaths.collection(resource.group(), resource.version(), resource.plural(), resource.namespaced(),
                        namespace);
        return tree(transport.send("GET", path + ApiPaths.query(parameters), null, TABLE));
    }

    private void describe(List<ApiResource> resources, String group, String version) {
        ObjectNode list = call("GET", group.isEmpty() ? "/api/" + version : "/apis/" + group + "/" + version, null);
        for (JsonNode resource : list.path("resources")) {
            String plural = resource.path("name").asText();
            if (plural.contains("/")) {
                continue; // a subresource
            }
            resources.add(new ApiResource(group, version, plural, resource.path("singularName").asText(),
                    resource.path("kind").asText(), resource.path("namespaced").asBoolean(),
                    strings(resource.path("shortNames")), strings(resource.path("categories"))));
        }
    }

    // --- requests ---

    /** A full list: page after page of one snapshot, started again if the snapshot is gone. */
    private ObjectNode listTree(String collection, ListOptions options) {
        ListOptions opts = options == null ? ListOptions.ALL : options;
        for (int attempt = 1; ; attempt++) {
            try {
                return pages(collection, opts);
            } catch (ApiException e) {
                if (!e.isExpired() || attempt >= LIST_ATTEMPTS) {
                    throw e;
                }
                // the snapshot of the continue token expired, or the pages moved to another server
            }
        }
    }

    private ObjectNode pages(String collection, ListOptions options) {
        ObjectNode first = null;
        String next = null;
        do {
            Map<String, String> parameters = selectors(options);
            if (pageSize > 0) {
                parameters.put("limit", String.valueOf(pageSize));
            }
            if (next != null) {
                parameters.put("continue", next);
            } else if (options.resourceVersion() != null) {
                parameters.put("resourceVersion", options.resourceVersion());
            }
            ObjectNode page = call("GET", collection + ApiPaths.query(parameters), null);
            if (first == null) {
                first = page;
            } else {
                first.withArray("items").addAll(page.withArray("items"));
            }
            next = page.path("metadata").path("continue").asText("");
            next = next.isEmpty() ? null : next;
        } while (next != null);
        ObjectNode metadata = first.withObjectProperty("metadata");
        metadata.remove("continue");
        metadata.remove("remainingItemCount");
        return first;
    }

    /** Sends a request and reads its JSON answer; a non-2xx answer is thrown as its Status. */
    private ObjectNode call(String method, String pathAndQuery, byte[] body) {
        return tree(transport.send(method, pathAndQuery, body, null, method.equals("GET") ? null : leaderTerm));
    }

    private static ObjectNode tree(ApiTransport.Answer answer) {
        if (!answer.ok()) {
            throw ApiTransport.error(answer);
        }
        try {
            JsonNode tree = Json.mapper().readTree(answer.body());
            if (tree instanceof ObjectNode object) {
                return object;
            }
        } catch (IOException e) {
            throw ApiException.internal("the API server " + answer.server() + " answered with no JSON object: "
                    + e.getMessage());
        }
        throw ApiException.internal("the API server " + answer.server() + " answered with no JSON object");
    }

    private static String writeQuery() {
        return ApiPaths.query(ApiPaths.parameters("fieldManager", FIELD_MANAGER, "fieldValidation", "Ignore"));
    }

    private static Map<String, String> selectors(ListOptions options) {
        return ApiPaths.parameters("labelSelector", options.labelSelector(), "fieldSelector", options.fieldSelector());
    }

    private static String collection(ResourceKind<?> kind, String namespace) {
        return ApiPaths.collection(kind.group(), kind.version(), kind.plural(), kind.namespaced(), namespace);
    }

    private static String object(ResourceKind<?> kind, String namespace, String name, String subresource) {
        return ApiPaths.object(kind.group(), kind.version(), kind.plural(), kind.namespaced(), namespace, name,
                subresource);
    }

    /** An empty name would address the collection: it names no object, as the in-process client says. */
    private static String required(ResourceKind<?> kind, String name) {
        if (name == null || name.isEmpty()) {
            throw ApiException.notFound(kind, name == null ? "" : name);
        }
        return name;
    }

    /** The namespace of a namespaced kind's object ({@code default} if none), null for the others. */
    private static String namespaceOr(ResourceKind<?> kind, String namespace) {
        if (!kind.namespaced()) {
            return null;
        }
        return namespace == null || namespace.isEmpty() ? "default" : namespace;
    }

    private static String namespaceOf(ResourceKind<?> kind, ObjectNode tree) {
        return namespaceOr(kind, tree.path("metadata").path("namespace").asText(""));
    }

    private static String nameOf(ObjectNode tree) {
        return tree.path("metadata").path("name").asText("");
    }

    /** The object as a body: with its kind and apiVersion, which a typed object may leave out. */
    private static ObjectNode tree(ResourceKind<?> kind, Object object) {
        ObjectNode tree = Json.mapper().valueToTree(object);
        if (tree.path("apiVersion").asText("").isEmpty()) {
            tree.put("apiVersion", kind.apiVersion());
        }
        if (tree.path("kind").asText("").isEmpty()) {
            tree.put("kind", kind.kind());
        }
        return tree;
    }

    private static <T extends KubeObject> T typed(ResourceKind<T> kind, ObjectNode tree) {
        try {
            return Json.mapper().treeToValue(tree, kind.type());
        } catch (IOException e) {
            throw ApiException.internal("the API server's " + kind.qualifiedName() + " cannot be read as " + kind.kind()
                    + ": " + e.getMessage());
        }
    }

    private static List<String> strings(JsonNode array) {
        List<String> strings = new ArrayList<>();
        array.forEach(value -> strings.add(value.asText()));
        return List.copyOf(strings);
    }
}
