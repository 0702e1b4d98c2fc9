package io.gantry.apiserver.kinds;

import static io.gantry.apiserver.kinds.KindTesting.assertTree;
import static io.gantry.apiserver.kinds.KindTesting.causes;
import static io.gantry.apiserver.kinds.KindTesting.cells;
import static io.gantry.apiserver.kinds.KindTesting.created;
import static io.gantry.apiserver.kinds.KindTesting.createCauses;
import static io.gantry.apiserver.kinds.KindTesting.header;
import static io.gantry.apiserver.kinds.KindTesting.tree;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.kinds.namespace.NamespaceStrategy;
import io.gantry.apiserver.registry.NameRule;
import java.util.List;
import org.junit.jupiter.api.Test;

class NamespaceStrategyTest {

    private final NamespaceStrategy namespaces = new NamespaceStrategy();

    @Test
    void aNamespaceStartsActiveWithTheKubernetesFinalizerAndItsNameLabel() {
        assertTree("""
                apiVersion: v1
                kind: Namespace
                metadata: {name: team-a, labels: {kubernetes.io/metadata.name: team-a}}
                spec: {finalizers: [kubernetes]}
                status: {phase: Active}
                """, created(namespaces, "{apiVersion: v1, kind: Namespace, metadata: {name: team-a}}"));
        assertEquals("[\"example.com/x\",\"kubernetes\"]", created(namespaces,
                "{metadata: {name: a}, spec: {finalizers: [example.com/x]}}").at("/spec/finalizers").toString());
        assertEquals(NameRule.DNS1123_LABEL, namespaces.nameRule());
        assertEquals(false, namespaces.verbs().contains("deletecollection"));
    }

    @Test
    void finalizersMustBeStandardOrQualified() {
        assertEquals(List.of("spec.finalizers[0]|FieldValueInvalid|Invalid value: \"custom\": name is neither a "
                        + "standard finalizer name nor is it fully qualified"),
                createCauses(namespaces, "{metadata: {name: a}, spec: {finalizers: [custom]}}"));
    }

    @Test
    void anUpdateKeepsFinalizersAndStatus() {
        ObjectNode old = created(namespaces, "{metadata: {name: a}}");
        ObjectNode updated = tree("{metadata: {name: a, labels: {x: y}}, spec: {finalizers: []}, status: {phase: Terminating}}");
        namespaces.applyDefaults(updated);
        namespaces.prepareForUpdate(updated, old);
        assertEquals("[\"kubernetes\"]", updated.at("/spec/finalizers").toString());
        assertEquals("Active", updated.at("/status/phase").asText());
        assertEquals("a", updated.at("/metadata/labels/kubernetes.io~1metadata.name").asText());
    }

    @Test
    void deletionTurnsTerminatingAndWaitsForBothFinalizerLists() {
        ObjectNode ns = created(namespaces, "{metadata: {name: a}}");
        namespaces.prepareForDeletion(ns);
        assertEquals("Terminating", ns.at("/status/phase").asText());
        assertFalse(namespaces.readyToRemove(ns));
        ns.with("spec").putArray("finalizers");
        ns.with("metadata").putArray("finalizers").add("example.com/keep");
        assertFalse(namespaces.readyToRemove(ns));
        ns.with("metadata").putArray("finalizers");
        assertTrue(namespaces.readyToRemove(ns));
    }

    @Test
    void statusPhaseMustAgreeWithDeletion() {
        ObjectNode ns = created(namespaces, "{metadata: {name: a}}");
        ns.with("status").put("phase", "Terminating");
        assertEquals(List.of("status.Phase|FieldValueInvalid|Invalid value: \"Terminating\": may only be 'Active' if "
                + "`deletionTimestamp` is empty"), causes(ns, (o, v) -> namespaces.validateStatusUpdate(o, o, v)));
    }

    @Test
    void columnsAndFieldSelectors() {
        ObjectNode ns = created(namespaces, "{metadata: {name: a}}");
        assertEquals(List.of("Name", "Status", "Age"), header(namespaces, true));
        assertEquals(List.of("a", "Active", "<unknown>"), cells(namespaces, ns, false));
        assertEquals("Active", namespaces.fieldSelectors().get("status.phase").apply(ns));
    }
}
