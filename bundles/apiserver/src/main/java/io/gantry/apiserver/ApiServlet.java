package io.gantry.apiserver;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.meta.v1.Status;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Kinds;
import io.gantry.apiserver.watch.CacheWatcher;
import java.time.Duration;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import javax.servlet.Servlet;
import javax.servlet.http.HttpServlet;
import javax.servlet.http.HttpServletRequest;
import javax.servlet.http.HttpServletResponse;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kubernetes REST API over HTTP, on the OSGi HTTP whiteboard: discovery, and for every kind
 * the registry serves get, list, watch, create, update, patch, delete and deletecollection, with
 * their subresources, in the shapes and with the errors real kubectl and client libraries
 * expect. Routing is generic: kinds are found through their strategies.
 */
@Component(service = Servlet.class, property = {
        "osgi.http.whiteboard.servlet.pattern=/*",
        "osgi.http.whiteboard.servlet.name=gantry-api",
        "osgi.http.whiteboard.servlet.asyncSupported=true"})
public class ApiServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(ApiServlet.class);
    private static final String JSON = "application/json";
    /** Kubernetes ends a watch after a while; clients watch again from where they were. */
    private static final long MAX_WATCH_SECONDS = 1800;
    private static final long BOOKMARK_SECONDS = 20;


    private final transient Registry registry;
    private final transient Kinds kinds;
    private final transient ResourceStore store;
    private final transient Discovery discovery;
    private final transient ApiSchemas schemas;
    /** Heartbeats and deadlines of every asynchronous watch: one thread, as each tick is a short write. */
    private final transient java.util.concurrent.ScheduledExecutorService watchTimer =
            java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
                Thread thread = new Thread(r, "gantry-watch-timer");
                thread.setDaemon(true);
                return thread;
            });
    private final transient PodLogProxy podLogs;
    private final transient PodExecProxy podExec;

    @Activate
    public ApiServlet(@Reference Registry registry) {
        this.registry = registry;
        this.kinds = registry.kinds();
        this.store = registry.store();
        this.discovery = new Discovery(kinds);
        this.schemas = registry.schemas();
        KubeletLocator kubelets = new KubeletLocator(store, kinds);
        this.podLogs = new PodLogProxy(kubelets);
        this.podExec = new PodExecProxy(kubelets);
    }

    @org.osgi.service.component.annotations.Deactivate
    void deactivate() {
        watchTimer.shutdownNow();
    }

    @Override
    public void destroy() {
        watchTimer.shutdownNow();
        super.destroy();
    }

    /** A resource path: {@code /api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]} or {@code /apis/G/V/...}. */
    private record Target(KindStrategy kind, String namespace, String name, String subresource) {
    }

    /** Set for a request whose client accepts protobuf alone: its objects are answered in protobuf. */
    private static final ThreadLocal<ApiSchemas> PROTOBUF_ONLY = new ThreadLocal<>();

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (acceptsOnlyProtobuf(request.getHeader("Accept"))) {
            PROTOBUF_ONLY.set(schemas);
        }
        try {
            route(request, response);
        } catch (ApiException e) {
            if (e.code() >= 500) {
                LOG.warn("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            }
            status(response, e.status());
        } catch (io.gantry.api.store.StoreException e) {
            // the backend could not answer (a minority, a lost connection): nothing changed, retry
            ApiException failure = ResourceStore.storeFailure(e);
            LOG.warn("{} {}: {}", request.getMethod(), request.getRequestURI(), failure.getMessage());
            status(response, failure.status());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
            status(response, ApiException.internal(String.valueOf(e.getMessage())).status());
        } finally {
            PROTOBUF_ONLY.remove();
        }
    }

    /** True when the Accept header names protobuf and neither JSON nor a wildcard. */
    static boolean acceptsOnlyProtobuf(String accept) {
        if (accept == null || !accept.contains("application/vnd.kubernetes.protobuf")) {
            return false;
        }
        for (String part : accept.split(",")) {
            String type = part.split(";", 2)[0].trim();
            if (type.equals("application/json") || type.equals("*/*") || type.equals("application/*")
                    || type.endsWith("yaml")) {
                return false;
            }
        }
        return true;
    }

    private void route(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = path(request);
        String method = request.getMethod();
        if (method.equals("GET") && serveDocument(request, response, path)) {
            return;
        }
        Target target = target(path);
        if (target == null) {
            throw notFound();
        }
        Query query = new Query(request);
        switch (method) {
            case "GET" -> get(request, response, target, query);
            case "POST" -> post(request, response, target, query);
            case "PUT" -> put(request, response, target, query);
            case "PATCH" -> patch(request, response, target, query);
            case "DELETE" -> delete(request, response, target, query);
            default -> throw methodNotAllowed();
        }
    }

    /** Discovery, version, health: true when the path was one of them. */
    private boolean serveDocument(HttpServletRequest request, HttpServletResponse response, String path)
            throws IOException {
        String accept = request.getHeader("Accept");
        switch (path) {
            case "/version" -> write(response, 200, Discovery.version());
            case "/healthz", "/readyz", "/livez" -> text(response, 200, "ok");
            case "/api" -> {
                String aggregated = Discovery.aggregatedType(accept);
                if (aggregated != null) {
                    write(response, 200, discovery.aggregated(true, aggregated), aggregated);
                } else {
                    write(response, 200, discovery.apiVersions(request.getServerName() + ":" + request.getServerPort()));
                }
            }
            case "/apis" -> {
                String aggregated = Discovery.aggregatedType(accept);
                if (aggregated != null) {
                    write(response, 200, discovery.aggregated(false, aggregated), aggregated);
                } else {
                    write(response, 200, discovery.apiGroups());
                }
            }
            case "/api/v1" -> write(response, 200, discovery.resources("", "v1"));
            case "/openapi/v3" -> write(response, 200, schemas.openApiV3().index());
            case "/openapi/v2" -> {
                if (accept != null && accept.contains("protobuf")) {
                    bytes(response, 200, schemas.openApiV2().protobuf(),
                            io.gantry.apiserver.schema.OpenApiV2.PROTOBUF_CONTENT_TYPE);
                } else {
                    bytes(response, 200, schemas.openApiV2().document(), JSON);
                }
            }
            default -> {
                if (path.startsWith("/openapi/v3/")) {
                    byte[] document = schemas.openApiV3().document(path.substring("/openapi/v3/".length()))
                            .orElseThrow(ApiServlet::notFound);
                    bytes(response, 200, document, JSON);
                    return true;
                }
                String[] parts = path.split("/");
                if (parts.length == 3 && parts[1].equals("apis")) {
                    ObjectNode group = discovery.apiGroup(parts[2]);
                    if (group == null) {
                        throw notFound();
                    }
                    write(response, 200, group);
                    return true;
                }
                if (parts.length == 4 && parts[1].equals("apis")) {
                    ObjectNode resources = discovery.resources(parts[2], parts[3]);
                    if (resources == null) {
                        throw notFound();
                    }
                    write(response, 200, resources);
                    return true;
                }
                return false;
            }
        }
        return true;
    }

    /** The kind, namespace, name and subresource a path addresses, or null. */
    private Target target(String path) {
        String[] all = path.split("/");
        String group;
        String version;
        int start;
        if (all.length >= 4 && all[1].equals("api") && all[2].equals("v1")) {
            group = "";
            version = "v1";
            start = 3;
        } else if (all.length >= 5 && all[1].equals("apis")) {
            group = all[2];
            version = all[3];
            start = 4;
        } else {
            return null;
        }
        String[] parts = java.util.Arrays.copyOfRange(all, start, all.length);
        String namespace = null;
        int i = 0;
        if (parts.length >= 3 && parts[0].equals("namespaces")) {
            var namespaced = kinds.byResource(group, version, parts[2]).filter(k -> k.kind().namespaced());
            if (namespaced.isPresent()) {
                namespace = parts[1];
                i = 2;
            }
        }
        if (parts.length - i > 3 || parts.length - i < 1 || parts[i].isEmpty()) {
            return null;
        }
        KindStrategy kind = kinds.byResource(group, version, parts[i]).orElse(null);
        if (kind == null) {
            return null;
        }
        String name = parts.length > i + 1 ? parts[i + 1] : null;
        String subresource = parts.length > i + 2 ? parts[i + 2] : null;
        if (subresource != null && !kind.subresources().contains(subresource)) {
            return null;
        }
        if (kind.kind().namespaced() && namespace == null && name != null) {
            return null;
        }
        return new Target(kind, namespace, name, subresource);
    }

    // --- verbs ---

    private void get(HttpServletRequest request, HttpServletResponse response, Target target, Query query)
            throws IOException {
        boolean table = Tables.wanted(request.getHeader("Accept"));
        Tables.IncludeObject include = Tables.IncludeObject.of(query.text("includeObject"));
        if (target.name != null) {
            ObjectNode object;
            if (target.subresource == null || target.subresource.equals("status")) {
                object = store.get(target.kind, target.namespace, target.name);
            } else if (target.subresource.equals("scale")) {
                object = store.getScale(target.kind, target.namespace, target.name);
            } else if (target.subresource.equals("log") && target.kind == kinds.of(ResourceKind.PODS)) {
                podLogs.serve(target.namespace, target.name, query, response);
                return;
            } else if (target.subresource.equals("exec") && target.kind == kinds.of(ResourceKind.PODS)) {
                podExec.serve(target.namespace, target.name, request, response);
                return;
            } else if (target.subresource.equals("attach") && target.kind == kinds.of(ResourceKind.PODS)) {
                podExec.serveAttach(target.namespace, target.name, request, response);
                return;
            } else if (target.subresource.equals("portforward") && target.kind == kinds.of(ResourceKind.PODS)) {
                podExec.servePortForward(target.namespace, target.name, request, response);
                return;
            } else {
                throw notServedYet(target);
            }
            write(response, 200, table && target.subresource == null ? Tables.table(target.kind, object, include) : object);
            return;
        }
        if (target.subresource != null) {
            throw notFound();
        }
        Selection selection = Selection.of(target.kind, query.text("labelSelector"), query.text("fieldSelector"));
        if (query.bool("watch")) {
            watch(request, response, target, query, selection, table, include);
            return;
        }
        Long limit = query.number("limit");
        ObjectNode list = store.list(target.kind, target.namespace, selection, limit == null ? 0 : limit,
                query.text("continue"));
        write(response, 200, table ? Tables.table(target.kind, list, include) : list);
    }

    private void watch(HttpServletRequest request, HttpServletResponse response, Target target, Query query,
                       Selection selection, boolean table, Tables.IncludeObject include) throws IOException {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            // Clients that try a WebSocket first (fabric8) fall back to HTTP streaming when the
            // handshake gets a complete 200 answer, at once; a 503 would make them retry with
            // backoff for about 20 s first.
            write(response, 200, Status.failure(200, "WebSocketNotServed",
                    "watch over WebSocket is not served: watch with HTTP streaming"));
            return;
        }
        boolean bookmarks = query.bool("allowWatchBookmarks");
        Long requested = query.number("timeoutSeconds");
        long timeout = requested == null || requested <= 0 ? MAX_WATCH_SECONDS : Math.min(MAX_WATCH_SECONDS, requested);
        // Opened before the response starts, so that a refused watch (410, 504) is a plain Status.
        javax.servlet.AsyncContext async = request.startAsync();
        async.setTimeout(0);
        response.setStatus(200);
        response.setContentType(JSON);
        response.setHeader("Cache-Control", "no-cache, private");
        HttpWatch http = new HttpWatch(async, response.getOutputStream(), target.kind, table, include);
        async.addListener(http);
        // The cache may push items on its delivery threads as soon as the watch is open; they write
        // under the HttpWatch's lock, so the request thread holds it until the headers are out.
        synchronized (http) {
            CacheWatcher watcher;
            try {
                watcher = registry.watches().push(target.kind, target.namespace, selection,
                        query.text("resourceVersion"), bookmarks ? Duration.ofSeconds(BOOKMARK_SECONDS) : null, http);
            } catch (ApiException refused) {
                // not started: a plain Status (410 Expired, 504 too large resource version, ...)
                status(response, refused.status());
                async.complete();
                return;
            } catch (io.gantry.api.store.StoreException failed) {
                status(response, ResourceStore.storeFailure(failed).status());
                async.complete();
                return;
            }
            try {
                response.flushBuffer();
            } catch (IOException gone) {
                watcher.close();
                http.onClose(null);
                return;
            }
            http.start(watcher, watchTimer, timeout);
        }
    }

    private void post(HttpServletRequest request, HttpServletResponse response, Target target, Query query)
            throws IOException {
        WriteOptions options = query.writeOptions();
        if (target.name != null) {
            if ("binding".equals(target.subresource)) {
                ObjectNode binding = body(request, options, "Binding");
                store.bind(target.kind, target.namespace, target.name, binding, options);
                write(response, 201, Status.success());
                return;
            }
            if ("eviction".equals(target.subresource)) {
                ObjectNode eviction = body(request, options, "Eviction");
                store.delete(target.kind, target.namespace, target.name,
                        deleteOptions(eviction.path("deleteOptions"), query), options);
                Status success = Status.success();
                success.code = 201;
                write(response, 201, success);
                return;
            }
            if ("exec".equals(target.subresource) && target.kind == kinds.of(ResourceKind.PODS)) {
                podExec.serve(target.namespace, target.name, request, response); // SPDY clients POST
                return;
            }
            if ("attach".equals(target.subresource) && target.kind == kinds.of(ResourceKind.PODS)) {
                podExec.serveAttach(target.namespace, target.name, request, response); // SPDY clients POST
                return;
            }
            if ("portforward".equals(target.subresource) && target.kind == kinds.of(ResourceKind.PODS)) {
                podExec.servePortForward(target.namespace, target.name, request, response);
                return;
            }
            if (target.subresource != null) {
                throw notServedYet(target);
            }
            throw methodNotAllowed();
        }
        ObjectNode object = body(request, options, target.kind.kind().kind());
        ObjectNode created = store.create(target.kind, target.namespace, object, options);
        warn(response, options);
        write(response, 201, created);
    }

    private void put(HttpServletRequest request, HttpServletResponse response, Target target, Query query)
            throws IOException {
        if (target.name == null) {
            throw methodNotAllowed();
        }
        WriteOptions options = query.writeOptions();
        String sub = target.subresource;
        ObjectNode object = body(request, options, "scale".equals(sub) ? "Scale" : target.kind.kind().kind());
        ObjectNode result;
        if (sub == null) {
            boolean existed = store.find(target.kind, target.namespace, target.name).isPresent();
            result = store.update(target.kind, target.namespace, target.name, object, options);
            warn(response, options);
            write(response, existed ? 200 : 201, result);
            return;
        }
        result = switch (sub) {
            case "status" -> store.updateStatus(target.kind, target.namespace, target.name, object, options);
            case "scale" -> store.updateScale(target.kind, target.namespace, target.name, object, options);
            case "finalize" -> store.finalizeNamespace(target.kind, target.name, object, options);
            default -> throw methodNotAllowed();
        };
        warn(response, options);
        write(response, 200, result);
    }

    private void patch(HttpServletRequest request, HttpServletResponse response, Target target, Query query)
            throws IOException {
        if (target.name == null) {
            throw methodNotAllowed();
        }
        WriteOptions options = query.writeOptions();
        String type = Bodies.mediaType(request.getContentType());
        if (!List.of(Patcher.MERGE, Patcher.STRATEGIC, Patcher.JSON_PATCH, Patcher.APPLY).contains(type)) {
            throw ApiException.unsupportedMediaType("the body of the request was in an unknown format - accepted media "
                    + "types include: application/json-patch+json, application/merge-patch+json, "
                    + "application/apply-patch+yaml, application/strategic-merge-patch+json");
        }
        if (type.equals(Patcher.APPLY) && query.text("fieldManager") == null) {
            // checked before the manager defaults to the client program, as kube-apiserver does
            throw Query.requiredOption("PATCH", "fieldManager", "is required for apply patch");
        }
        byte[] body = Bodies.read(request.getInputStream(), request.getContentLengthLong());
        String sub = target.subresource;
        ObjectNode result;
        if ("scale".equals(sub)) {
            result = store.patchScale(target.kind, target.namespace, target.name, type, body, options);
        } else if (sub == null || sub.equals("status")) {
            boolean existed = !type.equals(Patcher.APPLY)
                    || store.find(target.kind, target.namespace, target.name).isPresent();
            result = store.patch(target.kind, target.namespace, target.name, type, body, options, query.bool("force"),
                    "status".equals(sub));
            warn(response, options);
            write(response, existed ? 200 : 201, result);
            return;
        } else {
            throw methodNotAllowed();
        }
        write(response, 200, result);
    }

    private void delete(HttpServletRequest request, HttpServletResponse response, Target target, Query query)
            throws IOException {
        if (target.subresource != null) {
            throw methodNotAllowed();
        }
        WriteOptions options = query.writeOptions();
        byte[] body = Bodies.read(request.getInputStream(), request.getContentLengthLong());
        JsonNode tree = body.length == 0 ? Json.mapper().createObjectNode()
                : schemas.read(body, request.getContentType(), WriteOptions.internal(), "DeleteOptions");
        DeleteOptions deleteOptions = deleteOptions(tree, query);
        if (deleteOptions.dryRun != null && deleteOptions.dryRun.contains("All")) {
            options = new WriteOptions(true, options.fieldManager(), options.validation(), options.warnings(),
                    options.fence());
        }
        if (target.name == null) {
            Selection selection = Selection.of(target.kind, query.text("labelSelector"), query.text("fieldSelector"));
            write(response, 200, store.deleteCollection(target.kind, target.namespace, selection, deleteOptions,
                    options));
            return;
        }
        ObjectNode result = store.delete(target.kind, target.namespace, target.name, deleteOptions, options);
        // 200 even when the object is only marked (a pod's graceful deletion, a namespace's), as
        // kube-apiserver answers: its 202 is kept for a legacy orphanDependents=false alone.
        JsonNode orphan = deleteOptions.extra("orphanDependents");
        boolean accepted = orphan != null && orphan.isBoolean() && !orphan.asBoolean() && !options.dryRun()
                && store.find(target.kind, target.namespace, target.name).isPresent();
        write(response, accepted ? 202 : 200, result);
    }

    private static DeleteOptions deleteOptions(JsonNode tree, Query query) {
        DeleteOptions options;
        try {
            options = tree == null || tree.isMissingNode() || tree.isNull() ? new DeleteOptions()
                    : Json.mapper().treeToValue(tree, DeleteOptions.class);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("DeleteOptions in version \"v1\" cannot be handled as a DeleteOptions: "
                    + mismatch(e));
        }
        Long grace = query.number("gracePeriodSeconds");
        if (grace != null) {
            options.gracePeriodSeconds = grace;
        }
        if (options.gracePeriodSeconds != null && options.gracePeriodSeconds < 0) {
            options.gracePeriodSeconds = 0L;
        }
        String policy = query.text("propagationPolicy");
        if (policy != null) {
            options.propagationPolicy = policy;
        }
        if (query.text("orphanDependents") != null) {
            options.extra("orphanDependents", com.fasterxml.jackson.databind.node.BooleanNode.valueOf(
                    query.bool("orphanDependents")));
        }
        return options;
    }

    /**
     * What was wrong in DeleteOptions, by field and JSON type as the schema check words it
     * ({@code gracePeriodSeconds in body must be of type integer: "string"}), never by Java type.
     */
    private static String mismatch(JsonProcessingException e) {
        if (!(e instanceof com.fasterxml.jackson.databind.exc.MismatchedInputException m) || m.getPath().isEmpty()) {
            return "the body does not match DeleteOptions";
        }
        StringBuilder field = new StringBuilder();
        for (com.fasterxml.jackson.databind.JsonMappingException.Reference step : m.getPath()) {
            if (step.getFieldName() != null) {
                field.append(field.length() == 0 ? "" : ".").append(step.getFieldName());
            } else if (step.getIndex() >= 0) {
                field.append('[').append(step.getIndex()).append(']');
            }
        }
        Class<?> target = m.getTargetType();
        String expected = target == null ? "object"
                : Number.class.isAssignableFrom(target) || target == long.class || target == int.class ? "integer"
                : target == Boolean.class || target == boolean.class ? "boolean"
                : target == String.class ? "string"
                : java.util.Collection.class.isAssignableFrom(target) ? "array" : "object";
        return field + " in body must be of type " + expected;
    }

    // --- bodies and responses ---

    private ObjectNode body(HttpServletRequest request, WriteOptions options, String what) throws IOException {
        byte[] body = Bodies.read(request.getInputStream(), request.getContentLengthLong());
        return schemas.read(body, request.getContentType(), options, what);
    }

    private static void warn(HttpServletResponse response, WriteOptions options) {
        for (String warning : options.warnings()) {
            response.addHeader("Warning", "299 - \"" + warning.replace("\\", "\\\\").replace("\"", "\\\"") + "\"");
        }
    }

    private static String path(HttpServletRequest request) {
        String path = request.getRequestURI();
        String context = request.getContextPath();
        if (context != null && !context.isEmpty() && path.startsWith(context)) {
            path = path.substring(context.length());
        }
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        return path;
    }

    private static ApiException notFound() {
        return new ApiException(Status.failure(404, "NotFound", "the server could not find the requested resource"));
    }

    private static ApiException methodNotAllowed() {
        return ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
    }

    private static ApiException notServedYet(Target target) {
        return new ApiException(Status.failure(501, "NotImplemented", target.kind.kind().plural() + "/"
                + target.subresource + " is not served by this build yet"));
    }

    private static void status(HttpServletResponse response, Status status) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        write(response, status.code == null ? 500 : status.code, status);
    }

    private static void write(HttpServletResponse response, int code, Object body) throws IOException {
        write(response, code, body, JSON);
    }

    private static void write(HttpServletResponse response, int code, Object body, String contentType)
            throws IOException {
        ApiSchemas protobuf = PROTOBUF_ONLY.get();
        if (protobuf != null) {
            try {
                ObjectNode tree = body instanceof ObjectNode node ? node : (ObjectNode) Json.tree(body);
                bytes(response, code, protobuf.protobuf(tree), "application/vnd.kubernetes.protobuf");
                return;
            } catch (IllegalArgumentException noSchema) {
                // a kind without a protobuf message (a Table): JSON is all there is
            }
        }
        byte[] bytes = Json.bytes(body);
        response.setStatus(code);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static void bytes(HttpServletResponse response, int code, byte[] bytes, String contentType)
            throws IOException {
        response.setStatus(code);
        response.setContentType(contentType);
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static void text(HttpServletResponse response, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(code);
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
