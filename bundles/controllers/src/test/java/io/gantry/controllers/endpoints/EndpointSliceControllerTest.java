package io.gantry.controllers.endpoints;

import static io.gantry.controllers.endpoints.EndpointsControllerTest.bound;
import static io.gantry.controllers.endpoints.InProcessCluster.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.discovery.v1.Endpoint;
import io.gantry.api.discovery.v1.EndpointSlice;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.api.meta.v1.OwnerReference;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoint slice controller on the in-process API server, beside the endpoints controller. */
class EndpointSliceControllerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Map<String, String> WEB = Map.of("app", "web");

    private final InProcessCluster cluster = new InProcessCluster(2, EndpointsController::new, EndpointSliceController::new);

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void slicesMirrorTheEndpointsWithConditionsAndGoWithTheService() {
        Service service = service("web", new ServicePort("http", 80, IntOrString.of("http")));
        cluster.api.create(ResourceKind.PODS, bound(pod("web-1", WEB, "http:8080"), "node-1"));
        cluster.api.create(ResourceKind.PODS, bound(pod("web-2", WEB, "http:8080"), "node-2"));
        Pod web1 = cluster.running("web-1", "127.1.0.1", true);
        cluster.running("web-2", "127.1.0.2", false);

        await().atMost(DEADLINE).until(() -> summary().equals("127.1.0.1:ready,127.1.0.2:not-ready"));
        List<EndpointSlice> slices = slices("web");
        assertEquals(1, slices.size());
        EndpointSlice slice = slices.get(0);
        assertTrue(slice.metadata.name.startsWith("web-") && slice.metadata.name.length() > 4, slice.metadata.name);
        assertEquals("IPv4", slice.addressType);
        assertEquals("web", slice.metadata.labels.get("kubernetes.io/service-name"));
        assertEquals("endpointslice-controller.k8s.io", slice.metadata.labels.get("endpointslice.kubernetes.io/managed-by"));
        assertEquals("front", slice.metadata.labels.get("tier"));
        OwnerReference owner = slice.metadata.ownerReferences.get(0);
        assertEquals(List.of("v1", "Service", "web", service.metadata.uid, true),
                List.of(owner.apiVersion, owner.kind, owner.name, owner.uid, owner.controller));
        assertEquals(1, slice.ports.size());
        assertEquals(List.of("http", 8080, "TCP"), List.of(slice.ports.get(0).name, slice.ports.get(0).port, slice.ports.get(0).protocol));
        Endpoint first = slice.endpoints.get(0);
        assertEquals(List.of("127.1.0.1"), first.addresses);
        assertEquals("node-1", first.nodeName);
        assertEquals(List.of("Pod", "web-1", web1.metadata.uid), List.of(first.targetRef.kind, first.targetRef.name, first.targetRef.uid));
        assertEquals(List.of(true, true, false), List.of(first.conditions.ready, first.conditions.serving, first.conditions.terminating));

        // readiness flips are rewritten into the same slice
        cluster.running("web-2", "127.1.0.2", true);
        await().atMost(DEADLINE).until(() -> summary().equals("127.1.0.1:ready,127.1.0.2:ready"));
        // a terminating pod stays, neither ready nor serving... until it is gone
        cluster.api.delete(ResourceKind.PODS, "default", "web-1", new DeleteOptions());
        await().atMost(DEADLINE).until(() -> summary().equals("127.1.0.1:terminating,127.1.0.2:ready"));
        assertEquals(List.of(slice.metadata.name), slices("web").stream().map(s -> s.metadata.name).toList());
        // what the API server stored reads back equal to what the controller computes: no rewrite on every pod event
        EndpointSlice stored = slices("web").get(0);
        List<Pod> pods = cluster.api.list(ResourceKind.PODS, "default", ListOptions.ALL).items;
        Service current = cluster.api.get(ResourceKind.SERVICES, "default", "web");
        assertTrue(EndpointSlices.of(current, pods).get(0).matches(stored.ports, stored.endpoints));

        cluster.api.delete(ResourceKind.SERVICES, "default", "web", new DeleteOptions());
        await().atMost(DEADLINE).until(() -> slices("web").isEmpty());
    }

    @Test
    void moreThanAHundredEndpointsTakeMoreSlicesAndAServiceWithoutPodsKeepsAnEmptyOne() {
        service("web", new ServicePort("http", 80, IntOrString.of(8080)));
        service("idle", new ServicePort("http", 80, IntOrString.of(8080)));
        Service idle = cluster.api.get(ResourceKind.SERVICES, "default", "idle");
        idle.spec.selector = Map.of("app", "nothing");
        cluster.api.update(ResourceKind.SERVICES, idle);
        for (int i = 1; i <= 120; i++) {
            cluster.api.create(ResourceKind.PODS, pod("web-" + i, WEB));
            cluster.running("web-" + i, "127.1.0." + i, true);
        }

        await().atMost(DEADLINE).until(() -> slices("web").stream().mapToInt(s -> s.endpoints.size()).sum() == 120);
        List<Integer> sizes = slices("web").stream().map(s -> s.endpoints.size()).sorted().toList();
        assertEquals(List.of(20, 100), sizes);

        await().atMost(DEADLINE).until(() -> slices("idle").size() == 1);
        EndpointSlice placeholder = slices("idle").get(0);
        assertTrue(placeholder.endpoints == null || placeholder.endpoints.isEmpty());
        assertFalse(placeholder.metadata.name.isEmpty());
    }

    private Service service(String name, ServicePort... ports) {
        Service service = new Service();
        service.metadata.name = name;
        service.metadata.namespace = "default";
        service.metadata.labels = Map.of("tier", "front");
        service.spec.selector = WEB;
        service.spec.ports = List.of(ports);
        return cluster.api.create(ResourceKind.SERVICES, service);
    }

    private List<EndpointSlice> slices(String service) {
        return cluster.api.list(ResourceKind.ENDPOINT_SLICES, "default", ListOptions.ALL).items.stream()
                .filter(s -> s.metadata.labels != null && service.equals(s.metadata.labels.get(EndpointSlice.SERVICE_NAME_LABEL)))
                .toList();
    }

    /** {@code ip:state} of every endpoint of the web service's slices, sorted. */
    private String summary() {
        return slices("web").stream().flatMap(s -> s.endpoints == null ? java.util.stream.Stream.empty() : s.endpoints.stream())
                .map(e -> e.addresses.get(0) + ":" + (Boolean.TRUE.equals(e.conditions.terminating) ? "terminating"
                        : Boolean.TRUE.equals(e.conditions.ready) ? "ready" : "not-ready"))
                .sorted().collect(Collectors.joining(","));
    }
}
