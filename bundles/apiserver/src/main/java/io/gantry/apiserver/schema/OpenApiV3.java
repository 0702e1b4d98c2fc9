package io.gantry.apiserver.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /openapi/v3}: an index of group-versions and one OpenAPI 3.0 document per group-version
 * ({@code /openapi/v3/api/v1}, {@code /openapi/v3/apis/apps/v1}), as kube-apiserver serves them.
 * kubectl explain reads these documents, and kubectl create/apply find {@code fieldValidation}
 * in them and so leave validation to the server. Built once from the served resources; the
 * documents are immutable bytes, each addressed by its hash.
 */
public final class OpenApiV3 {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final Map<String, byte[]> documents = new LinkedHashMap<>();
    private final Map<String, String> hashes = new LinkedHashMap<>();
    private final ObjectNode index = NODES.objectNode();

    public OpenApiV3(Schemas schemas, List<ServedResource> resources, ObjectMapper mapper) {
        Map<String, OpenApiPaths> byGroupVersion = new LinkedHashMap<>();
        for (ServedResource resource : resources) {
            byGroupVersion.computeIfAbsent(resource.groupVersionPath(),
                    path -> new OpenApiPaths(schemas, OpenApiSchemas.Flavor.V3)).add(resource);
        }
        ObjectNode paths = index.putObject("paths");
        for (Map.Entry<String, OpenApiPaths> entry : byGroupVersion.entrySet()) {
            byte[] document = write(mapper, document(entry.getValue()));
            String hash = sha512(document);
            documents.put(entry.getKey(), document);
            hashes.put(entry.getKey(), hash);
            paths.putObject(entry.getKey()).put("serverRelativeURL", "/openapi/v3/" + entry.getKey() + "?hash=" + hash);
        }
    }

    /** The index: {@code {"paths":{"api/v1":{"serverRelativeURL":"/openapi/v3/api/v1?hash=..."}}}}. */
    public ObjectNode index() {
        return index.deepCopy();
    }

    /** The JSON document of a group-version by its path ({@code api/v1}, {@code apis/apps/v1}). */
    public Optional<byte[]> document(String groupVersionPath) {
        return Optional.ofNullable(documents.get(groupVersionPath));
    }

    /** The hash in a document's URL: clients may cache a document for as long as the hash is the same. */
    public Optional<String> hash(String groupVersionPath) {
        return Optional.ofNullable(hashes.get(groupVersionPath));
    }

    private static ObjectNode document(OpenApiPaths paths) {
        ObjectNode document = NODES.objectNode().put("openapi", "3.0.0");
        document.putObject("info").put("title", "Kubernetes").put("version", "unversioned");
        document.set("paths", paths.paths());
        ObjectNode schemas = document.putObject("components").putObject("schemas");
        paths.definitions().definitions(paths.kinds().keySet(), paths.kinds()).forEach(schemas::set);
        return document;
    }

    static byte[] write(ObjectMapper mapper, ObjectNode document) {
        try {
            return mapper.writeValueAsBytes(document);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kubernetes' hash: SHA-512 of the document, upper-case hex. */
    private static String sha512(byte[] document) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(document));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-512", e);
        }
    }
}
