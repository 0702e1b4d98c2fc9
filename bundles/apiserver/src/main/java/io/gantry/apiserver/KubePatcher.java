package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import io.gantry.api.client.ApiException;
import io.gantry.apiserver.patch.JsonMergePatch;
import io.gantry.apiserver.patch.JsonPatch;
import io.gantry.apiserver.patch.ServerSideApply;
import io.gantry.apiserver.patch.StrategicMergePatch;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.schema.Schemas;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;

/**
 * The four patch types kubectl sends, and field ownership ({@code metadata.managedFields}) as
 * kube-apiserver's field manager keeps it on every write, typed by the kinds' schemas.
 */
final class KubePatcher implements Patcher {

    private final Schemas schemas;
    private final ApiSchemas bodies;

    KubePatcher(Schemas schemas, ApiSchemas bodies) {
        this.schemas = schemas;
        this.bodies = bodies;
    }

    @Override
    public ObjectNode apply(KindStrategy kind, String mediaType, ObjectNode current, byte[] body, WriteOptions options,
                            boolean force) {
        Descriptor type = descriptor(kind);
        JsonNode patch = mediaType.equals(JSON_PATCH) ? bodies.readAny(body, "application/json")
                : bodies.read(body, mediaType.equals(APPLY) ? "application/yaml" : "application/json", options,
                "patch");
        JsonNode result = switch (mediaType) {
            case MERGE -> JsonMergePatch.apply(current, patch);
            case JSON_PATCH -> JsonPatch.apply(current, patch);
            case STRATEGIC -> StrategicMergePatch.apply(type, current, patch);
            case APPLY -> ServerSideApply.apply(type, kind.kind().apiVersion(), current, patch,
                    options.fieldManager(), force, ignoredFields(kind, false), Instant.now());
            default -> throw ApiException.unsupportedMediaType("the patch type " + mediaType + " is not served");
        };
        if (!(result instanceof ObjectNode object)) {
            throw ApiException.badRequest("the patch does not leave an object: " + kind.kind().kind()
                    + " cannot be handled");
        }
        return object;
    }

    @Override
    public ObjectNode track(KindStrategy kind, ObjectNode old, ObjectNode updated, WriteOptions options,
                            String subresource) {
        Optional<Descriptor> type = schemas.kind(kind.kind().apiVersion(), kind.kind().kind());
        if (type.isEmpty()) {
            return updated;
        }
        return ServerSideApply.update(type.get(), kind.kind().apiVersion(), subresource, old, updated,
                options.managerOr("unknown"), ignoredFields(kind, "status".equals(subresource)), Instant.now());
    }

    private Descriptor descriptor(KindStrategy kind) {
        return schemas.kind(kind.kind().apiVersion(), kind.kind().kind()).orElseThrow(
                () -> ApiException.unsupportedMediaType("patches of " + kind.kind().qualifiedName()
                        + " are not served: replace the object with PUT"));
    }

    /** What an endpoint does not let a manager own: status on the main resource, the rest on /status. */
    private static Set<String> ignoredFields(KindStrategy kind, boolean status) {
        if (!kind.hasStatusSubresource()) {
            return Set.of();
        }
        return status ? Set.of("spec") : Set.of("status");
    }
}
