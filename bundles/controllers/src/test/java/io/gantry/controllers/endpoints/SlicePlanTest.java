package io.gantry.controllers.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.discovery.v1.EndpointSlice;
import io.gantry.api.meta.v1.IntOrString;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The slice writes a service needs, alone: keep what is right, rewrite in place, create, delete. */
class SlicePlanTest {

    @Test
    void slicesThatAreRightAreKeptOthersRewrittenInPlaceAndTheRestDeleted() {
        Service service = service();
        List<Pod> pods = new ArrayList<>();
        for (int i = 1; i <= 150; i++) {
            pods.add(pod("web-" + i, "127.1.0." + i));
        }
        List<EndpointSlices.Content> desired = EndpointSlices.of(service, pods);
        SlicePlan first = SlicePlan.of(service, desired, List.of());
        assertEquals(2, first.creates().size());
        assertTrue(first.creates().stream().allMatch(s -> "web-".equals(s.metadata.generateName)
                && "endpointslice-controller.k8s.io".equals(s.metadata.labels.get("endpointslice.kubernetes.io/managed-by"))));

        List<EndpointSlice> stored = named(first.creates());
        assertTrue(SlicePlan.of(service, desired, stored).isEmpty(), "nothing to do when the slices are right");

        // one pod fewer: the slice that held it is rewritten under its name, the other one kept
        List<EndpointSlices.Content> fewer = EndpointSlices.of(service, pods.subList(1, 150));
        SlicePlan change = SlicePlan.of(service, fewer, stored);
        assertEquals(1, change.updates().size());
        assertTrue(change.creates().isEmpty() && change.deletes().isEmpty());
        assertTrue(stored.stream().anyMatch(s -> s.metadata.name.equals(change.updates().get(0).metadata.name)));

        // new pods fill the slice with room: no new slice
        List<Pod> more = new ArrayList<>(pods);
        for (int i = 151; i <= 180; i++) {
            more.add(pod("web-" + i, "127.1.0." + i));
        }
        SlicePlan grow = SlicePlan.of(service, EndpointSlices.of(service, more), stored);
        assertEquals(List.of(1, 0, 0), List.of(grow.updates().size(), grow.creates().size(), grow.deletes().size()));
        assertEquals(80, grow.updates().get(0).endpoints.size());

        // no endpoints left: one slice stays as the empty placeholder, the other goes
        SlicePlan empty = SlicePlan.of(service, EndpointSlices.of(service, List.of()), stored);
        assertEquals(List.of(1, 0, 1), List.of(empty.updates().size(), empty.creates().size(), empty.deletes().size()));
        assertTrue(empty.updates().get(0).endpoints.isEmpty());

        SlicePlan gone = SlicePlan.of(null, List.of(), stored);
        assertEquals(2, gone.deletes().size());
    }

    private static List<EndpointSlice> named(List<EndpointSlice> created) {
        List<EndpointSlice> named = new ArrayList<>();
        int i = 0;
        for (EndpointSlice slice : created) {
            slice.metadata.name = slice.metadata.generateName + "abc" + i++;
            named.add(slice);
        }
        return named;
    }

    private static Service service() {
        Service service = new Service();
        service.metadata.name = "web";
        service.metadata.namespace = "default";
        service.metadata.uid = "uid-web";
        service.spec.clusterIP = "127.96.0.10";
        service.spec.selector = Map.of("app", "web");
        service.spec.ports = List.of(new ServicePort("http", 80, IntOrString.of(8080)));
        return service;
    }

    private static Pod pod(String name, String ip) {
        Pod pod = InProcessCluster.pod(name, Map.of("app", "web"));
        pod.metadata.uid = "uid-" + name;
        pod.status().phase = "Running";
        pod.status().podIP = ip;
        pod.status().conditions = List.of(new PodCondition("Ready", "True", null));
        return pod;
    }
}
