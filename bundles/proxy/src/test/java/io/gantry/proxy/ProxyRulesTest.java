package io.gantry.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.core.v1.EndpointAddress;
import io.gantry.api.core.v1.EndpointPort;
import io.gantry.api.core.v1.EndpointSubset;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.core.v1.ServiceSpec;
import io.gantry.api.meta.v1.IntOrString;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the proxy derives from a Service and its Endpoints, as kube-proxy derives it. */
class ProxyRulesTest {

    @Test
    void eachPortListensOnTheClusterIpAndTheNodePortAndGoesToTheEndpointsPortOfItsName() {
        Service service = service("127.96.0.10", port("http", 80, "TCP", 30080), port("dns", 53, "UDP", 30053));
        service.spec.type = ServiceSpec.NODE_PORT;
        Endpoints endpoints = endpoints(
                subset(List.of("127.1.0.3", "127.1.0.2"), List.of("127.1.0.9"),
                        new EndpointPort("http", 8080, "TCP"), new EndpointPort("dns", 5353, "UDP")),
                subset(List.of("127.1.0.4"), List.of(), new EndpointPort("http", 8081, null)));

        List<PortRule> rules = ProxyRules.of(service, endpoints, "127.0.0.1");

        assertEquals(List.of(
                new PortRule("http", "TCP", List.of(new Frontend("127.96.0.10", 80, "TCP"), new Frontend("127.0.0.1", 30080, "TCP")),
                        List.of(new Endpoint("127.1.0.2", 8080), new Endpoint("127.1.0.3", 8080), new Endpoint("127.1.0.4", 8081)),
                        null, 0),
                new PortRule("dns", "UDP", List.of(new Frontend("127.96.0.10", 53, "UDP"), new Frontend("127.0.0.1", 30053, "UDP")),
                        List.of(new Endpoint("127.1.0.2", 5353), new Endpoint("127.1.0.3", 5353)), null, 0)), rules);
    }

    @Test
    void aClusterIpServiceHasNoNodePortAndAHeadlessOrExternalNameServiceNothing() {
        Service clusterIp = service("127.96.0.10", port("", 80, "TCP", 30080));
        assertEquals(List.of(new Frontend("127.96.0.10", 80, "TCP")),
                ProxyRules.of(clusterIp, null, "127.0.0.1").get(0).frontends());
        assertEquals(List.of(), ProxyRules.of(clusterIp, null, "127.0.0.1").get(0).endpoints());

        assertEquals(List.of(), ProxyRules.of(service("None", port("", 80, "TCP", null)), null, "127.0.0.1"));
        Service external = service(null, port("", 80, "TCP", null));
        external.spec.type = ServiceSpec.EXTERNAL_NAME;
        assertEquals(List.of(), ProxyRules.of(external, null, "127.0.0.1"));
        assertEquals(List.of(), ProxyRules.of(null, null, "127.0.0.1"));
    }

    @Test
    void portsMatchByNameAndProtocolNeverByTargetPort() {
        ServicePort named = port("web", 80, "TCP", null);
        named.targetPort = IntOrString.of("http-alt");
        Service service = service("127.96.0.10", named);
        Endpoints endpoints = endpoints(subset(List.of("127.1.0.2"), List.of(),
                new EndpointPort("http-alt", 9999, "TCP"), new EndpointPort("web", 8080, "UDP"),
                new EndpointPort("web", 8443, "TCP")));

        assertEquals(List.of(new Endpoint("127.1.0.2", 8443)), ProxyRules.of(service, endpoints, "127.0.0.1").get(0).endpoints());
    }

    @Test
    void theAnnotationNamesThePluginAndClientIpAffinityTakesItsTimeoutOrThreeHours() {
        Service service = service("127.96.0.10", port("", 80, null, null));
        service.metadata.annotations().put(ProxyRules.LOAD_BALANCER_ANNOTATION, " leastconn ");
        service.spec.sessionAffinity = "ClientIP";
        PortRule rule = ProxyRules.of(service, null, "127.0.0.1").get(0);
        assertEquals("leastconn", rule.loadBalancer());
        assertEquals("TCP", rule.protocol());
        assertEquals(10800, rule.affinitySeconds());

        service.spec.sessionAffinityConfig = new ServiceSpec.SessionAffinityConfig();
        service.spec.sessionAffinityConfig.clientIP = new ServiceSpec.ClientIPConfig();
        service.spec.sessionAffinityConfig.clientIP.timeoutSeconds = 60;
        assertEquals(60, ProxyRules.of(service, null, "127.0.0.1").get(0).affinitySeconds());
    }

    @Test
    void sctpPortsAreNotServed() {
        Service service = service("127.96.0.10", port("a", 80, "SCTP", null), port("b", 81, "TCP", null));
        assertEquals(List.of("b"), ProxyRules.of(service, null, "127.0.0.1").stream().map(PortRule::portName).toList());
    }

    private static Service service(String clusterIP, ServicePort... ports) {
        Service service = new Service();
        service.metadata.name = "web";
        service.metadata.namespace = "default";
        service.spec.clusterIP = clusterIP;
        service.spec.ports = List.of(ports);
        return service;
    }

    private static ServicePort port(String name, int number, String protocol, Integer nodePort) {
        ServicePort port = new ServicePort();
        port.name = name;
        port.port = number;
        port.protocol = protocol;
        port.nodePort = nodePort;
        return port;
    }

    private static Endpoints endpoints(EndpointSubset... subsets) {
        Endpoints endpoints = new Endpoints();
        endpoints.metadata.name = "web";
        endpoints.metadata.namespace = "default";
        endpoints.subsets = List.of(subsets);
        return endpoints;
    }

    private static EndpointSubset subset(List<String> ready, List<String> notReady, EndpointPort... ports) {
        EndpointSubset subset = new EndpointSubset();
        subset.addresses = ready.stream().map(EndpointAddress::new).toList();
        subset.notReadyAddresses = notReady.stream().map(EndpointAddress::new).toList();
        subset.ports = List.of(ports);
        return subset;
    }
}
