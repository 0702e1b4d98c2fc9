package io.gantry.apiserver.kinds;

import static io.gantry.apiserver.kinds.KindTesting.cells;
import static io.gantry.apiserver.kinds.KindTesting.created;
import static io.gantry.apiserver.kinds.KindTesting.createCauses;
import static io.gantry.apiserver.kinds.KindTesting.header;
import static io.gantry.apiserver.kinds.KindTesting.tree;
import static io.gantry.apiserver.kinds.KindTesting.updateCauses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.kinds.replicaset.ReplicaSetStrategy;
import io.gantry.apiserver.kinds.replicationcontroller.ReplicationControllerStrategy;
import io.gantry.apiserver.registry.ScaleRule;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Replica sets and replication controllers: the same controller, with a LabelSelector or a plain map. */
class ReplicaSetStrategyTest {

    private final ReplicaSetStrategy replicaSets = new ReplicaSetStrategy();
    private final ReplicationControllerStrategy controllers = new ReplicationControllerStrategy();

    private static final String RS = """
            metadata: {name: web-5d4f}
            spec:
              selector: {matchLabels: {app: web, pod-template-hash: 5d4f}}
              template:
                metadata: {labels: {app: web, pod-template-hash: 5d4f}}
                spec: {containers: [{name: httpd, image: "gantry/httpd:1.0"}, {name: log, image: busybox}]}
            """;
    private static final String RC = """
            metadata: {name: web}
            spec:
              template:
                metadata: {labels: {app: web}}
                spec: {containers: [{name: httpd, image: "gantry/httpd:1.0"}]}
            """;

    @Test
    void aReplicaSetHasOneReplicaByDefaultAnImmutableSelectorAndReplicaColumns() {
        ObjectNode rs = created(replicaSets, RS);
        assertEquals(1, rs.at("/spec/replicas").asInt());
        assertEquals("Always", rs.at("/spec/template/spec/containers/1/imagePullPolicy").asText());
        assertEquals(List.of(), createCauses(replicaSets, RS));
        assertEquals(List.of("spec.template.metadata.labels|FieldValueInvalid|Invalid value: map[string]string{\"app\":"
                        + "\"web\"}: `selector` does not match template `labels`"),
                createCauses(replicaSets, RS.replace("{labels: {app: web, pod-template-hash: 5d4f}}", "{labels: {app: web}}")));
        assertEquals(List.of("spec.selector|FieldValueInvalid|Invalid value: v1.LabelSelector{MatchLabels:"
                + "map[string]string{\"app\":\"web\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is "
                + "immutable"), updateCauses(replicaSets, RS, RS.replace("{matchLabels: {app: web, pod-template-hash: 5d4f}}",
                "{matchLabels: {app: web}}")));
        assertEquals(ScaleRule.APPS, replicaSets.scale().orElseThrow());
        rs.set("status", tree("{replicas: 2, readyReplicas: 1}"));
        assertEquals(List.of("Name", "Desired", "Current", "Ready", "Age", "Containers", "Images", "Selector"),
                header(replicaSets, true));
        assertEquals(List.of("web-5d4f", 1L, 2L, 1L, "<unknown>", "httpd,log", "gantry/httpd:1.0,busybox",
                "app=web,pod-template-hash=5d4f"), cells(replicaSets, rs, true));
        assertEquals("2", replicaSets.fieldSelectors().get("status.replicas").apply(rs));
    }

    @Test
    void aReplicationControllerTakesSelectorAndLabelsFromItsTemplate() {
        ObjectNode rc = created(controllers, RC);
        assertEquals("{\"app\":\"web\"}", rc.at("/spec/selector").toString());
        assertEquals("{\"app\":\"web\"}", rc.at("/metadata/labels").toString());
        assertEquals(1, rc.at("/spec/replicas").asInt());
        assertEquals(List.of(), createCauses(controllers, RC));
        assertEquals(ScaleRule.REPLICATION_CONTROLLER, controllers.scale().orElseThrow());
        assertEquals(List.of("rc"), controllers.kind().shortNames());
        assertEquals(List.of("web", 1L, 0L, 0L, "<unknown>", "httpd", "gantry/httpd:1.0", "app=web"),
                cells(controllers, rc, true));
        assertEquals(List.of("spec.template.metadata.labels|FieldValueInvalid|Invalid value: map[string]string{\"app\":"
                        + "\"web\"}: `selector` does not match template `labels`"),
                createCauses(controllers, RC.replace("spec:\n  template", "spec:\n  selector: {app: db}\n  template")));
        assertEquals(List.of("spec.template|FieldValueRequired|Required value"),
                createCauses(controllers, "{metadata: {name: x}, spec: {selector: {app: x}}}"));
    }

    @Test
    void statusCountersAreBounded() {
        ObjectNode rs = created(replicaSets, RS);
        rs.set("status", tree("{replicas: 1, readyReplicas: 1, availableReplicas: 2}"));
        assertEquals(List.of(
                "status.availableReplicas|FieldValueInvalid|Invalid value: 2: cannot be greater than status.replicas",
                "status.availableReplicas|FieldValueInvalid|Invalid value: 2: cannot be greater than readyReplicas"),
                KindTesting.causes(rs, (o, v) -> replicaSets.validateStatusUpdate(o, o, v)));
    }
}
