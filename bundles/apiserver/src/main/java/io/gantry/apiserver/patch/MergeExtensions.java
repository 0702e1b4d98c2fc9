package io.gantry.apiserver.patch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The merge tags of a field as kube-openapi publishes them in OpenAPI schemas
 * ({@code x-kubernetes-patch-strategy}, {@code x-kubernetes-patch-merge-key},
 * {@code x-kubernetes-list-type}, {@code x-kubernetes-list-map-keys}, {@code x-kubernetes-map-type}):
 * kubectl reads them to compute the strategic merge patch of a client-side apply, and without
 * them treats every list as atomic.
 */
public final class MergeExtensions {

    private static final FieldTags TAGS = FieldTags.load();

    private MergeExtensions() {
    }

    /**
     * Adds the extensions of one field to its schema.
     *
     * @param message the protobuf message's full name ({@code k8s.io.api.core.v1.PodSpec})
     * @param jsonField the field's JSON name
     * @param map whether the field is a map (its atomic tag is a map type, not a struct type)
     */
    public static void addTo(ObjectNode schema, String message, String jsonField, boolean map) {
        FieldTags.Tag tag = TAGS.field(message, jsonField);
        if (tag.patchStrategy() != null) {
            schema.put("x-kubernetes-patch-strategy", tag.patchStrategy());
        }
        if (tag.patchMergeKey() != null) {
            schema.put("x-kubernetes-patch-merge-key", tag.patchMergeKey());
        }
        if (tag.listType() != null) {
            schema.put("x-kubernetes-list-type", tag.listType());
            if (!tag.listKeys().isEmpty()) {
                ArrayNode keys = schema.putArray("x-kubernetes-list-map-keys");
                tag.listKeys().forEach(keys::add);
            }
        }
        if (map && tag.atomic()) {
            schema.put("x-kubernetes-map-type", "atomic");
        }
    }
}
