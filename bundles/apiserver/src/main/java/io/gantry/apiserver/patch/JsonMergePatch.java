package io.gantry.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON merge patch (RFC 7386), {@code application/merge-patch+json}: objects merge key by key,
 * {@code null} removes a key, anything else (lists included) replaces the target's value.
 */
public final class JsonMergePatch {

    public static final String MEDIA_TYPE = "application/merge-patch+json";

    private JsonMergePatch() {
    }

    /**
     * The target with the patch applied; neither argument is changed.
     *
     * @throws ApiException 400 BadRequest when the patch is not a JSON object, as kube-apiserver answers
     */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw ApiException.badRequest("Invalid JSON Patch");
        }
        return merge(target, patch);
    }

    static JsonNode merge(JsonNode target, JsonNode patch) {
        if (!patch.isObject()) {
            return patch.deepCopy();
        }
        ObjectNode result = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getValue().isNull()) {
                result.remove(field.getKey());
            } else {
                result.set(field.getKey(), merge(result.get(field.getKey()), field.getValue()));
            }
        }
        return result;
    }
}
