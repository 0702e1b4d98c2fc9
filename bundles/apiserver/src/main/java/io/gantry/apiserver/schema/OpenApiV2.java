package io.gantry.apiserver.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * {@code /openapi/v2}: one Swagger 2.0 document of every served resource, as JSON and in the
 * protobuf form client-go asks for (kubectl before 1.31 or so reads only that form, to explain
 * kinds and to find {@code fieldValidation}; later ones read {@link OpenApiV3} first).
 */
public final class OpenApiV2 {

    /**
     * The Content-Type of the protobuf form. Clients accept it as
     * {@code application/com.github.proto-openapi.spec.v2@v1.0+protobuf} (client-go) or this
     * form; the answer must use this one, which Go's media type parser can read (an '@' it cannot).
     */
    public static final String PROTOBUF_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";

    private final byte[] document;
    private final byte[] protobuf;

    public OpenApiV2(Schemas schemas, List<ServedResource> resources, ObjectMapper mapper) {
        OpenApiPaths paths = new OpenApiPaths(schemas, OpenApiSchemas.Flavor.V2);
        resources.forEach(paths::add);
        ObjectNode document = JsonNodeFactory.instance.objectNode().put("swagger", "2.0");
        document.putObject("info").put("title", "Kubernetes").put("version", "unversioned");
        document.set("paths", paths.paths());
        ObjectNode definitions = document.putObject("definitions");
        paths.definitions().definitions(paths.kinds().keySet(), paths.kinds()).forEach(definitions::set);
        this.document = OpenApiV3.write(mapper, document);
        this.protobuf = GnosticV2Writer.document(document);
    }

    /** The protobuf form's bytes (gnostic's openapi.v2.Document). */
    public byte[] protobuf() {
        return protobuf.clone();
    }

    /** The document's JSON bytes. */
    public byte[] document() {
        return document.clone();
    }
}
