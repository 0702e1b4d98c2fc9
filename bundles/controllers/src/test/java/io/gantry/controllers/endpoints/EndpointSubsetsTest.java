package io.gantry.controllers.endpoints;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.core.v1.EndpointSubset;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.meta.v1.IntOrString;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The subsets alone: Kubernetes' repacking, ports per pod, headless services. */
class EndpointSubsetsTest {

    @Test
    void addressesServingTheSamePortsShareOneSubsetInAddressOrder() {
        Service service = service("127.96.0.10",
                new ServicePort("http", 80, IntOrString.of("http")), new ServicePort("admin", 81, IntOrString.of(9000)));
        List<EndpointSubset> subsets = EndpointSubsets.of(service, List.of(
                pod("b", "127.1.0.20", true, "http:8080"), pod("a", "127.1.0.3", true, "http:8080"),
                pod("c", "127.1.0.4", false, "http:8080")));
        assertEquals(1, subsets.size());
        EndpointSubset subset = subsets.get(0);
        // sorted as strings, as Kubernetes compares the bytes of the IP
        assertEquals(List.of("127.1.0.20", "127.1.0.3"), subset.addresses.stream().map(a -> a.ip).toList());
        assertEquals(List.of("127.1.0.4"), subset.notReadyAddresses.stream().map(a -> a.ip).toList());
        assertEquals(List.of("admin:9000", "http:8080"), subset.ports.stream().map(p -> p.name + ":" + p.port).toList());
    }

    @Test
    void aHeadlessServiceWithoutPortsListsAddressesAloneAndAClusterIpServiceWithoutPortsNone() {
        Pod pod = pod("a", "127.1.0.3", true);
        pod.spec.hostname = "a";
        pod.spec.subdomain = "db";
        List<EndpointSubset> headless = EndpointSubsets.of(service("None"), List.of(pod));
        assertEquals(1, headless.size());
        assertNull(headless.get(0).ports);
        assertEquals("a", headless.get(0).addresses.get(0).hostname);
        assertTrue(EndpointSubsets.of(service("127.96.0.10"), List.of(pod)).isEmpty());
    }

    @Test
    void finishedPodsAndPodsWithoutAnIpAreLeftOut() {
        Pod done = pod("done", "127.1.0.5", false);
        done.status.phase = "Succeeded";
        Pod starting = pod("starting", null, false);
        assertTrue(EndpointSubsets.of(service("127.96.0.10", new ServicePort("", 80, IntOrString.of(80))),
                List.of(done, starting)).isEmpty());
    }

    private static Service service(String clusterIP, ServicePort... ports) {
        Service service = new Service();
        service.metadata.name = "db";
        service.metadata.namespace = "default";
        service.spec.clusterIP = clusterIP;
        service.spec.selector = Map.of("app", "db");
        service.spec.ports = ports.length == 0 ? null : List.of(ports);
        return service;
    }

    private static Pod pod(String name, String ip, boolean ready, String... ports) {
        Pod pod = InProcessCluster.pod(name, Map.of("app", "db"), ports);
        pod.metadata.uid = "uid-" + name;
        pod.status().phase = "Running";
        pod.status().podIP = ip;
        pod.status().conditions = List.of(new PodCondition("Ready", ready ? "True" : "False", null));
        return pod;
    }
}
