package io.gantry.apiserver.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.gantry.api.client.ApiException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Just enough of an API server for kubectl to send its requests: legacy discovery, /version,
 * the OpenAPI documents of this package, and a recorder for writes that answers each with the
 * object it received (decoded with {@link BodyReader}), as a real server would after storing it.
 */
final class FakeApiServer implements AutoCloseable {

    /** One write kubectl sent. */
    record Request(String method, String path, String query, String contentType, byte[] body) {
    }

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final HttpServer http;
    private final List<ServedResource> resources;
    private final OpenApiV3 openApiV3;
    private final OpenApiV2 openApiV2;
    private final BodyReader reader;
    final List<Request> writes = new CopyOnWriteArrayList<>();

    FakeApiServer(List<ServedResource> resources) throws IOException {
        Schemas schemas = new Schemas();
        this.resources = resources;
        this.openApiV3 = new OpenApiV3(schemas, resources, MAPPER);
        this.openApiV2 = new OpenApiV2(schemas, resources, MAPPER);
        this.reader = new BodyReader(new ProtobufCodec(schemas, MAPPER));
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/", this::handle);
        http.start();
    }

    String url() {
        return "http://127.0.0.1:" + http.getAddress().getPort();
    }

    @Override
    public void close() {
        http.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if (!method.equals("GET")) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                String contentType = exchange.getRequestHeaders().getFirst("Content-Type");
                writes.add(new Request(method, path, exchange.getRequestURI().getRawQuery(), contentType, body));
                answerWrite(exchange, body, contentType);
                return;
            }
            if (path.equals("/api")) {
                json(exchange, 200, MAPPER.createObjectNode().put("kind", "APIVersions")
                        .<ObjectNode>set("versions", MAPPER.createArrayNode().add("v1")));
            } else if (path.equals("/apis")) {
                json(exchange, 200, groups());
            } else if (path.equals("/version")) {
                json(exchange, 200, MAPPER.createObjectNode().put("major", "1").put("minor", "33")
                        .put("gitVersion", "v1.33.0").put("platform", "linux/amd64"));
            } else if (path.equals("/openapi/v3")) {
                json(exchange, 200, openApiV3.index());
            } else if (path.startsWith("/openapi/v3/") && openApiV3.document(path.substring("/openapi/v3/".length())).isPresent()) {
                send(exchange, 200, "application/json", openApiV3.document(path.substring("/openapi/v3/".length())).get());
            } else if (path.equals("/openapi/v2") && accepts(exchange, "protobuf")) {
                send(exchange, 200, OpenApiV2.PROTOBUF_CONTENT_TYPE, openApiV2.protobuf());
            } else if (path.equals("/openapi/v2") && accepts(exchange, "json")) {
                send(exchange, 200, "application/json", openApiV2.document());
            } else if (resourceList(path.substring(1)) != null) {
                json(exchange, 200, resourceList(path.substring(1)));
            } else {
                json(exchange, 404, MAPPER.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
                        .put("status", "Failure").put("reason", "NotFound").put("code", 404)
                        .put("message", "the server could not find the requested resource"));
            }
        }
    }

    private void answerWrite(HttpExchange exchange, byte[] body, String contentType) throws IOException {
        try {
            ObjectNode object = reader.read(body, contentType).object();
            ObjectNode metadata = object.with("metadata");
            metadata.put("uid", "00000000-0000-0000-0000-000000000001").put("resourceVersion", "1")
                    .put("creationTimestamp", "2024-01-02T03:04:05Z");
            if (!metadata.has("name") && metadata.has("generateName")) {
                metadata.put("name", metadata.get("generateName").asText() + "abcde");
            }
            json(exchange, 201, object);
        } catch (ApiException e) {
            json(exchange, e.code(), MAPPER.createObjectNode().put("kind", "Status").put("apiVersion", "v1")
                    .put("status", "Failure").put("reason", e.reason()).put("code", e.code()).put("message", e.getMessage()));
        }
    }

    private static boolean accepts(HttpExchange exchange, String format) {
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        return accept == null || accept.toLowerCase(Locale.ROOT).contains(format) || accept.contains("*/*");
    }

    private ObjectNode groups() {
        Map<String, ArrayNode> versions = new TreeMap<>();
        for (ServedResource resource : resources) {
            if (!resource.group().isEmpty()) {
                ArrayNode list = versions.computeIfAbsent(resource.group(), g -> MAPPER.createArrayNode());
                ObjectNode version = MAPPER.createObjectNode().put("groupVersion", resource.apiVersion())
                        .put("version", resource.version());
                if (!list.toString().contains(resource.apiVersion())) {
                    list.add(version);
                }
            }
        }
        ObjectNode list = MAPPER.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
        ArrayNode groups = list.putArray("groups");
        versions.forEach((name, vs) -> {
            ObjectNode group = groups.addObject().put("name", name);
            group.set("versions", vs);
            group.set("preferredVersion", vs.get(0));
        });
        return list;
    }

    /** The APIResourceList of {@code api/v1} or {@code apis/apps/v1}; null for any other path. */
    private ObjectNode resourceList(String groupVersionPath) {
        ObjectNode list = null;
        for (ServedResource resource : resources) {
            if (!resource.groupVersionPath().equals(groupVersionPath)) {
                continue;
            }
            if (list == null) {
                list = MAPPER.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                        .put("groupVersion", resource.apiVersion());
                list.putArray("resources");
            }
            ArrayNode entries = (ArrayNode) list.get("resources");
            ObjectNode entry = entries.addObject().put("name", resource.resource())
                    .put("singularName", resource.kind().toLowerCase(Locale.ROOT))
                    .put("namespaced", resource.namespaced()).put("kind", resource.kind());
            ArrayNode verbs = entry.putArray("verbs");
            resource.verbs().forEach(verbs::add);
            for (String subresource : resource.subresources()) {
                ObjectNode sub = entries.addObject().put("name", resource.resource() + "/" + subresource)
                        .put("singularName", "").put("namespaced", resource.namespaced())
                        .put("kind", subresource.equals("scale") ? "Scale" : resource.kind());
                if (subresource.equals("scale")) {
                    sub.put("group", "autoscaling").put("version", "v1");
                }
                sub.putArray("verbs").add("get").add("patch").add("update");
            }
        }
        return list;
    }

    private static void json(HttpExchange exchange, int code, ObjectNode body) throws IOException {
        send(exchange, code, "application/json", MAPPER.writeValueAsBytes(body));
    }

    private static void send(HttpExchange exchange, int code, String contentType, byte[] body) throws IOException {
        exchange.getResponseHeaders().set("Content-Type", contentType);
        exchange.sendResponseHeaders(code, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
