package io.gantry.controllers.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.core.v1.PodTemplateSpec;
import io.gantry.api.json.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The {@code pod-template-hash} of a deployment's template, which names its ReplicaSets
 * ({@code <deployment>-<hash>}) and labels their pods, and the comparison of templates that
 * ignores it.
 *
 * <p>As Kubernetes' {@code controller.ComputeHash}: FNV-1a (32 bits) of the template, then of
 * {@code status.collisionCount} as four little-endian bytes when set, written in decimal and
 * encoded with {@code rand.SafeEncodeString} (no vowels, so no words). Kubernetes feeds the hash
 * with a Go-specific dump of the struct; Gantry feeds it the template's JSON with object keys
 * sorted, so the same template always gets the same hash here, though not the one Kubernetes would
 * give it.
 */
public final class PodTemplateHash {

    /** The label (and selector) key that tells a deployment's ReplicaSets apart. */
    public static final String LABEL = "pod-template-hash";

    private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";
    private static final int FNV_OFFSET = 0x811c9dc5;
    private static final int FNV_PRIME = 0x01000193;

    private PodTemplateHash() {
    }

    /** The hash of a template (its own {@code pod-template-hash} label ignored), with a collision count or null. */
    public static String of(PodTemplateSpec template, Integer collisionCount) {
        int hash = fnv32a(FNV_OFFSET, canonical(template).getBytes(StandardCharsets.UTF_8));
        if (collisionCount != null) {
            int count = collisionCount;
            hash = fnv32a(hash, new byte[] {(byte) count, (byte) (count >>> 8), (byte) (count >>> 16), (byte) (count >>> 24)});
        }
        return safeEncode(Integer.toUnsignedString(hash));
    }

    /** FNV-1a, 32 bits, continued from a hash ({@code 0x811c9dc5} to start). */
    static int fnv32a(int hash, byte[] data) {
        for (byte b : data) {
            hash = (hash ^ (b & 0xff)) * FNV_PRIME;
        }
        return hash;
    }

    static int fnv32a(byte[] data) {
        return fnv32a(FNV_OFFSET, data);
    }

    /**
     * True if two templates are the same but for their {@code pod-template-hash} label, as
     * Kubernetes' {@code EqualIgnoreHash}: a ReplicaSet's template is its deployment's plus that label.
     */
    public static boolean equalIgnoringHash(PodTemplateSpec a, PodTemplateSpec b) {
        return canonical(a).equals(canonical(b));
    }

    /** The template's JSON without the hash label, object keys sorted, an empty label map left out. */
    static String canonical(PodTemplateSpec template) {
        JsonNode tree = template == null ? Json.mapper().createObjectNode() : Json.tree(template);
        if (tree instanceof ObjectNode root && root.path("metadata") instanceof ObjectNode metadata) {
            if (metadata.path("labels") instanceof ObjectNode labels) {
                labels.remove(LABEL);
                if (labels.isEmpty()) {
                    metadata.remove("labels");
                }
            }
            metadata.remove("creationTimestamp");
            if (metadata.isEmpty()) {
                root.remove("metadata");
            }
        }
        return Json.write(sorted(tree));
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode copy = Json.mapper().createObjectNode();
            for (String name : names) {
                copy.set(name, sorted(node.get(name)));
            }
            return copy;
        }
        if (node.isArray()) {
            var copy = Json.mapper().createArrayNode();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                copy.add(sorted(it.next()));
            }
            return copy;
        }
        return node;
    }

    /** {@code rand.SafeEncodeString}: each character to one of 27 letters and digits that spell no word. */
    static String safeEncode(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            out.append(ALPHANUMS.charAt(text.charAt(i) % ALPHANUMS.length()));
        }
        return out.toString();
    }

    /** A copy of the labels with the hash label added. */
    static Map<String, String> withHash(Map<String, String> labels, String hash) {
        Map<String, String> copy = labels == null ? new java.util.LinkedHashMap<>() : new java.util.LinkedHashMap<>(labels);
        copy.put(LABEL, hash);
        return copy;
    }
}
