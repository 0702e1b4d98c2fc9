package io.gantry.apiserver.kinds;

import static io.gantry.apiserver.kinds.KindTesting.assertTree;
import static io.gantry.apiserver.kinds.KindTesting.cells;
import static io.gantry.apiserver.kinds.KindTesting.created;
import static io.gantry.apiserver.kinds.KindTesting.createCauses;
import static io.gantry.apiserver.kinds.KindTesting.header;
import static io.gantry.apiserver.kinds.KindTesting.tree;
import static io.gantry.apiserver.kinds.KindTesting.updateCauses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.meta.v1.Times;
import io.gantry.apiserver.kinds.pod.PodStrategy;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class PodStrategyTest {

    private final PodStrategy pods = new PodStrategy();

    private static final String MINIMAL = """
            apiVersion: v1
            kind: Pod
            metadata: {name: web, namespace: default}
            spec:
              containers:
              - name: httpd
                image: gantry/httpd:1.0
                ports: [{containerPort: 80}]
            """;

    @Test
    void aMinimalPodIsDefaultedAsKubernetesDoes() {
        assertTree("""
                apiVersion: v1
                kind: Pod
                metadata: {name: web, namespace: default}
                spec:
                  containers:
                  - name: httpd
                    image: gantry/httpd:1.0
                    imagePullPolicy: IfNotPresent
                    ports: [{containerPort: 80, protocol: TCP}]
                    resources: {}
                    terminationMessagePath: /dev/termination-log
                    terminationMessagePolicy: File
                  dnsPolicy: ClusterFirst
                  enableServiceLinks: true
                  preemptionPolicy: PreemptLowerPriority
                  priority: 0
                  restartPolicy: Always
                  schedulerName: default-scheduler
                  securityContext: {}
                  serviceAccount: default
                  serviceAccountName: default
                  terminationGracePeriodSeconds: 30
                status: {phase: Pending, qosClass: BestEffort}
                """, created(pods, MINIMAL));
    }

    @Test
    void defaultingKeepsWhatIsSetAndFillsProbesVolumesAndRequests() {
        ObjectNode pod = created(pods, """
                metadata: {name: web}
                spec:
                  restartPolicy: Never
                  serviceAccountName: builder
                  volumes: [{name: scratch}, {name: conf, configMap: {name: c}}]
                  containers:
                  - name: app
                    image: busybox
                    resources: {limits: {cpu: 500m, memory: 64Mi}}
                    readinessProbe: {httpGet: {port: 80}}
                    env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
                """);
        assertEquals("Never", pod.at("/spec/restartPolicy").asText());
        assertEquals("builder", pod.at("/spec/serviceAccount").asText());
        assertEquals("Always", pod.at("/spec/containers/0/imagePullPolicy").asText(), "no tag means latest");
        assertEquals("{}", pod.at("/spec/volumes/0/emptyDir").toString());
        assertEquals(420, pod.at("/spec/volumes/1/configMap/defaultMode").asInt());
        assertEquals("{\"cpu\":\"500m\",\"memory\":\"64Mi\"}", pod.at("/spec/containers/0/resources/requests").toString());
        assertEquals("{\"port\":80,\"path\":\"/\",\"scheme\":\"HTTP\"}",
                pod.at("/spec/containers/0/readinessProbe/httpGet").toString());
        assertEquals(1, pod.at("/spec/containers/0/readinessProbe/timeoutSeconds").asInt());
        assertEquals(10, pod.at("/spec/containers/0/readinessProbe/periodSeconds").asInt());
        assertEquals(3, pod.at("/spec/containers/0/readinessProbe/failureThreshold").asInt());
        assertEquals("v1", pod.at("/spec/containers/0/env/0/valueFrom/fieldRef/apiVersion").asText());
        assertEquals("Guaranteed", pod.at("/status/qosClass").asText());
    }

    @Test
    void defaultingTwiceChangesNothing() {
        ObjectNode once = created(pods, MINIMAL);
        ObjectNode twice = once.deepCopy();
        pods.applyDefaults(twice);
        assertEquals(once, twice);
    }

    @Test
    void qosClassFollowsRequestsAndLimits() {
        assertEquals("Burstable", created(pods, """
                metadata: {name: p}
                spec: {containers: [{name: a, image: x, resources: {requests: {cpu: 100m}}}]}
                """).at("/status/qosClass").asText());
        assertEquals("Burstable", created(pods, """
                metadata: {name: p}
                spec: {containers: [{name: a, image: x, resources: {limits: {cpu: "1", memory: 1Gi}, requests: {cpu: 500m}}}]}
                """).at("/status/qosClass").asText());
        assertEquals("Guaranteed", created(pods, """
                metadata: {name: p}
                spec: {containers: [{name: a, image: x, resources: {limits: {cpu: "1", memory: 1Gi}, requests: {cpu: 1000m}}}]}
                """).at("/status/qosClass").asText());
    }

    static Stream<Arguments> badPods() {
        return Stream.of(
                Arguments.of("spec: {containers: []}", "spec.containers|FieldValueRequired|Required value"),
                Arguments.of("spec: {containers: [{image: x}]}",
                        "spec.containers[0].name|FieldValueRequired|Required value"),
                Arguments.of("spec: {containers: [{name: a}]}",
                        "spec.containers[0].image|FieldValueRequired|Required value"),
                Arguments.of("spec: {containers: [{name: A_b, image: x}]}",
                        "spec.containers[0].name|FieldValueInvalid|Invalid value: \"A_b\": a lowercase RFC 1123 label "
                                + "must consist of lower case alphanumeric characters or '-', and must start and end "
                                + "with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for "
                                + "validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"),
                Arguments.of("spec: {containers: [{name: a, image: x}, {name: a, image: y}]}",
                        "spec.containers[1].name|FieldValueDuplicate|Duplicate value: \"a\""),
                Arguments.of("spec: {restartPolicy: Sometimes, containers: [{name: a, image: x}]}",
                        "spec.restartPolicy|FieldValueNotSupported|Unsupported value: \"Sometimes\": supported values: "
                                + "\"Always\", \"OnFailure\", \"Never\""),
                Arguments.of("spec: {dnsPolicy: Google, containers: [{name: a, image: x}]}",
                        "spec.dnsPolicy|FieldValueNotSupported|Unsupported value: \"Google\": supported values: "
                                + "\"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\""),
                Arguments.of("spec: {containers: [{name: a, image: x, imagePullPolicy: Sometimes}]}",
                        "spec.containers[0].imagePullPolicy|FieldValueNotSupported|Unsupported value: \"Sometimes\": "
                                + "supported values: \"Always\", \"IfNotPresent\", \"Never\""),
                Arguments.of("spec: {containers: [{name: a, image: x, ports: [{containerPort: 70000}]}]}",
                        "spec.containers[0].ports[0].containerPort|FieldValueInvalid|Invalid value: 70000: must be "
                                + "between 1 and 65535, inclusive"),
                Arguments.of("spec: {containers: [{name: a, image: x, ports: [{containerPort: 80, protocol: ICMP}]}]}",
                        "spec.containers[0].ports[0].protocol|FieldValueNotSupported|Unsupported value: \"ICMP\": "
                                + "supported values: \"SCTP\", \"TCP\", \"UDP\""),
                Arguments.of("spec: {containers: [{name: a, image: x, ports: [{name: http, containerPort: 80}, "
                                + "{name: http, containerPort: 81}]}]}",
                        "spec.containers[0].ports[1].name|FieldValueDuplicate|Duplicate value: \"http\""),
                Arguments.of("spec: {containers: [{name: a, image: x, env: [{name: \"A=B\", value: y}]}]}",
                        "spec.containers[0].env[0].name|FieldValueInvalid|Invalid value: \"A=B\": a valid environment "
                                + "variable name must consist only of printable ASCII characters other than '='"),
                Arguments.of("spec: {containers: [{name: a, image: x, resources: {limits: {cpu: 1}, "
                                + "requests: {cpu: 2}}}]}",
                        "spec.containers[0].resources.requests[cpu]|FieldValueInvalid|Invalid value: \"2\": must be "
                                + "less than or equal to cpu limit of 1"),
                Arguments.of("spec: {containers: [{name: a, image: x, resources: {requests: {memory: lots}}}]}",
                        "spec.containers[0].resources.requests[memory]|FieldValueInvalid|Invalid value: \"lots\": "
                                + "quantities must match the regular expression "
                                + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"),
                Arguments.of("spec: {containers: [{name: a, image: x, volumeMounts: [{name: data, mountPath: /d}]}]}",
                        "spec.containers[0].volumeMounts[0].name|FieldValueNotFound|Not found: \"data\""),
                Arguments.of("spec: {containers: [{name: a, image: x, livenessProbe: {periodSeconds: 5}}]}",
                        "spec.containers[0].livenessProbe|FieldValueRequired|Required value: must specify a handler type"),
                Arguments.of("spec: {volumes: [{name: v, emptyDir: {}, hostPath: {path: /tmp}}], containers: [{name: a, image: x}]}",
                        "spec.volumes[0].hostPath|FieldValueForbidden|Forbidden: may not specify more than 1 volume type"),
                Arguments.of("spec: {volumes: [{name: v}, {name: v}], containers: [{name: a, image: x}]}",
                        "spec.volumes[1].name|FieldValueDuplicate|Duplicate value: \"v\""),
                Arguments.of("spec: {activeDeadlineSeconds: 0, containers: [{name: a, image: x}]}",
                        "spec.activeDeadlineSeconds|FieldValueInvalid|Invalid value: 0: must be between 1 and "
                                + "2147483647, inclusive"),
                Arguments.of("spec: {tolerations: [{key: k, operator: Maybe}], containers: [{name: a, image: x}]}",
                        "spec.tolerations[0].operator|FieldValueNotSupported|Unsupported value: \"Maybe\": supported "
                                + "values: \"Equal\", \"Exists\""),
                Arguments.of("spec: {tolerations: [{key: k, operator: Exists, effect: NoSchedule, "
                                + "tolerationSeconds: 5}], containers: [{name: a, image: x}]}",
                        "spec.tolerations[0].effect|FieldValueInvalid|Invalid value: \"NoSchedule\": effect must be "
                                + "'NoExecute' when `tolerationSeconds` is set"));
    }

    @ParameterizedTest
    @MethodSource("badPods")
    void badPodsAreRejectedWithKubernetesWording(String spec, String cause) {
        assertEquals(List.of(cause), createCauses(pods, "metadata: {name: p}\n" + spec));
    }

    @Test
    void aValidPodHasNoCauses() {
        assertEquals(List.of(), createCauses(pods, MINIMAL));
    }

    @Test
    void onlyImagesDeadlinesAndAddedTolerationsMayChange() {
        String base = """
                metadata: {name: p}
                spec:
                  tolerations: [{key: a, operator: Exists}]
                  containers: [{name: a, image: "x:1"}]
                """;
        assertEquals(List.of(), updateCauses(pods, base, base.replace("x:1", "x:2")));
        assertEquals(List.of(), updateCauses(pods, base, base.replace("[{key: a, operator: Exists}]",
                "[{key: a, operator: Exists}, {key: b, operator: Exists}]")));
        assertEquals(List.of(), updateCauses(pods, base, base.replace("spec:", "spec:\n  activeDeadlineSeconds: 60")));
        String forbidden = "spec|FieldValueForbidden|Forbidden: pod updates may not change fields other than "
                + "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                + "`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` "
                + "(allow it to be set to 1 if it was previously negative)";
        assertEquals(List.of(forbidden), updateCauses(pods, base, base.replace("spec:", "spec:\n  restartPolicy: Never")));
        assertEquals(List.of(forbidden), updateCauses(pods, base, base.replace("[{key: a, operator: Exists}]", "[]")));
        assertEquals(List.of(forbidden), updateCauses(pods, base, base.replace("name: a, image", "name: b, image")));
        assertEquals(List.of("spec.containers[0].image|FieldValueRequired|Required value", forbidden),
                updateCauses(pods, base, base.replace("\"x:1\"", "\"\"")));
    }

    @Test
    void gatedPodsSaySoAndMayLoseTheirGates() {
        String gated = MINIMAL.replace("spec:\n", "spec:\n  schedulingGates: [{name: example.com/quota}]\n");
        ObjectNode pod = created(pods, gated);
        assertEquals("SchedulingGated", pod.at("/status/conditions/0/reason").asText());
        assertEquals("SchedulingGated", cells(pods, pod, false).get(2));
        assertEquals(List.of(), updateCauses(pods, gated, MINIMAL));
        assertEquals(1, updateCauses(pods, MINIMAL, gated).size(), "gates may not be added");
    }

    @Test
    void anUpdateKeepsTheStatusAndTheBoundNode() {
        ObjectNode old = created(pods, MINIMAL);
        old.with("spec").put("nodeName", "node-1");
        old.with("status").put("phase", "Running");
        ObjectNode updated = tree(MINIMAL);
        updated.putObject("status").put("phase", "Failed");
        pods.applyDefaults(updated);
        pods.prepareForUpdate(updated, old);
        assertEquals("node-1", updated.at("/spec/nodeName").asText());
        assertEquals("Running", updated.at("/status/phase").asText());
    }

    @Test
    void podIpAndPodIpsAreKeptInStep() {
        ObjectNode old = created(pods, MINIMAL);
        ObjectNode status = old.deepCopy();
        status.with("status").put("podIP", "127.1.0.2").put("phase", "Running").remove("qosClass");
        pods.prepareForStatusUpdate(status, old);
        assertEquals("[{\"ip\":\"127.1.0.2\"}]", status.at("/status/podIPs").toString());
        assertEquals("BestEffort", status.at("/status/qosClass").asText());
        ObjectNode plural = old.deepCopy();
        plural.with("status").putArray("podIPs").addObject().put("ip", "127.1.0.3");
        pods.prepareForStatusUpdate(plural, old);
        assertEquals("127.1.0.3", plural.at("/status/podIP").asText());
    }

    @Test
    void boundUnfinishedPodsAreDeletedGracefully() {
        ObjectNode pod = created(pods, MINIMAL);
        assertNull(pods.gracePeriodSeconds(pod, null), "unbound: at once");
        pod.with("spec").put("nodeName", "node-1");
        assertEquals(30L, pods.gracePeriodSeconds(pod, null));
        assertEquals(5L, pods.gracePeriodSeconds(pod, 5L));
        assertEquals(1L, pods.gracePeriodSeconds(pod, -3L));
        assertNull(pods.gracePeriodSeconds(pod, 0L));
        pod.with("status").put("phase", "Succeeded");
        assertNull(pods.gracePeriodSeconds(pod, 10L), "finished: at once");
    }

    @Test
    void fieldSelectorsReadWhatKubeApiserverIndexes() {
        ObjectNode pod = created(pods, MINIMAL);
        pod.with("spec").put("nodeName", "node-1");
        pod.with("status").put("podIP", "127.1.0.2");
        var fields = pods.fieldSelectors();
        assertEquals("node-1", fields.get("spec.nodeName").apply(pod));
        assertEquals("Always", fields.get("spec.restartPolicy").apply(pod));
        assertEquals("default-scheduler", fields.get("spec.schedulerName").apply(pod));
        assertEquals("default", fields.get("spec.serviceAccountName").apply(pod));
        assertEquals("false", fields.get("spec.hostNetwork").apply(pod));
        assertEquals("Pending", fields.get("status.phase").apply(pod));
        assertEquals("127.1.0.2", fields.get("status.podIP").apply(pod));
        assertEquals("", fields.get("status.nominatedNodeName").apply(pod));
    }

    @Test
    void columnsAreThoseOfKubectlGetPods() {
        assertEquals(List.of("Name", "Ready", "Status", "Restarts", "Age"), header(pods, false));
        assertEquals(List.of("Name", "Ready", "Status", "Restarts", "Age", "IP", "Node", "Nominated Node",
                "Readiness Gates"), header(pods, true));
        String created = Times.format(Instant.now().minusSeconds(600));
        String restarted = Times.format(Instant.now().minusSeconds(90));
        ObjectNode pod = tree("""
                metadata: {name: web, creationTimestamp: "%s"}
                spec:
                  nodeName: node-1
                  readinessGates: [{conditionType: example.com/gate}]
                  containers: [{name: a, image: x}, {name: b, image: y}]
                status:
                  phase: Running
                  podIPs: [{ip: 127.1.0.2}]
                  conditions: [{type: Ready, status: "False"}, {type: example.com/gate, status: "True"}]
                  containerStatuses:
                  - {name: a, ready: true, restartCount: 2, state: {running: {}},
                     lastState: {terminated: {exitCode: 1, finishedAt: "%s"}}}
                  - {name: b, ready: false, restartCount: 0, state: {waiting: {reason: CrashLoopBackOff}}}
                """.formatted(created, restarted));
        assertEquals(List.of("web", "1/2", "CrashLoopBackOff", "2 (90s ago)", "10m", "127.1.0.2", "node-1", "<none>",
                "1/1"), cells(pods, pod, true));
    }

    @Test
    void statusShowsInitContainersCompletionAndDeletion() {
        ObjectNode initializing = tree("""
                metadata: {name: p}
                spec: {initContainers: [{name: i, image: x}], containers: [{name: a, image: x}]}
                status:
                  phase: Pending
                  initContainerStatuses: [{name: i, restartCount: 0, state: {running: {}}}]
                  containerStatuses: [{name: a, restartCount: 0, state: {waiting: {reason: PodInitializing}}}]
                """);
        assertEquals(List.of("p", "0/1", "Init:0/1", "0"), cells(pods, initializing, false).subList(0, 4));
        ObjectNode failed = tree("""
                metadata: {name: p}
                spec: {containers: [{name: a, image: x}]}
                status:
                  phase: Failed
                  containerStatuses: [{name: a, restartCount: 0, state: {terminated: {exitCode: 137, signal: 9}}}]
                """);
        assertEquals("Signal:9", cells(pods, failed, false).get(2));
        ObjectNode deleting = created(pods, MINIMAL);
        deleting.with("metadata").put("deletionTimestamp", Times.now());
        assertEquals("Terminating", cells(pods, deleting, false).get(2));
        assertEquals(List.of("<none>", "<none>", "<none>", "<none>"), cells(pods, deleting, true).subList(5, 9));
    }
}
