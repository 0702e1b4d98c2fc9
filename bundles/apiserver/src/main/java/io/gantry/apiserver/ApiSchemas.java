package io.gantry.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import io.gantry.api.client.ApiException;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.Status;
import io.gantry.api.meta.v1.StatusCause;
import io.gantry.api.meta.v1.StatusDetails;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Kinds;
import io.gantry.apiserver.schema.BodyReader;
import io.gantry.apiserver.schema.OpenApiV2;
import io.gantry.apiserver.schema.OpenApiV3;
import io.gantry.apiserver.schema.ProtobufCodec;
import io.gantry.apiserver.schema.SchemaCheck;
import io.gantry.apiserver.schema.Schemas;
import io.gantry.apiserver.schema.ServedResource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The Kubernetes schemas of the served kinds at work: checking objects before their strategies
 * see them (kube-apiserver's strict decoding: unknown fields by {@code fieldValidation}, wrong
 * types always), reading bodies in every format kubectl sends (JSON, YAML, protobuf), and the
 * OpenAPI documents, built once from the kinds served.
 */
final class ApiSchemas implements SchemaChecker {

    private final Schemas schemas = new Schemas();
    private final SchemaCheck check = new SchemaCheck(schemas);
    private final ProtobufCodec protobuf = new ProtobufCodec(schemas, Json.mapper());
    private final BodyReader bodies = new BodyReader(protobuf);
    private final OpenApiV2 openApiV2;
    private final OpenApiV3 openApiV3;

    ApiSchemas(Kinds kinds) {
        List<ServedResource> served = new ArrayList<>();
        for (KindStrategy kind : kinds.all()) {
            if (schemas.kind(kind.kind().apiVersion(), kind.kind().kind()).isPresent()) {
                served.add(new ServedResource(kind.kind().group(), kind.kind().version(), kind.kind().kind(),
                        kind.kind().plural(), kind.kind().namespaced(), List.copyOf(kind.verbs()),
                        List.copyOf(kind.subresources())));
            }
        }
        openApiV2 = new OpenApiV2(schemas, served, Json.mapper());
        openApiV3 = new OpenApiV3(schemas, served, Json.mapper());
    }

    @Override
    public void check(KindStrategy kind, ObjectNode object, WriteOptions options) {
        check(kind.kind().group(), kind.kind().version(), kind.kind().kind(), object, options);
    }

    @Override
    public void checkScale(ObjectNode scale, WriteOptions options) {
        check("autoscaling", "v1", "Scale", scale, options);
    }

    private void check(String group, String version, String kind, ObjectNode object, WriteOptions options) {
        Optional<Descriptor> descriptor = schemas.kind(group.isEmpty() ? version : group + "/" + version, kind);
        if (descriptor.isEmpty()) {
            return;
        }
        FieldValidation validation = options.validation();
        SchemaCheck.Result result = check.check(object, descriptor.get(), validation != FieldValidation.STRICT);
        if (!result.invalidValues().isEmpty()) {
            throw cannotBeHandled(group, version, kind, result.invalidValues().stream()
                    .map(cause -> cause.field + ": " + cause.message).collect(Collectors.joining(", ")),
                    result.invalidValues());
        }
        if (!result.unknownFields().isEmpty()) {
            if (validation == FieldValidation.STRICT) {
                throw cannotBeHandled(group, version, kind, "strict decoding error: " + result.unknownFields().stream()
                        .map(cause -> cause.message).collect(Collectors.joining(", ")), result.unknownFields());
            }
            if (validation == FieldValidation.WARN) {
                result.unknownFields().forEach(cause -> options.warnings().add(cause.message));
            }
        }
    }

    /** A body of any format, with duplicate fields refused or warned about as the client asked. */
    ObjectNode read(byte[] body, String contentType, WriteOptions options, String what) {
        if (body.length == 0) {
            throw ApiException.badRequest("the request body is empty: expected a " + what);
        }
        BodyReader.Body read;
        try {
            read = bodies.read(body, contentType);
        } catch (ApiException malformed) {
            if (malformed.code() != 400) {
                throw malformed;
            }
            // say which object the body was to be, as kube-apiserver's decoding errors do
            throw ApiException.badRequest(what + " cannot be handled: " + malformed.getMessage());
        }
        if (!read.duplicateFields().isEmpty()) {
            if (options.validation() == FieldValidation.STRICT) {
                throw ApiException.badRequest(what + " cannot be handled: strict decoding error: "
                        + String.join(", ", read.warnings()));
            }
            if (options.validation() == FieldValidation.WARN) {
                options.warnings().addAll(read.warnings());
            }
        }
        return read.object();
    }

    /** A JSON value of any shape (a JSON patch is an array), for patch bodies. */
    com.fasterxml.jackson.databind.JsonNode readAny(byte[] body, String contentType) {
        try {
            return Json.mapper().readTree(body);
        } catch (java.io.IOException e) {
            throw ApiException.badRequest("the patch is not valid JSON: " + e.getMessage());
        }
    }

    Schemas schemas() {
        return schemas;
    }

    /** A response in protobuf, for a client that accepts nothing else. */
    byte[] protobuf(ObjectNode object) {
        return protobuf.encode(object);
    }

    OpenApiV2 openApiV2() {
        return openApiV2;
    }

    OpenApiV3 openApiV3() {
        return openApiV3;
    }

    private static ApiException cannotBeHandled(String group, String version, String kind, String why,
                                                List<StatusCause> causes) {
        Status status = Status.failure(400, "BadRequest", kind + " in version \"" + version
                + "\" cannot be handled as a " + kind + ": " + why);
        status.details = new StatusDetails();
        status.details.kind = kind;
        status.details.group = group;
        status.details.causes = causes;
        return new ApiException(status);
    }
}
