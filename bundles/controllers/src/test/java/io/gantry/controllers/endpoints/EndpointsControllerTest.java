package io.gantry.controllers.endpoints;

import static io.gantry.controllers.endpoints.InProcessCluster.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.EndpointAddress;
import io.gantry.api.core.v1.EndpointPort;
import io.gantry.api.core.v1.EndpointSubset;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.api.meta.v1.Times;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The endpoints controller on the in-process API server, run by the controller manager. */
class EndpointsControllerTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);
    private static final Map<String, String> WEB = Map.of("app", "web");

    private final InProcessCluster cluster = new InProcessCluster(2, EndpointsController::new);

    @AfterEach
    void stop() {
        cluster.close();
    }

    @Test
    void readyPodsAreAddressesAndNotReadyOnesApartUntilTheyBecomeReady() {
        service("web", WEB, new ServicePort("http", 80, IntOrString.of("http")));
        cluster.api.create(ResourceKind.PODS, bound(pod("web-1", WEB, "http:8080"), "node-1"));
        cluster.api.create(ResourceKind.PODS, bound(pod("web-2", WEB, "http:8080"), "node-2"));
        cluster.api.create(ResourceKind.PODS, pod("other", Map.of("app", "other"), "http:8080"));
        Pod web1 = cluster.running("web-1", "127.1.0.1", true);
        cluster.running("web-2", "127.1.0.2", false);
        cluster.running("other", "127.1.0.3", true);

        await().atMost(DEADLINE).until(() -> ips(endpoints("web")).equals("127.1.0.1|127.1.0.2"));
        Endpoints endpoints = endpoints("web").orElseThrow();
        assertEquals(1, endpoints.subsets.size());
        EndpointSubset subset = endpoints.subsets.get(0);
        EndpointAddress address = subset.addresses.get(0);
        assertEquals("node-1", address.nodeName);
        assertEquals("Pod", address.targetRef.kind);
        assertEquals("web-1", address.targetRef.name);
        assertEquals(web1.metadata.uid, address.targetRef.uid);
        assertEquals("web-2", subset.notReadyAddresses.get(0).targetRef.name);
        assertEquals(List.of("http:8080/TCP"), ports(subset));

        cluster.running("web-2", "127.1.0.2", true);
        await().atMost(DEADLINE).until(() -> ips(endpoints("web")).equals("127.1.0.1,127.1.0.2|"));

        // timestamps have whole seconds: this transition's must differ from the previous one's
        Pod notReady = cluster.running("web-1", "127.1.0.1", false, Times.format(Instant.now().plusSeconds(3600)));
        await().atMost(DEADLINE).until(() -> ips(endpoints("web")).equals("127.1.0.2|127.1.0.1"));
        assertStoredAsComputed("web");
        // the change that caused this write: web-1's Ready transition
        assertEquals(notReady.status.conditions.get(0).lastTransitionTime,
                endpoints("web").orElseThrow().metadata.annotations.get("endpoints.kubernetes.io/last-change-trigger-time"));
    }

    /** What the API server stored reads back equal to what the controller computes: no rewrite on every pod event. */
    private void assertStoredAsComputed(String name) {
        Service service = cluster.api.get(ResourceKind.SERVICES, "default", name);
        List<Pod> selected = cluster.api.list(ResourceKind.PODS, "default", io.gantry.api.client.ListOptions.ALL).items
                .stream().filter(p -> ServicePods.selects(service, p)).toList();
        assertTrue(EndpointsController.same(endpoints(name).orElseThrow().subsets, EndpointSubsets.of(service, selected)));
    }

    @Test
    void aNamedTargetPortIsResolvedPerPodAndAPodWithoutItIsLeftOut() {
        service("web", WEB, new ServicePort("http", 80, IntOrString.of("http")),
                new ServicePort("metrics", 9100, IntOrString.of(9100)));
        cluster.api.create(ResourceKind.PODS, pod("old", WEB, "http:8080"));
        cluster.api.create(ResourceKind.PODS, pod("new", WEB, "http:9090"));
        cluster.api.create(ResourceKind.PODS, pod("sidecar-only", WEB, "admin:8081"));
        cluster.running("old", "127.1.0.1", true);
        cluster.running("new", "127.1.0.2", true);
        cluster.running("sidecar-only", "127.1.0.3", true);

        await().atMost(DEADLINE).until(() -> endpoints("web").map(e -> e.subsets != null && e.subsets.size() == 3).orElse(false));
        List<EndpointSubset> subsets = endpoints("web").orElseThrow().subsets;
        // canonical form (RepackSubsets): addresses serving the same ports share a subset; the pod
        // without an "http" port serves only the numeric one
        Map<List<String>, String> byPorts = new java.util.HashMap<>();
        subsets.forEach(s -> byPorts.put(ports(s), String.join(",", s.addresses.stream().map(a -> a.ip).toList())));
        assertEquals(Map.of(List.of("http:8080/TCP"), "127.1.0.1", List.of("http:9090/TCP"), "127.1.0.2",
                List.of("metrics:9100/TCP"), "127.1.0.1,127.1.0.2,127.1.0.3"), byPorts);
        assertStoredAsComputed("web");
    }

    @Test
    void podsWithoutAnIpOrBeingDeletedAreLeftOutUnlessTheServicePublishesNotReadyAddresses() {
        Service service = service("web", WEB, new ServicePort(null, 80, IntOrString.of(8080)));
        cluster.api.create(ResourceKind.PODS, bound(pod("starting", WEB), "node-1"));
        cluster.api.create(ResourceKind.PODS, bound(pod("leaving", WEB), "node-1"));
        cluster.api.create(ResourceKind.PODS, bound(pod("serving", WEB), "node-1"));
        cluster.running("leaving", "127.1.0.1", true);
        cluster.running("serving", "127.1.0.2", false);
        await().atMost(DEADLINE).until(() -> ips(endpoints("web")).equals("127.1.0.1|127.1.0.2"));

        // bound to a node: the delete marks it (deletionTimestamp) for its kubelet to stop
        cluster.api.delete(ResourceKind.PODS, "default", "leaving", new DeleteOptions());
        await().atMost(DEADLINE).until(() -> ips(endpoints("web")).equals("|127.1.0.2"));

        Service publishing = cluster.api.get(ResourceKind.SERVICES, "default", service.metadata.name);
        publishing.spec.publishNotReadyAddresses = true;
        cluster.api.update(ResourceKind.SERVICES, publishing);
        await().atMost(DEADLINE).until(() -> ips(endpoints("web")).equals("127.1.0.1,127.1.0.2|"));
        assertStoredAsComputed("web");
    }

    @Test
    void theEndpointsGoWithTheirServiceAndHandMadeOnesAreLeftAlone() {
        Service external = new Service();
        external.metadata.name = "external";
        external.metadata.namespace = "default";
        external.spec.ports = List.of(new ServicePort("db", 5432, IntOrString.of(5432)));
        cluster.api.create(ResourceKind.SERVICES, external);
        String written = cluster.api.create(ResourceKind.ENDPOINTS, handMade("external")).metadata.resourceVersion;

        service("web", WEB, new ServicePort("http", 80, IntOrString.of(8080)));
        cluster.api.create(ResourceKind.PODS, pod("web-1", WEB));
        cluster.running("web-1", "127.1.0.1", true);
        await().atMost(DEADLINE).until(() -> ips(endpoints("web")).equals("127.1.0.1|"));
        assertEquals(written, endpoints("external").orElseThrow().metadata.resourceVersion);

        cluster.api.delete(ResourceKind.SERVICES, "default", "web", new DeleteOptions());
        await().atMost(DEADLINE).until(() -> endpoints("web").isEmpty());

        // a service without pods still has its (empty) Endpoints
        service("empty", Map.of("app", "none"), new ServicePort("http", 80, IntOrString.of(8080)));
        await().atMost(DEADLINE).until(() -> endpoints("empty").isPresent());
        assertNull(endpoints("empty").orElseThrow().subsets);
        assertEquals(written, endpoints("external").orElseThrow().metadata.resourceVersion);
        assertTrue(cluster.manager.isRunning());
    }

    @Test
    void endpointsLeftWithoutTheirServiceWhileNoControllerRanAreDeletedButNewOnesAreNot() {
        cluster.election.depose();
        String created = cluster.api.create(ResourceKind.ENDPOINTS, handMade("leftover")).metadata.creationTimestamp;
        // the check looks at Endpoints older than the term, to the second
        await().atMost(DEADLINE).until(() -> Instant.now().truncatedTo(ChronoUnit.SECONDS).isAfter(Instant.parse(created)));
        cluster.election.elect();

        await().atMost(DEADLINE).until(() -> endpoints("leftover").isEmpty());
        // a manifest may list the Endpoints before their (selector-less) Service: they stay
        cluster.api.create(ResourceKind.ENDPOINTS, handMade("first"));
        service("web", WEB, new ServicePort("http", 80, IntOrString.of(8080)));
        await().atMost(DEADLINE).until(() -> endpoints("web").isPresent());
        assertTrue(endpoints("first").isPresent());
    }

    private static Endpoints handMade(String name) {
        Endpoints endpoints = new Endpoints();
        endpoints.metadata.name = name;
        endpoints.metadata.namespace = "default";
        EndpointSubset subset = new EndpointSubset();
        subset.addresses = List.of(new EndpointAddress("127.2.0.1"));
        subset.ports = List.of(new EndpointPort("db", 5432, "TCP"));
        endpoints.subsets = List.of(subset);
        return endpoints;
    }

    private Service service(String name, Map<String, String> selector, ServicePort... ports) {
        Service service = new Service();
        service.metadata.name = name;
        service.metadata.namespace = "default";
        service.metadata.labels = Map.of("tier", "front");
        service.spec.selector = selector;
        service.spec.ports = List.of(ports);
        return cluster.api.create(ResourceKind.SERVICES, service);
    }

    private Optional<Endpoints> endpoints(String name) {
        return cluster.api.find(ResourceKind.ENDPOINTS, "default", name);
    }

    static Pod bound(Pod pod, String node) {
        pod.spec.nodeName = node;
        return pod;
    }

    /** {@code ready,ready|notReady,notReady} over every subset, sorted, to compare in one line. */
    static String ips(Optional<Endpoints> endpoints) {
        if (endpoints.isEmpty()) {
            return "<none>";
        }
        List<EndpointSubset> subsets = endpoints.get().subsets == null ? List.of() : endpoints.get().subsets;
        String ready = String.join(",", subsets.stream().flatMap(s -> s.addresses == null ? java.util.stream.Stream.empty()
                : s.addresses.stream()).map(a -> a.ip).sorted().distinct().toList());
        String notReady = String.join(",", subsets.stream().flatMap(s -> s.notReadyAddresses == null
                ? java.util.stream.Stream.empty() : s.notReadyAddresses.stream()).map(a -> a.ip).sorted().distinct().toList());
        return ready + "|" + notReady;
    }

    private static List<String> ports(EndpointSubset subset) {
        return subset.ports.stream().map(p -> p.name + ":" + p.port + "/" + p.protocol).toList();
    }

    @SuppressWarnings("unused")
    private static String json(Object value) {
        return Json.write(value);
    }
}
