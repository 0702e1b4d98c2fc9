package io.gantry.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import io.gantry.api.client.ApiException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kubernetes' strategic merge patch, {@code application/strategic-merge-patch+json}, as
 * apimachinery's strategicpatch applies it on the server: lists tagged {@code patchStrategy:merge}
 * merge by their {@code patchMergeKey} (containers by name, ports by containerPort, ...) or as
 * sets of primitives (finalizers), other lists are replaced, maps merge, {@code null} deletes; and
 * the directives {@code $patch} (replace, delete, merge), {@code $setElementOrder/<list>},
 * {@code $retainKeys} and {@code $deleteFromPrimitiveList/<list>}.
 */
public final class StrategicMergePatch {

    public static final String MEDIA_TYPE = "application/strategic-merge-patch+json";

    private static final String DIRECTIVE = "$patch";
    private static final String RETAIN_KEYS = "$retainKeys";
    private static final String SET_ELEMENT_ORDER = "$setElementOrder";
    private static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";

    private StrategicMergePatch() {
    }

    /**
     * The target with the patch applied; neither argument is changed.
     *
     * @param kind the top-level protobuf message of the object's kind, e.g. {@code V1.Pod.getDescriptor()}
     * @throws ApiException 400 BadRequest for a malformed patch or directive, 422 for lists of lists
     */
    public static ObjectNode apply(Descriptor kind, JsonNode target, JsonNode patch) {
        if (patch == null || !patch.isObject()) {
            throw ApiException.badRequest("invalid JSON document");
        }
        ObjectNode original = target != null && target.isObject()
                ? ((ObjectNode) target).deepCopy() : JsonNodeFactory.instance.objectNode();
        JsonNode merged = mergeMap(original, ((ObjectNode) patch).deepCopy(), FieldType.of(kind));
        return merged.isObject() ? (ObjectNode) merged : JsonNodeFactory.instance.objectNode();
    }

