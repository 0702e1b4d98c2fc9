package io.gantry.scheduler;

import static io.gantry.scheduler.Fixtures.labelled;
import static io.gantry.scheduler.Fixtures.node;
import static io.gantry.scheduler.Fixtures.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Taint;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each filter, table-driven: a pod, a node (changed from {@link Fixtures#node}), the pods already
 * on it, and the reasons the filters give (none: the pod fits). Every row that rejects has a twin
 * that passes, so that each filter is seen to exclude exactly what it should.
 */
class FiltersTest {

    private static final Consumer<Node> AS_IS = node -> { };

    static Stream<Arguments> cases() {
        return Stream.of(
                // NodeUnschedulable (cordon)
                row("cordoned", pod("p", ""), node -> node.spec.unschedulable = true, List.of(),
                        "node(s) were unschedulable"),
                row("cordoned, tolerated", pod("p", "tolerations: [{key: node.kubernetes.io/unschedulable, operator: Exists, effect: NoSchedule}]"),
                        node -> node.spec.unschedulable = true, List.of()),
                // readiness, as the taints Kubernetes' node lifecycle gives
                row("not ready", pod("p", ""), node -> node.status.conditions = List.of(Fixtures.ready("False")), List.of(),
                        "node(s) had untolerated taint {node.kubernetes.io/not-ready: }"),
                row("ready unknown", pod("p", ""), node -> node.status.conditions = List.of(Fixtures.ready("Unknown")), List.of(),
                        "node(s) had untolerated taint {node.kubernetes.io/unreachable: }"),
                row("not ready, tolerated", pod("p", "tolerations: [{key: node.kubernetes.io/not-ready, operator: Exists}]"),
                        node -> node.status.conditions = List.of(Fixtures.ready("False")), List.of()),
                // TaintToleration
                row("NoSchedule taint", pod("p", ""), taint("dedicated", "gpu", Taint.NO_SCHEDULE), List.of(),
                        "node(s) had untolerated taint {dedicated: gpu}"),
                row("NoExecute taint", pod("p", ""), taint("dedicated", "gpu", Taint.NO_EXECUTE), List.of(),
                        "node(s) had untolerated taint {dedicated: gpu}"),
                row("PreferNoSchedule only scores", pod("p", ""), taint("dedicated", "gpu", Taint.PREFER_NO_SCHEDULE), List.of()),
                row("Equal toleration", pod("p", "tolerations: [{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}]"),
                        taint("dedicated", "gpu", Taint.NO_SCHEDULE), List.of()),
                row("toleration of another value", pod("p", "tolerations: [{key: dedicated, value: cpu}]"),
                        taint("dedicated", "gpu", Taint.NO_SCHEDULE), List.of(), "node(s) had untolerated taint {dedicated: gpu}"),
                row("toleration of another effect", pod("p", "tolerations: [{key: dedicated, operator: Exists, effect: NoSchedule}]"),
                        taint("dedicated", "gpu", Taint.NO_EXECUTE), List.of(), "node(s) had untolerated taint {dedicated: gpu}"),
                row("Exists without key tolerates all", pod("p", "tolerations: [{operator: Exists}]"),
                        taint("dedicated", "gpu", Taint.NO_EXECUTE), List.of()),
                // NodeAffinity: nodeSelector
                row("nodeSelector matches", pod("p", "nodeSelector: {disk: ssd}"), label("disk", "ssd"), List.of()),
                row("nodeSelector differs", pod("p", "nodeSelector: {disk: ssd}"), label("disk", "hdd"), List.of(),
                        "node(s) didn't match Pod's node affinity/selector"),
                row("nodeSelector label missing", pod("p", "nodeSelector: {disk: ssd}"), AS_IS, List.of(),
                        "node(s) didn't match Pod's node affinity/selector"),
                // NodeAffinity: required terms, each operator
                row("In", affinity("{key: zone, operator: In, values: [a, b]}"), label("zone", "b"), List.of()),
                row("In, other value", affinity("{key: zone, operator: In, values: [a, b]}"), label("zone", "c"), List.of(),
                        "node(s) didn't match Pod's node affinity/selector"),
                row("NotIn", affinity("{key: zone, operator: NotIn, values: [a]}"), label("zone", "b"), List.of()),
                row("NotIn, listed", affinity("{key: zone, operator: NotIn, values: [a]}"), label("zone", "a"), List.of(),
                        "node(s) didn't match Pod's node affinity/selector"),
                row("NotIn, label missing", affinity("{key: zone, operator: NotIn, values: [a]}"), AS_IS, List.of()),
                row("Exists", affinity("{key: gpu, operator: Exists}"), label("gpu", ""), List.of()),
                row("Exists, missing", affinity("{key: gpu, operator: Exists}"), AS_IS, List.of(),
                        "node(s) didn't match Pod's node affinity/selector"),
                row("DoesNotExist", affinity("{key: gpu, operator: DoesNotExist}"), AS_IS, List.of()),
                row("DoesNotExist, present", affinity("{key: gpu, operator: DoesNotExist}"), label("gpu", "1"), List.of(),
                        "node(s) didn't match Pod's node affinity/selector"),
                row("Gt", affinity("{key: cores, operator: Gt, values: ['8']}"), label("cores", "16"), List.of()),
                row("Gt, smaller", affinity("{key: cores, operator: Gt, values: ['8']}"), label("cores", "8"), List.of(),
                        "node(s) didn't match Pod's node affinity/selector"),
                row("Lt", affinity("{key: cores, operator: Lt, values: ['8']}"), label("cores", "4"), List.of()),
                row("Lt, not a number", affinity("{key: cores, operator: Lt, values: ['8']}"), label("cores", "many"), List.of(),
                        "node(s) didn't match Pod's node affinity/selector"),
                row("matchFields metadata.name", pod("p", """
                        affinity:
                          nodeAffinity:
                            requiredDuringSchedulingIgnoredDuringExecution:
                              nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [n1]}]}]"""),
                        AS_IS, List.of()),
                row("matchFields metadata.name, other node", pod("p", """
                        affinity:
                          nodeAffinity:
                            requiredDuringSchedulingIgnoredDuringExecution:
                              nodeSelectorTerms: [{matchFields: [{key: metadata.name, operator: In, values: [n2]}]}]"""),
                        AS_IS, List.of(), "node(s) didn't match Pod's node affinity/selector"),
                row("terms are ORed", pod("p", """
                        affinity:
                          nodeAffinity:
                            requiredDuringSchedulingIgnoredDuringExecution:
                              nodeSelectorTerms:
                              - matchExpressions: [{key: zone, operator: In, values: [x]}]
                              - matchExpressions: [{key: zone, operator: In, values: [a]}]"""),
                        label("zone", "a"), List.of()),
                // NodePorts
                row("host port taken", pod("p", "containers: [{name: c, image: i, ports: [{containerPort: 80, hostPort: 8080}]}]"),
                        AS_IS, List.of(pod("other", "containers: [{name: c, image: i, ports: [{containerPort: 80, hostPort: 8080}]}]")),
                        "node(s) didn't have free ports for the requested pod ports"),
                row("host port of another protocol", pod("p", "containers: [{name: c, image: i, ports: [{containerPort: 80, hostPort: 8080, protocol: UDP}]}]"),
                        AS_IS, List.of(pod("other", "containers: [{name: c, image: i, ports: [{containerPort: 80, hostPort: 8080}]}]"))),
                row("host port on another address", pod("p", "containers: [{name: c, image: i, ports: [{containerPort: 80, hostPort: 8080, hostIP: 127.0.0.2}]}]"),
                        AS_IS, List.of(pod("other", "containers: [{name: c, image: i, ports: [{containerPort: 80, hostPort: 8080, hostIP: 127.0.0.3}]}]"))),
                // NodeResourcesFit
                row("cpu fits", requests("cpu: 3"), AS_IS, List.of(Fixtures.pod("other", "1", null, null))),
                row("cpu short", requests("cpu: 3500m"), AS_IS, List.of(Fixtures.pod("other", "1", null, null)), "Insufficient cpu"),
                row("memory short", requests("memory: 9Gi"), AS_IS, List.of(), "Insufficient memory"),
                row("every shortage counts", requests("{cpu: 5, memory: 9Gi}"), AS_IS, List.of(), "Insufficient cpu",
                        "Insufficient memory"),
                row("ephemeral storage short", requests("ephemeral-storage: 11Gi"), AS_IS, List.of(),
                        "Insufficient ephemeral-storage"),
                row("limits stand for requests", pod("p", "containers: [{name: c, image: i, resources: {limits: {cpu: 5}}}]"),
                        AS_IS, List.of(), "Insufficient cpu"),
                row("init containers count by their largest", pod("p", """
                        initContainers: [{name: i, image: i, resources: {requests: {cpu: 4500m}}}]
                        containers: [{name: c, image: i, resources: {requests: {cpu: 1}}}]"""), AS_IS, List.of(), "Insufficient cpu"),
                row("init containers run before, not beside", pod("p", """
                        initContainers: [{name: i, image: i, resources: {requests: {cpu: 3}}}]
                        containers: [{name: c, image: i, resources: {requests: {cpu: 3}}}]"""), AS_IS, List.of()),
                row("overhead counts", pod("p", """
                        overhead: {cpu: 1500m}
                        containers: [{name: c, image: i, resources: {requests: {cpu: 3}}}]"""), AS_IS, List.of(), "Insufficient cpu"),
                row("pod count", pod("p", ""), node -> node.status.allocatable.put("pods", "1"), List.of(pod("other", "")),
                        "Too many pods"),
                // InterPodAffinity
                row("affinity satisfied", podAffinity("podAffinity", "app: db"), AS_IS, List.of(labelled(pod("db", ""), "app", "db"))),
                row("affinity unsatisfied", podAffinity("podAffinity", "app: db"), AS_IS,
                        List.of(labelled(pod("web", ""), "app", "web")), "node(s) didn't match pod affinity rules"),
                row("anti-affinity satisfied", podAntiAffinity("app: web"), AS_IS, List.of(labelled(pod("db", ""), "app", "db"))),
                row("anti-affinity unsatisfied", podAntiAffinity("app: web"), AS_IS,
                        List.of(labelled(pod("web-1", ""), "app", "web")), "node(s) didn't match pod anti-affinity rules"),
                row("anti-affinity of another namespace's pod", podAntiAffinity("app: web"), AS_IS,
                        List.of(inNamespace(labelled(pod("web-1", ""), "app", "web"), "other"))),
                row("existing pod's anti-affinity", labelled(pod("p", ""), "app", "web"), AS_IS,
                        List.of(named(labelled(podAntiAffinity("app: web"), "app", "db"), "db")),
                        "node(s) didn't satisfy existing pods anti-affinity rules"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void filters(String name, Pod pod, Consumer<Node> change, List<Pod> onNode, List<String> expected) {
        Node node = node("n1");
        change.accept(node);
        SchedulerCache cache = new SchedulerCache();
        cache.updateNode(node);
        for (Pod other : onNode) {
            cache.addPod(PodProfile.of(other), "n1");
        }
        Cycle cycle = new Cycle(PodProfile.of(pod), cache);
        List<String> reasons = new ArrayList<>();
        for (Filter filter : Filters.relevant(cycle)) { // as Placement runs them: a filter skipped as irrelevant must pass
            if (!filter.filter(cycle, cache.node("n1"), reasons)) {
                break;
            }
        }
        assertEquals(expected, reasons);
    }

    private static Arguments row(String name, Pod pod, Consumer<Node> change, List<Pod> onNode, String... reasons) {
        return Arguments.of(name, pod, change, onNode, List.of(reasons));
    }

    private static Consumer<Node> taint(String key, String value, String effect) {
        return node -> node.spec.taints = List.of(new Taint(key, value, effect));
    }

    private static Consumer<Node> label(String key, String value) {
        return node -> node.metadata.labels.put(key, value);
    }

    private static Pod affinity(String expression) {
        return pod("p", "affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n"
                + "      nodeSelectorTerms: [{matchExpressions: [" + expression + "]}]");
    }

    private static Pod requests(String requests) {
        return pod("p", "containers: [{name: c, image: i, resources: {requests: " + (requests.startsWith("{") ? requests : "{" + requests + "}") + "}}]");
    }

    private static Pod podAffinity(String kind, String labels) {
        return pod("p", "affinity:\n  " + kind + ":\n    requiredDuringSchedulingIgnoredDuringExecution:\n"
                + "    - labelSelector: {matchLabels: {" + labels + "}}\n      topologyKey: kubernetes.io/hostname");
    }

    private static Pod podAntiAffinity(String labels) {
        return podAffinity("podAntiAffinity", labels);
    }

    private static Pod named(Pod pod, String name) {
        pod.metadata.name = name;
        return pod;
    }

    private static Pod inNamespace(Pod pod, String namespace) {
        pod.metadata.namespace = namespace;
        return pod;
    }
}
