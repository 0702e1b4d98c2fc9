package io.gantry.apiserver.kinds;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.apiserver.registry.BuiltInKinds;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Kinds;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The catalog as kubectl sees it: names, short names, categories, subresources. */
class BuiltInKindsTest {

    private final Kinds kinds = BuiltInKinds.create();

    @Test
    void everyShortNameResolvesToItsKind() {
        Map<String, String> expected = Map.ofEntries(Map.entry("po", "pods"), Map.entry("svc", "services"),
                Map.entry("ep", "endpoints"), Map.entry("no", "nodes"), Map.entry("ns", "namespaces"),
                Map.entry("cm", "configmaps"), Map.entry("sa", "serviceaccounts"),
                Map.entry("rc", "replicationcontrollers"), Map.entry("ev", "events"), Map.entry("deploy", "deployments.apps"),
                Map.entry("rs", "replicasets.apps"), Map.entry("lease", "leases.coordination.k8s.io"),
                Map.entry("endpointslices", "endpointslices.discovery.k8s.io"), Map.entry("secret", "secrets"),
                Map.entry("podtemplates", "podtemplates"), Map.entry("events.events.k8s.io", "events.events.k8s.io"));
        expected.forEach((name, resource) ->
                assertEquals(resource, kinds.resolve(name).orElseThrow().kind().qualifiedName(), name));
        assertEquals("v1", kinds.resolve("ev").orElseThrow().kind().apiVersion(), "core events come first");
    }

    @Test
    void theCategoryAllIsKubernetesOne() {
        List<String> all = new ArrayList<>();
        kinds.category("all").forEach(k -> all.add(k.kind().plural()));
        assertEquals(List.of("pods", "services", "replicationcontrollers", "deployments", "replicasets"), all);
    }

    @Test
    void subresourcesScaleAndCreateOnUpdateAreKubernetesOnes() {
        assertEquals(Set.of("status", "log", "binding", "eviction", "exec", "portforward", "attach"),
                kinds.resolve("pods").orElseThrow().subresources());
        assertEquals(Set.of("status", "finalize"), kinds.resolve("ns").orElseThrow().subresources());
        for (String scalable : List.of("deploy", "rs", "rc")) {
            KindStrategy strategy = kinds.resolve(scalable).orElseThrow();
            assertTrue(strategy.scale().isPresent(), scalable);
            assertTrue(strategy.tracksGeneration(), scalable);
        }
        for (KindStrategy strategy : kinds.all()) {
            boolean createsOnUpdate = Set.of("endpoints", "events", "leases", "services").contains(strategy.kind().plural());
            assertEquals(createsOnUpdate, strategy.allowCreateOnUpdate(), strategy.toString());
        }
        assertEquals(List.of("v1", "apps/v1", "events.k8s.io/v1", "coordination.k8s.io/v1", "discovery.k8s.io/v1"),
                kinds.groupVersions());
    }

    @Test
    void everyKindHasANameColumnAndAnAgeOrItsPrinterEquivalent() {
        for (KindStrategy strategy : kinds.all()) {
            List<String> names = new ArrayList<>();
            for (Column column : strategy.columns()) {
                names.add(column.name());
            }
            assertTrue(names.contains("Name"), strategy.toString());
            assertFalse(names.isEmpty());
        }
    }
}
