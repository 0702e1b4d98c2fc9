package io.gantry.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The v1 field pairs that hold one value and a list of them ({@code podIP}/{@code podIPs},
 * {@code clusterIP}/{@code clusterIPs}, {@code podCIDR}/{@code podCIDRs}), kept in step as
 * Kubernetes' v1 conversion keeps them: a missing one is filled from the other, and when both are
 * set and differ, the one the conversion trusts wins (a pod's podIP, a node's podCIDRs).
 */
public final class DualFields {

    private DualFields() {
    }

    /**
     * @param element the field of each list element that holds the value ({@code ip} for
     *     {@code podIPs: [{ip: ...}]}), or null when the list holds plain strings
     * @param singleWins whether the single field overrides a differing list, or the list's first
     *     element the single field
     */
    public static void sync(ObjectNode node, String single, String plural, String element, boolean singleWins) {
        JsonNode one = node.get(single);
        String value = one == null || one.isNull() ? "" : one.asText("");
        JsonNode list = node.get(plural);
        String first = list instanceof ArrayNode array && !array.isEmpty()
                ? (element == null ? array.get(0).asText("") : array.get(0).path(element).asText("")) : "";
        if (!value.isEmpty() && !first.isEmpty() && !value.equals(first) && !singleWins) {
            node.put(single, first);
        } else if (!value.isEmpty() && !value.equals(first)) {
            ArrayNode replaced = node.putArray(plural);
            add(replaced, value, element);
            if (list instanceof ArrayNode array) {
                for (int i = 1; i < array.size(); i++) {
                    replaced.add(array.get(i));
                }
            }
        } else if (value.isEmpty() && !first.isEmpty()) {
            node.put(single, first);
        }
    }

    private static void add(ArrayNode list, String value, String element) {
        if (element == null) {
            list.add(value);
        } else {
            list.addObject().put(element, value);
        }
    }
}