    /** Merges the patch into the original (both owned by this call), as strategicpatch's mergeMap. */
    private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, FieldType type) {
        JsonNode directive = patch.get(DIRECTIVE);
        if (directive != null) {
            if ("replace".equals(directive.asText())) {
                patch.remove(DIRECTIVE);
                return patch;
            }
            if ("delete".equals(directive.asText())) {
                return JsonNodeFactory.instance.objectNode();
            }
            throw badRequest("unknown patch type: " + directive.asText() + " in map: " + patch);
        }
        applyRetainKeys(original, patch);
        mergeOrderedLists(original, patch, type);

        List<String> keys = new ArrayList<>();
        patch.fieldNames().forEachRemaining(keys::add);
        for (String key : keys) {
            JsonNode patchValue = patch.get(key);
            boolean deleteList = false;
            if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                key = suffix(key, DELETE_FROM_PRIMITIVE_LIST, "invalid patch format of primitive list");
                deleteList = true;
            }
            if (patchValue.isNull()) {
                original.remove(key); // and nothing more: a null that matches nothing is dropped
                continue;
            }
            JsonNode originalValue = original.get(key);
            FieldType child = type.child(key);
            if (originalValue == null || originalValue.isNull() || originalValue.getNodeType() != patchValue.getNodeType()) {
                if (!deleteList) {
                    JsonNode value = removeDirectives(discardNulls(patchValue));
                    if (value == null) {
                        original.remove(key);
                    } else {
                        original.set(key, value);
                    }
                }
                continue;
            }
            if (originalValue.isObject()) {
                boolean replace = "replace".equals(child.patchStrategy());
                original.set(key, replace ? patchValue
                        : mergeMap((ObjectNode) originalValue, (ObjectNode) patchValue, child));
            } else if (originalValue.isArray()) {
                original.set(key, mergeSliceHandler((ArrayNode) originalValue, (ArrayNode) patchValue, child, deleteList));
            } else {
                JsonNode value = removeDirectives(patchValue);
                if (value == null) {
                    original.remove(key);
                } else {
                    original.set(key, value);
                }
            }
        }
        return original;
    }

    private static ArrayNode mergeSliceHandler(ArrayNode original, ArrayNode patch, FieldType type, boolean deleteList) {
        if ("merge".equals(type.patchStrategy()) || deleteList) {
            return mergeSlice(original, patch, type, deleteList);
        }
        return patch;
    }

    /** $retainKeys: clears the keys of the original the list does not name. */
    private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode retain = patch.remove(RETAIN_KEYS);
        if (retain == null) {
            return;
        }
        if (!retain.isArray()) {
            throw badRequest("invalid patch format of retainKeys");
        }
        Set<String> kept = new LinkedHashSet<>();
        retain.forEach(k -> kept.add(k.asText()));
        Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            String key = field.getKey();
            if (field.getValue().isNull() || key.startsWith(DELETE_FROM_PRIMITIVE_LIST) || key.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            if (!kept.contains(key)) {
                throw badRequest("invalid patch format of retainKeys");
            }
        }
        original.retain(kept);
    }

    /**
     * $setElementOrder/&lt;list&gt;: merges that list now and orders the result: the directive's
     * order first, then the patch's, then the live list's for items only the server has.
     */
    private static void mergeOrderedLists(ObjectNode original, ObjectNode patch, FieldType type) {
        List<String> directives = new ArrayList<>();
        patch.fieldNames().forEachRemaining(k -> {
            if (k.startsWith(SET_ELEMENT_ORDER)) {
                directives.add(k);
            }
        });
        for (String directive : directives) {
            JsonNode orderValue = patch.remove(directive);
            String key = suffix(directive, SET_ELEMENT_ORDER, "invalid patch format of setElementOrder list");
            if (!orderValue.isArray()) {
                throw badRequest("invalid patch format of setElementOrder list");
            }
            ArrayNode order = (ArrayNode) orderValue;
            JsonNode originalList = original.get(key);
            JsonNode patchList = patch.get(key);
            if (originalList != null && !originalList.isArray() || patchList != null && !patchList.isArray()) {
                throw badRequest("invalid patch format of setElementOrder list");
            }
            FieldType list = type.child(key);
            String mergeKey = list.patchMergeKey();
            validateOrder((ArrayNode) patchList, order, mergeKey);
            ArrayNode merged;
            if (originalList != null && patchList == null) {
                merged = (ArrayNode) originalList;
            } else if (originalList == null && patchList != null) {
                merged = (ArrayNode) removeDirectives(patchList);
            } else if (originalList != null) {
                merged = mergeSliceHandler((ArrayNode) originalList, (ArrayNode) patchList, list, false);
            } else {
                continue;
            }
            ArrayNode emptyList = JsonNodeFactory.instance.arrayNode();
            List<JsonNode> patchItems = new ArrayList<>();
            List<JsonNode> serverOnly = new ArrayList<>();
            for (JsonNode item : merged) {
                (indexOf(order, item, mergeKey) >= 0 ? patchItems : serverOnly).add(item);
            }
            original.set(key, normalizeOrder(patchItems, serverOnly, order,
                    originalList == null ? emptyList : (ArrayNode) originalList, mergeKey));
            patch.remove(key);
        }
    }

    /** Every item of the patch list (deletions aside) must appear in the order list, in the same order. */
    private static void validateOrder(ArrayNode patchList, ArrayNode order, String mergeKey) {
        if (patchList == null || patchList.isEmpty() || order.isEmpty()) {
            return;
        }
        List<JsonNode> items = new ArrayList<>();
        for (JsonNode item : patchList) {
            if (mergeKey == null || !isDelete(item)) {
                items.add(item);
            }
        }
        int p = 0;
        int o = 0;
        while (p < items.size() && o < order.size()) {
            if (items.get(p).isObject() && items.get(p).has(DIRECTIVE)) {
                p++;
                continue;
            }
            if (sameKey(items.get(p), order.get(o), mergeKey)) {
                p++;
            }
            o++;
        }
        if (p < items.size()) {
            throw badRequest("The order in patch list:\n" + patchList + "\n doesn't match " + SET_ELEMENT_ORDER
                    + " list:\n" + order + "\n");
        }
    }

    private static ArrayNode mergeSlice(ArrayNode original, ArrayNode patch, FieldType type, boolean deleteList) {
        if (original.isEmpty() && patch.isEmpty()) {
            return original;
        }
        JsonNode sample = elementSample(original, patch);
        String declaredKey = type.patchMergeKey();
        String mergeKey = sample.isObject() ? declaredKey : null;
        List<JsonNode> merged;
        if (!sample.isObject()) {
            if (deleteList) {
                List<JsonNode> kept = new ArrayList<>();
                for (JsonNode item : original) {
                    if (indexOf(patch, item, null) < 0) {
                        kept.add(item);
                    }
                }
                return array(kept);
            }
            merged = new ArrayList<>();
            for (JsonNode item : original) {
                addUnique(merged, item);
            }
            for (JsonNode item : patch) {
                addUnique(merged, item);
            }
        } else {
            if (declaredKey == null) {
                throw badRequest("cannot merge lists without merge key for " + type);
            }
            List<JsonNode> base = new ArrayList<>();
            original.forEach(base::add);
            List<JsonNode> plain = new ArrayList<>();
            boolean replace = false;
            for (JsonNode item : patch) {
                JsonNode directive = item.get(DIRECTIVE);
                if (directive == null) {
                    plain.add(item);
                } else if ("delete".equals(directive.asText())) {
                    JsonNode value = item.get(declaredKey);
                    if (value == null) {
                        throw noMergeKey(item, declaredKey);
                    }
                    base.removeIf(o -> o.isObject() && JsonValues.same(o.get(declaredKey), value));
                } else if ("replace".equals(directive.asText())) {
                    replace = true;
                } else if ("merge".equals(directive.asText())) {
                    throw badRequest("merging lists cannot yet be specified in the patch");
                } else {
                    throw badRequest("unknown patch type: " + directive.asText() + " in map: " + item);
                }
            }
            if (replace) {
                base = new ArrayList<>();
                for (JsonNode item : plain) {
                    base.add(discardNulls(item));
                }
                plain = List.of();
            }
            for (JsonNode item : plain) {
                JsonNode value = item.get(mergeKey);
                if (value == null) {
                    throw noMergeKey(item, mergeKey);
                }
                int at = -1;
                for (int i = 0; i < base.size(); i++) {
                    if (!base.get(i).isObject()) {
                        throw badRequest("value for key " + i + " is not a map");
                    }
                    if (JsonValues.same(base.get(i).get(mergeKey), value)) {
                        at = i;
                        break;
                    }
                }
                if (at >= 0) {
                    base.set(at, mergeMap((ObjectNode) base.get(at), (ObjectNode) item, type.element()));
                } else {
                    // Stored as sent, less its nulls: kube-apiserver's conversion to the typed
                    // object drops them too.
                    base.add(discardNulls(item));
                }
            }
            merged = base;
        }
        List<JsonNode> patchItems = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        for (JsonNode item : merged) {
            (indexOf(patch, item, mergeKey) >= 0 ? patchItems : serverOnly).add(item);
        }
        return normalizeOrder(patchItems, serverOnly, patch, original, mergeKey);
    }

    /**
     * Sorts the patch's items by the patch order and the server-only items by the live order, then
     * interleaves them, keeping a server-only item before a patch item when the live list had it first.
     */
    private static ArrayNode normalizeOrder(List<JsonNode> patchItems, List<JsonNode> serverOnly,
                                            ArrayNode patchOrder, ArrayNode serverOrder, String mergeKey) {
        List<JsonNode> patchSorted = sortBy(patchItems, patchOrder, mergeKey);
        List<JsonNode> serverSorted = sortBy(serverOnly, serverOrder, mergeKey);
        List<JsonNode> all = new ArrayList<>();
        int i = 0;
        int j = 0;
        while (i < serverSorted.size() || j < patchSorted.size()) {
            if (i >= serverSorted.size()) {
                all.add(patchSorted.get(j++));
            } else if (j >= patchSorted.size()) {
                all.add(serverSorted.get(i++));
            } else {
                int li = indexOf(serverOrder, serverSorted.get(i), mergeKey);
                int ri = indexOf(serverOrder, patchSorted.get(j), mergeKey);
                if (li >= 0 && ri >= 0 && li < ri) {
                    all.add(serverSorted.get(i++));
                } else {
                    all.add(patchSorted.get(j++));
                }
            }
        }
        return array(all);
    }

    /** A stable sort of the items by their place in the order list; deletions go last, unplaced items stay put. */
    private static List<JsonNode> sortBy(List<JsonNode> items, ArrayNode order, String mergeKey) {
        List<JsonNode> kept = new ArrayList<>();
        List<JsonNode> deleted = new ArrayList<>();
        for (JsonNode item : items) {
            if (mergeKey != null) {
                if (!item.has(mergeKey)) {
                    throw noMergeKey(item, mergeKey);
                }
                (isDelete(item) ? deleted : kept).add(item);
            } else {
                kept.add(item);
            }
        }
        // An insertion sort with strategicpatch's comparison, which calls an item the order list
        // lacks "less" than any other: a total order only when all are placed, so no library sort.
        List<JsonNode> sorted = new ArrayList<>(kept);
        for (int i = 1; i < sorted.size(); i++) {
            for (int j = i; j > 0 && less(sorted.get(j), sorted.get(j - 1), order, mergeKey); j--) {
                sorted.set(j, sorted.set(j - 1, sorted.get(j)));
            }
        }
        sorted.addAll(deleted);
        return sorted;
    }

    private static boolean less(JsonNode a, JsonNode b, ArrayNode order, String mergeKey) {
        int ia = indexOf(order, a, mergeKey);
        int ib = indexOf(order, b, mergeKey);
        return ia < 0 || ib < 0 || ia < ib;
    }

    private static boolean isDelete(JsonNode item) {
        return item.isObject() && "delete".equals(item.path(DIRECTIVE).asText(null));
    }

    private static int indexOf(ArrayNode list, JsonNode item, String mergeKey) {
        for (int i = 0; i < list.size(); i++) {
            if (sameKey(item, list.get(i), mergeKey)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean sameKey(JsonNode a, JsonNode b, String mergeKey) {
        if (mergeKey == null) {
            return JsonValues.same(a, b);
        }
        JsonNode ka = a.isObject() ? a.get(mergeKey) : null;
        JsonNode kb = b.isObject() ? b.get(mergeKey) : null;
        return ka != null && kb != null && JsonValues.same(ka, kb);
    }

    private static JsonNode elementSample(ArrayNode... lists) {
        JsonNode sample = null;
        for (ArrayNode list : lists) {
            for (JsonNode item : list) {
                if (item.isArray()) {
                    throw ApiException.invalidPatch("lists of lists are not supported");
                }
                if (sample == null) {
                    sample = item;
                } else if (sample.isObject() != item.isObject()) {
                    throw badRequest("list element types are not identical: " + list);
                }
            }
        }
        return sample;
    }

    private static void addUnique(List<JsonNode> list, JsonNode item) {
        for (JsonNode existing : list) {
            if (JsonValues.same(existing, item)) {
                return;
            }
        }
        list.add(item);
    }

    /** A patch value with every map that carries $patch dropped; null when the value itself is one. */
    private static JsonNode removeDirectives(JsonNode value) {
        if (value.isObject()) {
            if (value.has(DIRECTIVE)) {
                return null;
            }
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            value.fields().forEachRemaining(f -> {
                JsonNode kept = removeDirectives(f.getValue());
                if (kept != null) {
                    result.set(f.getKey(), kept);
                }
            });
            return result;
        }
        if (value.isArray()) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            for (JsonNode item : value) {
                JsonNode kept = removeDirectives(item);
                if (kept != null) {
                    result.add(kept);
                }
            }
            return result;
        }
        return value;
    }

    /** A patch value without null members: nulls that match nothing in the target are dropped. */
    private static JsonNode discardNulls(JsonNode value) {
        if (value.isObject()) {
            ObjectNode result = JsonNodeFactory.instance.objectNode();
            value.fields().forEachRemaining(f -> {
                if (!f.getValue().isNull()) {
                    result.set(f.getKey(), discardNulls(f.getValue()));
                }
            });
            return result;
        }
        if (value.isArray()) {
            ArrayNode result = JsonNodeFactory.instance.arrayNode();
            value.forEach(item -> result.add(discardNulls(item)));
            return result;
        }
        return value;
    }

    private static String suffix(String key, String prefix, String error) {
        int slash = key.indexOf('/');
        if (slash < 0 || !key.substring(0, slash).equals(prefix)) {
            throw badRequest(error);
        }
        return key.substring(slash + 1);
    }

    private static ArrayNode array(List<JsonNode> items) {
        ArrayNode result = JsonNodeFactory.instance.arrayNode();
        result.addAll(items);
        return result;
    }

    private static ApiException noMergeKey(JsonNode item, String mergeKey) {
        return badRequest("map: " + item + " does not contain declared merge key: " + mergeKey);
    }

    private static ApiException badRequest(String message) {
        return ApiException.badRequest(message);
    }
}
