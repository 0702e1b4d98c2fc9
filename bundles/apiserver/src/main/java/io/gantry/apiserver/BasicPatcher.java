package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.json.Json;
import io.gantry.apiserver.registry.KindStrategy;
import java.io.IOException;

/** The walking skeleton's patches (merge, a strategic merge by name, JSON patch), until the full ones land. */
final class BasicPatcher implements Patcher {

    @Override
    public ObjectNode apply(KindStrategy kind, String mediaType, ObjectNode current, byte[] body, WriteOptions options,
                            boolean force) {
        if (APPLY.equals(mediaType)) {
            throw ApiException.unsupportedMediaType("server-side apply is not served by this build");
        }
        JsonNode patch;
        try {
            patch = Json.mapper().readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest("the body of the patch is not JSON: " + e.getMessage());
        }
        JsonNode result = Patches.apply(mediaType, current, patch);
        if (!(result instanceof ObjectNode object)) {
            throw ApiException.badRequest("the patch did not leave an object");
        }
        return object;
    }
}
