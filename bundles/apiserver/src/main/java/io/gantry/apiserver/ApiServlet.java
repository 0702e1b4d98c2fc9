package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.Watch;
import io.gantry.api.client.WatchEvent;
import io.gantry.api.client.WatchListener;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.KubeList;
import io.gantry.api.meta.v1.KubeObject;
import io.gantry.api.meta.v1.Status;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
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
 * The Kubernetes REST API over HTTP, on the OSGi HTTP whiteboard: discovery, get, list, watch,
 * create, update, patch and delete of the kinds in {@link ResourceKind}, their {@code status}
 * subresources and pod binding, in the JSON shapes and with the errors real kubectl and
 * client libraries expect. The semantics live in the {@link ApiClient} it serves.
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
    private static final long HEARTBEAT_SECONDS = 2;
    private static final Object END = new Object();

    private final transient ApiClient api;

    @Activate
    public ApiServlet(@Reference ApiClient api) {
        this.api = api;
    }

    /** A parsed resource path: {@code /api/v1[/namespaces/NS]/PLURAL[/NAME[/SUB]]}. */
    private record Target(ResourceKind<KubeObject> kind, String namespace, String name, String subresource) {
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        try {
            route(request, response);
        } catch (ApiException e) {
            if (e.code() >= 500) {
                LOG.warn("{} {}: {}", request.getMethod(), request.getRequestURI(), e.getMessage());
            }
            status(response, e.status());
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
            status(response, ApiException.internal(String.valueOf(e.getMessage())).status());
        }
    }

    private void route(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = path(request);
        String method = request.getMethod();
        if (method.equals("GET")) {
            switch (path) {
                case "/version", "/version/" -> {
                    write(response, 200, Discovery.version());
                    return;
                }
                case "/api" -> {
                    write(response, 200, Discovery.apiVersions(request.getServerName() + ":" + request.getServerPort()));
                    return;
                }
                case "/apis" -> {
                    write(response, 200, Discovery.apiGroups());
                    return;
                }
                case "/api/v1" -> {
                    write(response, 200, Discovery.coreResources());
                    return;
                }
                case "/openapi/v3" -> {
                    write(response, 200, Discovery.openApiIndex());
                    return;
                }
                case "/openapi/v3/api/v1" -> {
                    write(response, 200, Discovery.openApiCoreV1());
                    return;
                }
                case "/healthz", "/readyz", "/livez" -> {
                    text(response, 200, "ok");
                    return;
                }
                default -> {
                }
            }
        }
        if (!path.startsWith("/api/v1/")) {
            throw notFound();
        }
        Target target = target(path.substring("/api/v1/".length()));
        switch (method) {
            case "GET" -> get(request, response, target);
            case "POST" -> post(request, response, target);
            case "PUT" -> put(request, response, target);
            case "PATCH" -> patch(request, response, target);
            case "DELETE" -> delete(request, response, target);
            default -> throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
    }

    @SuppressWarnings("unchecked")
    private static Target target(String rest) {
        String[] parts = rest.split("/");
        String namespace = null;
        int i = 0;
        if (parts.length >= 3 && parts[0].equals("namespaces")
                && ResourceKind.byResource("", "v1", parts[2]).filter(ResourceKind::namespaced).isPresent()) {
            namespace = parts[1];
            i = 2;
        }
        if (parts.length - i > 3 || parts[i].isEmpty()) {
            throw notFound();
        }
        ResourceKind<?> kind = ResourceKind.byResource("", "v1", parts[i]).orElseThrow(ApiServlet::notFound);
        String name = parts.length > i + 1 ? parts[i + 1] : null;
        String subresource = parts.length > i + 2 ? parts[i + 2] : null;
        if (kind.namespaced() && namespace == null && name != null) {
            throw notFound();
        }
        if (subresource != null && !subresource.equals("status")
                && !(subresource.equals("binding") && kind == ResourceKind.PODS)) {
            throw notFound();
        }
        return new Target((ResourceKind<KubeObject>) kind, namespace, name, subresource);
    }

    private void get(HttpServletRequest request, HttpServletResponse response, Target target) throws IOException {
        if (target.name != null) {
            KubeObject object = api.get(target.kind, target.namespace, target.name);
            if (Tables.wanted(request.getHeader("Accept"))) {
                write(response, 200, Tables.table(target.kind, List.of(object), object.metadata.resourceVersion,
                        Tables.IncludeObject.of(request.getParameter("includeObject"))));
            } else {
                write(response, 200, object);
            }
            return;
        }
        ListOptions options = new ListOptions(request.getParameter("labelSelector"), request.getParameter("fieldSelector"),
                request.getParameter("resourceVersion"));
        if ("true".equals(request.getParameter("watch")) || "1".equals(request.getParameter("watch"))) {
            watch(request, response, target, options);
            return;
        }
        KubeList<KubeObject> list = api.list(target.kind, target.namespace, new ListOptions(options.labelSelector(),
                options.fieldSelector(), null));
        if (Tables.wanted(request.getHeader("Accept"))) {
            write(response, 200, Tables.table(target.kind, list.items, list.metadata.resourceVersion,
                    Tables.IncludeObject.of(request.getParameter("includeObject"))));
        } else {
            write(response, 200, list);
        }
    }

    private void watch(HttpServletRequest request, HttpServletResponse response, Target target, ListOptions options)
            throws IOException {
        if ("websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
            // Clients that try a WebSocket first (fabric8) fall back to HTTP streaming when the
            // handshake gets a complete 200 answer, at once; a 503 would make them retry with
            // backoff for about 20 s first.
            write(response, 200, Status.failure(200, "WebSocketNotServed",
                    "watch over WebSocket is not served: watch with HTTP streaming"));
            return;
        }
        boolean table = Tables.wanted(request.getHeader("Accept"));
        Tables.IncludeObject include = Tables.IncludeObject.of(request.getParameter("includeObject"));
        boolean bookmarks = "true".equals(request.getParameter("allowWatchBookmarks"));
        long timeout = Math.min(MAX_WATCH_SECONDS, parseLong(request.getParameter("timeoutSeconds"), MAX_WATCH_SECONDS));
        BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
        String[] lastVersion = {options.resourceVersion()};
        try (Watch watch = api.watch(target.kind, target.namespace, options, new WatchListener<>() {
            @Override
            public void onEvent(WatchEvent<KubeObject> event) {
                queue.add(event);
            }

            @Override
            public void onClose(ApiException cause) {
                queue.add(cause == null ? END : cause);
            }
        })) {
            response.setStatus(200);
            response.setContentType(JSON);
            response.setHeader("Cache-Control", "no-cache, private");
            response.flushBuffer();
            OutputStream out = response.getOutputStream();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
            long lastWrite = System.nanoTime();
            long lastHeartbeat = lastWrite;
            while (System.nanoTime() < deadline) {
                Object item = queue.poll(1, TimeUnit.SECONDS);
                if (item == null) {
                    if (bookmarks && System.nanoTime() - lastWrite > TimeUnit.SECONDS.toNanos(BOOKMARK_SECONDS)) {
                        writeEvent(out, "BOOKMARK", bookmark(target.kind, lastVersion[0]));
                        lastWrite = System.nanoTime();
                    } else if (System.nanoTime() - lastHeartbeat > TimeUnit.SECONDS.toNanos(HEARTBEAT_SECONDS)) {
                        // A client that went away is noticed only on a write: a blank between
                        // events is one that every JSON stream reader skips.
                        out.write(' ');
                        out.flush();
                        lastHeartbeat = System.nanoTime();
                    }
                    continue;
                }
                if (item == END) {
                    return;
                }
                if (item instanceof ApiException error) {
                    writeEvent(out, "ERROR", Json.tree(error.status()));
                    return;
                }
                @SuppressWarnings("unchecked")
                WatchEvent<KubeObject> event = (WatchEvent<KubeObject>) item;
                KubeObject object = event.object();
                lastVersion[0] = object.metadata.resourceVersion;
                JsonNode shown = table ? Tables.table(target.kind, List.of(object), object.metadata.resourceVersion, include)
                        : Json.tree(object);
                writeEvent(out, event.type().name(), shown);
                lastWrite = System.nanoTime();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            LOG.debug("Watch client went away: {}", e.getMessage());
        }
    }

    private static JsonNode bookmark(ResourceKind<?> kind, String resourceVersion) {
        ObjectNode object = Json.mapper().createObjectNode();
        object.put("kind", kind.kind());
        object.put("apiVersion", kind.apiVersion());
        object.putObject("metadata").put("resourceVersion", resourceVersion == null ? "0" : resourceVersion);
        return object;
    }

    private static void writeEvent(OutputStream out, String type, JsonNode object) throws IOException {
        ObjectNode event = Json.mapper().createObjectNode();
        event.put("type", type);
        event.set("object", object);
        out.write(Json.bytes(event));
        out.write('\n');
        out.flush();
    }

    private void post(HttpServletRequest request, HttpServletResponse response, Target target) throws IOException {
        if ("binding".equals(target.subresource)) {
            Binding binding = decode(request, response, ResourceKind.PODS, Binding.class);
            binding.metadata.namespace = target.namespace;
            binding.metadata.name = target.name;
            api.bind(binding);
            write(response, 201, Status.success());
            return;
        }
        if (target.name != null) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        KubeObject object = decode(request, response, target.kind, target.kind.type());
        checkNamespace(target, object);
        if (isDryRun(request)) {
            write(response, 201, object);
            return;
        }
        write(response, 201, api.create(target.kind, object));
    }

    private void put(HttpServletRequest request, HttpServletResponse response, Target target) throws IOException {
        if (target.name == null) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        KubeObject object = decode(request, response, target.kind, target.kind.type());
        checkNamespace(target, object);
        if (!target.name.equals(object.metadata.name)) {
            throw ApiException.badRequest("the name of the object (" + object.metadata.name
                    + ") does not match the name on the URL (" + target.name + ")");
        }
        write(response, 200, "status".equals(target.subresource) ? api.updateStatus(target.kind, object)
                : api.update(target.kind, object));
    }

    private void patch(HttpServletRequest request, HttpServletResponse response, Target target) throws IOException {
        if (target.name == null) {
            throw ApiException.methodNotAllowed("the server does not allow this method on the requested resource");
        }
        String type = mediaType(request.getContentType());
        if (type.equals("application/apply-patch+yaml")) {
            throw ApiException.unsupportedMediaType("server-side apply is not supported yet: use kubectl apply "
                    + "without --server-side, or kubectl patch");
        }
        JsonNode patch = Decoding.tree(request.getInputStream().readAllBytes(), false);
        Decoding.FieldValidation validation = Decoding.FieldValidation.of(request.getParameter("fieldValidation"));
        for (int attempt = 0; ; attempt++) {
            KubeObject current = api.get(target.kind, target.namespace, target.name);
            JsonNode patched = Patches.apply(type, Json.tree(current), patch);
            Decoding.Decoded<KubeObject> decoded = Decoding.decode(Json.bytes(patched), target.kind, target.kind.type(),
                    false, validation);
            warn(response, decoded.unknownFields());
            KubeObject object = decoded.object();
            if (object.metadata.resourceVersion == null) {
                object.metadata.resourceVersion = current.metadata.resourceVersion;
            }
            try {
                write(response, 200, "status".equals(target.subresource) ? api.updateStatus(target.kind, object)
                        : api.update(target.kind, object));
                return;
            } catch (ApiException e) {
                // Someone wrote in between: patch the newer object, unless the patch itself named a version.
                boolean patchNamedVersion = patch.path("metadata").has("resourceVersion");
                if (!e.isConflict() || patchNamedVersion || attempt >= 3) {
                    throw e;
                }
            }
        }
    }

    private void delete(HttpServletRequest request, HttpServletResponse response, Target target) throws IOException {
        if (target.name == null) {
            throw ApiException.methodNotAllowed("deleting a collection is not supported yet: delete objects by name");
        }
        byte[] body = request.getInputStream().readAllBytes();
        DeleteOptions options = body.length == 0 ? new DeleteOptions()
                : Decoding.decode(body, target.kind, DeleteOptions.class, false, Decoding.FieldValidation.IGNORE).object();
        String grace = request.getParameter("gracePeriodSeconds");
        if (grace != null) {
            options.gracePeriodSeconds = parseLong(grace, 30);
        }
        if (request.getParameter("propagationPolicy") != null) {
            options.propagationPolicy = request.getParameter("propagationPolicy");
        }
        write(response, 200, api.delete(target.kind, target.namespace, target.name, options));
    }

    private <T> T decode(HttpServletRequest request, HttpServletResponse response, ResourceKind<?> kind, Class<T> type)
            throws IOException {
        String media = mediaType(request.getContentType());
        if (media.contains("protobuf")) {
            throw ApiException.unsupportedMediaType("the body of the request was in an unknown format - accepted media "
                    + "types include: application/json, application/yaml");
        }
        Decoding.Decoded<T> decoded = Decoding.decode(request.getInputStream().readAllBytes(), kind, type,
                media.contains("yaml"), Decoding.FieldValidation.of(request.getParameter("fieldValidation")));
        warn(response, decoded.unknownFields());
        return decoded.object();
    }

    private static void warn(HttpServletResponse response, List<String> unknownFields) {
        for (String field : unknownFields) {
            response.addHeader("Warning", "299 - \"unknown field \\\"" + field + "\\\"\"");
        }
    }

    private static void checkNamespace(Target target, KubeObject object) {
        if (!target.kind.namespaced()) {
            return;
        }
        String namespace = object.meta().namespace;
        if (namespace == null || namespace.isEmpty()) {
            object.metadata.namespace = target.namespace;
        } else if (target.namespace != null && !namespace.equals(target.namespace)) {
            throw ApiException.badRequest("the namespace of the provided object does not match the namespace sent on "
                    + "the request");
        }
        if (object.metadata.namespace == null) {
            throw ApiException.badRequest("the namespace of the object is not set: post to /api/v1/namespaces/NAMESPACE/"
                    + target.kind.plural());
        }
    }

    private static boolean isDryRun(HttpServletRequest request) {
        String dryRun = request.getParameter("dryRun");
        return dryRun != null && !dryRun.isEmpty();
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

    private static String mediaType(String contentType) {
        if (contentType == null) {
            return JSON;
        }
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase();
    }

    private static long parseLong(String value, long fallback) {
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw ApiException.badRequest("not a number: \"" + value + "\"");
        }
    }

    private static ApiException notFound() {
        return new ApiException(Status.failure(404, "NotFound", "the server could not find the requested resource"));
    }

    private static void status(HttpServletResponse response, Status status) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        write(response, status.code == null ? 500 : status.code, status);
    }

    private static void write(HttpServletResponse response, int code, Object body) throws IOException {
        byte[] bytes = Json.bytes(body);
        response.setStatus(code);
        response.setContentType(JSON);
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
