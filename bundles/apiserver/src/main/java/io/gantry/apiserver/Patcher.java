package io.gantry.apiserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.registry.KindStrategy;

/** Applies a patch body of one of the patch media types to a stored object. */
public interface Patcher {

    /** The media types of the four patch kinds kubectl sends. */
    String MERGE = "application/merge-patch+json";
    String STRATEGIC = "application/strategic-merge-patch+json";
    String JSON_PATCH = "application/json-patch+json";
    String APPLY = "application/apply-patch+yaml";

    /**
     * The object after the patch; {@code current} is not changed. For server-side apply
     * {@code current} is null when the object does not exist yet.
     *
     * @throws io.gantry.api.client.ApiException for a malformed patch (400), one that cannot apply
     *     (422), or an apply conflict (409)
     */
    ObjectNode apply(KindStrategy kind, String mediaType, ObjectNode current, byte[] body, WriteOptions options,
                     boolean force);
}
