package io.gantry.apiserver.patch;

import static io.gantry.apiserver.patch.Json.json;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.kubernetes.client.proto.V1Apps;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Random patches of every type against a real Deployment, from a fixed seed: each either applies
 * or fails with an ApiException (a Status for the client), never with any other exception, which
 * the API server would turn into a 500.
 */
class PatchFuzzTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> KEYS = List.of("spec", "template", "metadata", "labels", "containers", "name",
            "image", "ports", "containerPort", "protocol", "env", "value", "replicas", "selector", "matchLabels",
            "strategy", "rollingUpdate", "volumes", "emptyDir", "finalizers", "ownerReferences", "uid", "args",
            "$patch", "$retainKeys", "$setElementOrder/containers", "$setElementOrder/env", "$setElementOrder/finalizers",
            "$deleteFromPrimitiveList/finalizers", "$deleteFromPrimitiveList/args", "status", "conditions", "type");
    private static final List<String> WORDS = List.of("replace", "delete", "merge", "web", "sidecar", "A", "TCP", "x");

    private static final String WEB = "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','labels':{'app':'web'},"
            + "'finalizers':['a','b'],'ownerReferences':[{'uid':'1','name':'o'}]},'spec':{'replicas':2,'selector':{'matchLabels':"
            + "{'app':'web'}},'strategy':{'type':'RollingUpdate','rollingUpdate':{'maxSurge':1}},'template':{'metadata':{'labels':"
            + "{'app':'web'}},'spec':{'volumes':[{'name':'v','emptyDir':{}}],'containers':[{'name':'web','image':'nginx',"
            + "'args':['a'],'ports':[{'containerPort':80},{'containerPort':443,'protocol':'TCP'}],'env':[{'name':'A','value':'1'}]},"
            + "{'name':'sidecar','image':'busybox'}]}}}}";

    private final Random random = new Random(20261123L);

    private JsonNode value(int depth) {
        int pick = random.nextInt(depth <= 0 ? 5 : 9);
        return switch (pick) {
            case 0 -> NODES.nullNode();
            case 1 -> NODES.numberNode(random.nextInt(500));
            case 2 -> NODES.booleanNode(random.nextBoolean());
            case 3, 4 -> NODES.textNode(WORDS.get(random.nextInt(WORDS.size())));
            case 5, 6 -> {
                ArrayNode list = NODES.arrayNode();
                for (int i = random.nextInt(4); i > 0; i--) {
                    list.add(value(depth - 1));
                }
                yield list;
            }
            default -> {
                ObjectNode object = NODES.objectNode();
                for (int i = random.nextInt(5); i > 0; i--) {
                    object.set(KEYS.get(random.nextInt(KEYS.size())), value(depth - 1));
                }
                yield object;
            }
        };
    }

    /** The Deployment with a random subtree replaced somewhere: close to valid, often not. */
    private JsonNode mutated(JsonNode base) {
        JsonNode copy = base.deepCopy();
        JsonNode node = copy;
        for (int step = 0; step < 6 && node.isContainerNode() && !node.isEmpty(); step++) {
            if (random.nextInt(4) == 0) {
                break;
            }
            JsonNode next;
            if (node.isObject()) {
                List<String> names = new java.util.ArrayList<>();
                node.fieldNames().forEachRemaining(names::add);
                String name = names.get(random.nextInt(names.size()));
                next = node.get(name);
                if (!next.isContainerNode() || random.nextInt(3) == 0) {
                    ((ObjectNode) node).set(name, value(2));
                    return copy;
                }
            } else {
                int index = random.nextInt(node.size());
                next = node.get(index);
                if (!next.isContainerNode() || random.nextInt(3) == 0) {
                    ((ArrayNode) node).set(index, value(2));
                    return copy;
                }
            }
            node = next;
        }
        if (node.isObject()) {
            ((ObjectNode) node).set(KEYS.get(random.nextInt(KEYS.size())), value(2));
        }
        return copy;
    }

    private JsonNode jsonPatch() {
        ArrayNode ops = NODES.arrayNode();
        for (int i = random.nextInt(4); i >= 0; i--) {
            ObjectNode op = ops.addObject();
            op.put("op", List.of("add", "remove", "replace", "move", "copy", "test", "bogus").get(random.nextInt(7)));
            op.put("path", path());
            if (random.nextBoolean()) {
                op.put("from", path());
            }
            if (random.nextInt(4) > 0) {
                op.set("value", value(2));
            }
        }
        return random.nextInt(20) == 0 ? value(2) : ops;
    }

    private final List<String> realPaths = new java.util.ArrayList<>();

    private void collectPaths(JsonNode node, String prefix) {
        realPaths.add(prefix);
        if (node.isObject()) {
            node.fields().forEachRemaining(f -> collectPaths(f.getValue(), prefix + "/" + f.getKey().replace("~", "~0").replace("/", "~1")));
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                collectPaths(node.get(i), prefix + "/" + i);
            }
        }
    }

    private String path() {
        if (!realPaths.isEmpty() && random.nextInt(3) > 0) {
            String real = realPaths.get(random.nextInt(realPaths.size()));
            return random.nextInt(4) == 0 ? real + "/" + (random.nextBoolean() ? "-" : "x") : real;
        }
        StringBuilder path = new StringBuilder();
        for (int i = random.nextInt(6); i > 0; i--) {
            int pick = random.nextInt(4);
            path.append('/').append(pick == 0 ? String.valueOf(random.nextInt(4) - 1)
                    : pick == 1 ? "-" : KEYS.get(random.nextInt(KEYS.size())).replace("/", "~1"));
        }
        return random.nextInt(30) == 0 ? "no-slash" : path.toString();
    }

    private final java.util.Map<String, int[]> outcomes = new java.util.TreeMap<>();

    private void onlyApiExceptions(String what, JsonNode input, Supplier<JsonNode> action) {
        int[] counts = outcomes.computeIfAbsent(what, w -> new int[2]);
        try {
            JsonNode result = action.get();
            assertTrue(result != null, what + " returned null for " + input);
            counts[0]++;
        } catch (ApiException e) {
            counts[1]++;
            assertTrue(e.code() >= 400 && e.code() < 500, what + " answered " + e.code() + " for " + input);
            assertTrue(e.getMessage() != null && !e.getMessage().contains("java."), e.getMessage());
        } catch (RuntimeException | StackOverflowError e) {
            fail(what + " threw " + e + " for " + input, e);
        }
    }

    @Test
    void everyPatchTypeEitherAppliesOrAnswersAStatus() {
        JsonNode web = json(WEB);
        var kind = V1Apps.Deployment.getDescriptor();
        Set<String> status = Set.of("status");
        ObjectNode live = ServerSideApply.apply(kind, "apps/v1", null, web, "kubectl", false, status, Instant.EPOCH);
        collectPaths(web, "");
        for (int i = 0; i < 3000; i++) {
            JsonNode patch = random.nextBoolean() ? mutated(web) : value(4);
            onlyApiExceptions("merge patch", patch, () -> JsonMergePatch.apply(live, patch));
            onlyApiExceptions("strategic merge patch", patch, () -> StrategicMergePatch.apply(kind, live, patch));
            JsonNode ops = jsonPatch();
            onlyApiExceptions("json patch", ops, () -> JsonPatch.apply(live, ops));
            onlyApiExceptions("apply", patch, () -> ServerSideApply.apply(kind, "apps/v1", live, patch, "other",
                    random.nextBoolean(), status, Instant.EPOCH));
            onlyApiExceptions("apply by kubectl", patch, () -> ServerSideApply.apply(kind, "apps/v1", live, patch, "kubectl",
                    false, status, Instant.EPOCH));
            if (patch.isObject()) {
                onlyApiExceptions("update", patch, () -> ServerSideApply.update(kind, "apps/v1", null, live,
                        (ObjectNode) patch, "editor", status, Instant.EPOCH));
            }
        }
        // Both outcomes were exercised for every patch type, or the generator says little; an
        // ordinary write's ownership never fails the write.
        outcomes.forEach((what, counts) -> assertTrue(what.equals("update") ? counts[1] == 0 : counts[0] > 100 && counts[1] > 100,
                what + ": " + counts[0] + " applied, " + counts[1] + " rejected"));
    }
}
