package io.gantry.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.ApiException;
import io.gantry.api.client.FieldSelector;
import io.gantry.api.client.LabelSelector;
import io.gantry.api.core.v1.Pod;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SelectorsTest {

    private final Map<String, String> labels = Map.of("app", "web", "tier", "front");

    @Test
    void labelSelectorTerms() {
        assertTrue(LabelSelector.parse("").test(labels));
        assertTrue(LabelSelector.parse("app=web").test(labels));
        assertTrue(LabelSelector.parse("app==web,tier!=db").test(labels));
        assertFalse(LabelSelector.parse("app=db").test(labels));
        assertTrue(LabelSelector.parse("tier in (front, back)").test(labels));
        assertFalse(LabelSelector.parse("tier notin (front)").test(labels));
        assertTrue(LabelSelector.parse("app,!missing").test(labels));
        assertFalse(LabelSelector.parse("missing").test(labels));
        assertTrue(LabelSelector.parse("missing!=x").test(labels), "!= matches an absent label, as in Kubernetes");
    }

    @Test
    void badLabelSelectorIsABadRequest() {
        ApiException e = assertThrows(ApiException.class, () -> LabelSelector.parse("app=(web"));
        assertEquals(400, e.code());
        assertTrue(e.getMessage().contains("app=(web"), e.getMessage());
    }

    @Test
    void fieldSelectorReadsPathsAndTreatsMissingAsEmpty() {
        Pod pod = new Pod();
        pod.metadata.name = "web";
        pod.metadata.namespace = "default";
        assertTrue(FieldSelector.parse("metadata.name=web").test(pod));
        assertTrue(FieldSelector.parse("spec.nodeName=").test(pod), "unscheduled pods have an empty nodeName");
        assertFalse(FieldSelector.parse("spec.nodeName=n1").test(pod));
        pod.spec.nodeName = "n1";
        assertTrue(FieldSelector.parse("spec.nodeName=n1,metadata.namespace!=kube-system").test(pod));
        assertEquals("n1", FieldSelector.parse("spec.nodeName=n1").requiredValue("spec.nodeName"));
        assertThrows(ApiException.class, () -> FieldSelector.parse("spec.nodeName"));
    }
}
