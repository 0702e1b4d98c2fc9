package io.gantry.apiserver.kinds;

import static io.gantry.apiserver.kinds.KindTesting.cells;
import static io.gantry.apiserver.kinds.KindTesting.created;
import static io.gantry.apiserver.kinds.KindTesting.createCauses;
import static io.gantry.apiserver.kinds.KindTesting.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.apiserver.kinds.lease.LeaseStrategy;
import io.gantry.apiserver.kinds.podtemplate.PodTemplateStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeaseAndPodTemplateStrategyTest {

    private final LeaseStrategy leases = new LeaseStrategy();
    private final PodTemplateStrategy templates = new PodTemplateStrategy();

    @Test
    void leasesAreCreatedOnUpdateAndLastAPositiveTime() {
        String lease = "{metadata: {name: gantry-controllers, namespace: kube-system}, "
                + "spec: {holderIdentity: node-1, leaseDurationSeconds: 15, leaseTransitions: 2}}";
        assertTrue(leases.allowCreateOnUpdate());
        assertEquals(List.of(), createCauses(leases, lease));
        assertEquals(List.of("spec.leaseDurationSeconds|FieldValueInvalid|Invalid value: 0: must be greater than 0"),
                createCauses(leases, lease.replace("15", "0")));
        assertEquals(List.of("spec.leaseTransitions|FieldValueInvalid|Invalid value: -1: must be greater than or equal to 0"),
                createCauses(leases, lease.replace("leaseTransitions: 2", "leaseTransitions: -1")));
        assertEquals(List.of("Name", "Holder", "Age"), header(leases, true));
        assertEquals(List.of("gantry-controllers", "node-1", "<unknown>"), cells(leases, created(leases, lease), true));
        assertEquals("coordination.k8s.io/v1", leases.kind().apiVersion());
    }

    @Test
    void podTemplatesAreDefaultedAndCheckedAsPodSpecs() {
        String template = "{metadata: {name: t}, template: {metadata: {labels: {app: web, tier: front}}, "
                + "spec: {containers: [{name: a, image: x}, {name: b, image: \"y:1\"}]}}}";
        assertEquals("ClusterFirst", created(templates, template).at("/template/spec/dnsPolicy").asText());
        assertEquals(List.of(), createCauses(templates, template));
        assertEquals(List.of("template.spec.containers[0].image|FieldValueRequired|Required value"),
                createCauses(templates, template.replace("image: x", "image: \"\"")));
        assertEquals(List.of("Name", "Containers", "Images", "Pod Labels"), header(templates, true));
        assertEquals(List.of("t", "a,b", "x,y:1", "app=web,tier=front"), cells(templates, created(templates, template), true));
    }
}
