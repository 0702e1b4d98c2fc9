package io.gantry.apiserver.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code /openapi/v2}: one Swagger 2.0 document of every served resource, as JSON. Note that
 * client-go asks for this document in gnostic's protobuf form only, which this class does not
 * write: kubectl 1.27 and later read {@code /openapi/v3} ({@link OpenApiV3}) first, and answer
 * JSON only to a client that accepts it.
 */
public final class OpenApiV2 {

    private final byte[] document;

    public OpenApiV2(Schemas schemas, List<ServedResource> resources, ObjectMapper mapper) {
        OpenApiPaths paths = new OpenApiPaths(schemas, OpenApiSchemas.Flavor.V2);
        resources.forEach(paths::add);
        ObjectNode document = JsonNodeFactory.instance.objectNode().put("swagger", "2.0");
        document.putObject("info").put("title", "Kubernetes").put("version", "unversioned");
        document.set("paths", paths.paths());
        ObjectNode definitions = document.putObject("definitions");
        paths.definitions().definitions(paths.kinds().keySet(), paths.kinds()).forEach(definitions::set);
        this.document = OpenApiV3.write(mapper, document);
    }

    /** The document's JSON bytes. */
    public byte[] document() {
        return document.clone();
    }
}
