package io.gantry.apiserver.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.json.Json;
import io.gantry.apiserver.registry.BuiltInKinds;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Every hook of every strategy, on thousands of mutations of valid manifests (fixed seed): none may
 * throw, whatever a field holds, so that bad input is always a 422 and never a 500.
 */
class StrategyRobustnessTest {

    private static final Map<String, String> MANIFESTS = Map.ofEntries(
            Map.entry("pods", """
                    {metadata: {name: p, namespace: default}, spec: {nodeName: node-1, hostNetwork: true,
                     tolerations: [{key: a, operator: Exists}], volumes: [{name: v, configMap: {name: c}}],
                     initContainers: [{name: i, image: x, restartPolicy: Always}],
                     containers: [{name: a, image: "x:1", ports: [{name: http, containerPort: 80}],
                       env: [{name: A, value: b}], volumeMounts: [{name: v, mountPath: /v}],
                       resources: {limits: {cpu: "1", memory: 1Gi}}, livenessProbe: {httpGet: {port: 80}}}]},
                     status: {phase: Running, podIPs: [{ip: 127.1.0.2}],
                       containerStatuses: [{name: a, ready: true, restartCount: 1, state: {running: {}},
                         lastState: {terminated: {exitCode: 1, finishedAt: "2026-01-01T00:00:00Z"}}}],
                       initContainerStatuses: [{name: i, started: true, ready: true, restartCount: 0, state: {running: {}}}]}}"""),
            Map.entry("services", """
                    {metadata: {name: s}, spec: {type: LoadBalancer, clusterIP: 10.96.0.1, externalIPs: [1.2.3.4],
                     selector: {app: a}, sessionAffinity: ClientIP,
                     ports: [{name: a, port: 80, nodePort: 30080}, {name: b, port: 53, protocol: UDP, targetPort: dns}]},
                     status: {loadBalancer: {ingress: [{ip: 5.6.7.8}]}}}"""),
            Map.entry("endpoints", "{metadata: {name: e}, subsets: [{addresses: [{ip: 127.1.0.2, nodeName: n}], "
                    + "ports: [{name: a, port: 80}, {name: b, port: 81}]}]}"),
            Map.entry("nodes", "{metadata: {name: n, labels: {node-role.kubernetes.io/x: ''}}, spec: {podCIDRs: [127.1.0.0/16], "
                    + "taints: [{key: a, effect: NoSchedule}]}, status: {capacity: {cpu: '2'}, conditions: "
                    + "[{type: Ready, status: 'True'}], addresses: [{type: InternalIP, address: 127.0.0.1}]}}"),
            Map.entry("namespaces", "{metadata: {name: n}, spec: {finalizers: [kubernetes]}, status: {phase: Active}}"),
            Map.entry("secrets", "{metadata: {name: s, annotations: {a: b}}, type: kubernetes.io/tls, "
                    + "data: {tls.crt: eA==, tls.key: eA==}, stringData: {x: y}, immutable: true}"),
            Map.entry("configmaps", "{metadata: {name: c}, data: {a: b}, binaryData: {c: eA==}, immutable: true}"),
            Map.entry("serviceaccounts", "{metadata: {name: s}, secrets: [{name: t}], imagePullSecrets: [{name: r}]}"),
            Map.entry("replicationcontrollers", "{metadata: {name: r}, spec: {replicas: 2, selector: {app: a}, "
                    + "template: {metadata: {labels: {app: a}}, spec: {containers: [{name: a, image: x}]}}}, "
                    + "status: {replicas: 2, readyReplicas: 1, availableReplicas: 1}}"),
            Map.entry("events", "{metadata: {name: e, namespace: default}, involvedObject: {kind: Pod, name: p, "
                    + "namespace: default}, reason: R, message: m, type: Normal, source: {component: c, host: h}, "
                    + "firstTimestamp: '2026-01-01T00:00:00Z', lastTimestamp: '2026-01-01T00:01:00Z', count: 2, "
                    + "series: {count: 2, lastObservedTime: '2026-01-01T00:01:00.000000Z'}}"),
            Map.entry("podtemplates", "{metadata: {name: t}, template: {metadata: {labels: {a: b}}, "
                    + "spec: {containers: [{name: a, image: x}]}}}"),
            Map.entry("deployments", "{metadata: {name: d}, spec: {replicas: 2, selector: {matchLabels: {app: a}, "
                    + "matchExpressions: [{key: t, operator: In, values: [x]}]}, strategy: {rollingUpdate: "
                    + "{maxSurge: 1, maxUnavailable: 10%}}, template: {metadata: {labels: {app: a, t: x}}, "
                    + "spec: {containers: [{name: a, image: x}]}}}, status: {replicas: 2, updatedReplicas: 2, "
                    + "readyReplicas: 2, availableReplicas: 2}}"),
            Map.entry("replicasets", "{metadata: {name: r}, spec: {selector: {matchLabels: {app: a}}, "
                    + "template: {metadata: {labels: {app: a}}, spec: {containers: [{name: a, image: x}]}}}, "
                    + "status: {replicas: 1, readyReplicas: 1}}"),
            Map.entry("leases", "{metadata: {name: l}, spec: {holderIdentity: h, leaseDurationSeconds: 15, "
                    + "leaseTransitions: 1}}"),
            Map.entry("endpointslices", "{metadata: {name: e}, addressType: IPv4, endpoints: [{addresses: [127.1.0.2], "
                    + "nodeName: n}], ports: [{name: a, port: 80}]}"));
    private static final Map<String, String> EVENTS_V1 = Map.of("events.events.k8s.io", "{metadata: {name: e, "
            + "namespace: default}, regarding: {kind: Pod, name: p, namespace: default}, reason: R, note: n, type: Normal, "
            + "eventTime: '2026-01-01T00:00:00.000000Z', reportingController: c, reportingInstance: i, action: A}");

    private static final List<Supplier<JsonNode>> ODD_VALUES = List.of(
            () -> JsonNodeFactory.instance.nullNode(),
            () -> JsonNodeFactory.instance.textNode(""),
            () -> JsonNodeFactory.instance.textNode("99999999999999999999%"),
            () -> JsonNodeFactory.instance.textNode("1e99999999999"),
            () -> JsonNodeFactory.instance.textNode("999.1.1.1/99"),
            () -> JsonNodeFactory.instance.textNode("::1"),
            () -> JsonNodeFactory.instance.textNode("a=b/c%"),
            () -> JsonNodeFactory.instance.numberNode(0),
            () -> JsonNodeFactory.instance.numberNode(-1),
            () -> JsonNodeFactory.instance.numberNode(Long.MAX_VALUE),
            () -> JsonNodeFactory.instance.booleanNode(true),
            () -> JsonNodeFactory.instance.objectNode(),
            () -> JsonNodeFactory.instance.arrayNode(),
            () -> JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.objectNode()));

    @Test
    void theValidManifestsAreValid() {
        var kinds = BuiltInKinds.create();
        all().forEach((name, manifest) -> {
            KindStrategy strategy = kinds.resolve(name).orElseThrow();
            assertEquals(List.of(), KindTesting.createCauses(strategy, manifest), name);
        });
    }

    @Test
    void noHookThrowsWhateverAFieldHolds() {
        var kinds = BuiltInKinds.create();
        Random random = new Random(20261123);
        int cases = 0;
        for (var entry : all().entrySet()) {
            KindStrategy strategy = kinds.resolve(entry.getKey()).orElseThrow();
            ObjectNode valid = KindTesting.tree(entry.getValue());
            for (int i = 0; i < 400; i++) {
                ObjectNode mutated = valid.deepCopy();
                int mutations = 1 + random.nextInt(3);
                StringBuilder what = new StringBuilder();
                for (int m = 0; m < mutations && !mutated.isEmpty(); m++) {
                    what.append(mutate(mutated, random)).append("; ");
                }
                try {
                    exercise(strategy, mutated, valid);
                } catch (RuntimeException e) {
                    fail(strategy + " threw on " + what + Json.write(mutated), e);
                }
                cases++;
            }
        }
        assertEquals(16 * 400, cases);
    }

    /** In a fixed order: Map.of iterates in an order that changes from run to run. */
    private static Map<String, String> all() {
        Map<String, String> all = new java.util.TreeMap<>(MANIFESTS);
        all.putAll(EVENTS_V1);
        return all;
    }

    private static void exercise(KindStrategy strategy, ObjectNode object, ObjectNode valid) {
        ObjectNode old = valid.deepCopy();
        strategy.applyDefaults(old);
        strategy.prepareForCreate(old);
        ObjectNode created = object.deepCopy();
        strategy.applyDefaults(created);
        strategy.prepareForCreate(created);
        strategy.validate(created, new Validator());
        ObjectNode updated = object.deepCopy();
        strategy.applyDefaults(updated);
        strategy.prepareForUpdate(updated, old);
        strategy.validateUpdate(updated, old, new Validator());
        strategy.validateUpdate(old.deepCopy(), updated, new Validator());
        ObjectNode status = object.deepCopy();
        strategy.prepareForStatusUpdate(status, old);
        strategy.validateStatusUpdate(status, old, new Validator());
        strategy.gracePeriodSeconds(object, null);
        strategy.gracePeriodSeconds(object, 5L);
        ObjectNode deleted = object.deepCopy();
        strategy.prepareForDeletion(deleted);
        strategy.readyToRemove(deleted);
        for (var selector : strategy.fieldSelectors().values()) {
            selector.apply(object);
            selector.apply(created);
        }
        for (Column column : strategy.columns()) {
            column.cell().apply(object);
            column.cell().apply(created);
        }
    }

    /** Replaces, removes or empties one field somewhere in the tree; says what it did. */
    private static String mutate(ObjectNode root, Random random) {
        List<Object[]> slots = new ArrayList<>();
        collect(root, "", slots);
        Object[] slot = slots.get(random.nextInt(slots.size()));
        JsonNode parent = (JsonNode) slot[0];
        String path = (String) slot[2];
        JsonNode value = ODD_VALUES.get(random.nextInt(ODD_VALUES.size())).get();
        if (parent instanceof ObjectNode object) {
            String field = (String) slot[1];
            if (random.nextInt(4) == 0) {
                object.remove(field);
                return "removed " + path;
            }
            object.set(field, value);
        } else {
            ((ArrayNode) parent).set((Integer) slot[1], value);
        }
        return path + "=" + value;
    }

    private static void collect(JsonNode node, String path, List<Object[]> slots) {
        if (node instanceof ObjectNode object) {
            object.fieldNames().forEachRemaining(name -> {
                slots.add(new Object[] {object, name, path + "/" + name});
                collect(object.get(name), path + "/" + name, slots);
            });
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                slots.add(new Object[] {array, i, path + "/" + i});
                collect(array.get(i), path + "/" + i, slots);
            }
        }
    }
}
