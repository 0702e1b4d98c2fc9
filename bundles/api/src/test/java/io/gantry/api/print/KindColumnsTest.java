package io.gantry.api.print;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Event;
import io.gantry.api.core.v1.Service;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.LabelSelector;
import io.gantry.api.meta.v1.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The columns of services, endpoints and events read as kubectl prints them. */
class KindColumnsTest {

    private static Service service(String yaml) {
        return Json.readYaml(yaml, Service.class);
    }

    @Test
    void serviceAddressesAndPorts() {
        Service nodePort = service("""
                spec:
                  type: NodePort
                  clusterIP: 127.1.0.5
                  clusterIPs: [127.1.0.5]
                  ports: [{port: 80, protocol: TCP, nodePort: 30080}, {port: 53, protocol: UDP}]
                """);
        assertEquals("127.1.0.5", Printers.serviceClusterIP(nodePort));
        assertEquals("<none>", Printers.serviceExternalIP(nodePort, false));
        assertEquals("80:30080/TCP,53/UDP", Printers.servicePorts(nodePort));

        Service headless = service("spec: {type: ClusterIP, clusterIP: None, clusterIPs: [None], externalIPs: [127.0.0.9]}");
        assertEquals("None", Printers.serviceClusterIP(headless));
        assertEquals("127.0.0.9", Printers.serviceExternalIP(headless, false));
        assertEquals("<none>", Printers.servicePorts(headless));
        assertEquals("<none>", Printers.serviceClusterIP(service("spec: {type: ExternalName, externalName: db.example.com}")));
        assertEquals("db.example.com",
                Printers.serviceExternalIP(service("spec: {type: ExternalName, externalName: db.example.com}"), false));
        assertEquals("<unknown>", Printers.serviceExternalIP(service("spec: {}"), false));
    }

    @Test
    void loadBalancerAddressesArePendingSortedAndCutUnlessWide() {
        Service pending = service("spec: {type: LoadBalancer}");
        assertEquals("<pending>", Printers.serviceExternalIP(pending, false));

        Service balanced = service("""
                spec: {type: LoadBalancer, externalIPs: [127.0.0.9]}
                status:
                  loadBalancer:
                    ingress: [{ip: 127.0.0.30}, {hostname: lb.example.com}, {ip: 127.0.0.20}]
                """);
        assertEquals("127.0.0.20,127.0.0.30,lb.example.com,127.0.0.9", Printers.serviceExternalIP(balanced, true));
        // the first 13 characters and "...", then the external IPs
        assertEquals("127.0.0.20,12...,127.0.0.9", Printers.serviceExternalIP(balanced, false));
    }

    @Test
    void endpointsListThreeThenCount() {
        Endpoints endpoints = Json.readYaml("""
                subsets:
                - addresses: [{ip: 127.2.1.5}, {ip: 127.2.1.6}]
                  notReadyAddresses: [{ip: 127.2.1.7}]
                  ports: [{name: http, port: 8080}, {name: metrics, port: 9090}]
                - addresses: [{ip: "::1"}]
                  ports: [{port: 53}]
                """, Endpoints.class);
        assertEquals("127.2.1.5:8080,127.2.1.6:8080,127.2.1.5:9090 + 2 more...", Printers.endpoints(endpoints));
        assertEquals("[::1]:53", Printers.endpoints(Json.readYaml("subsets: [{addresses: [{ip: '::1'}], ports: [{port: 53}]}]",
                Endpoints.class)));
        assertEquals("127.2.1.5", Printers.endpoints(Json.readYaml("subsets: [{addresses: [{ip: 127.2.1.5}]}]",
                Endpoints.class)), "a headless service without ports lists bare addresses");
        assertEquals("", Printers.endpoints(Json.readYaml("subsets: [{notReadyAddresses: [{ip: 127.2.1.5}], ports: [{port: 1}]}]",
                Endpoints.class)), "only not-ready addresses print nothing, as kubectl");
        assertEquals("<none>", Printers.endpoints(new Endpoints()));
    }

    @Test
    void labelsAndSelectors() {
        assertEquals("a=1,b=", Printers.labels(Map.of("b", "", "a", "1")));
        assertEquals("<none>", Printers.labels(null));
        assertEquals("<none>", Printers.labelSelector(new LabelSelector()));
        assertEquals("app=web", Printers.labelSelector(LabelSelector.of(Map.of("app", "web"))));
        assertEquals("<error>", Printers.labelSelector(Json.readYaml("matchExpressions: [{key: a, operator: In}]",
                LabelSelector.class)));
    }

    @Test
    void eventTimesCountAndObject() {
        String halfAnHourAgo = Times.format(Instant.now().minus(Duration.ofMinutes(30)).minusSeconds(20));
        String anHourAgo = Times.format(Instant.now().minus(Duration.ofMinutes(60)).minusSeconds(20));
        Event kubelet = Json.read("""
                {"involvedObject":{"kind":"Pod","name":"web"},"source":{"component":"kubelet","host":"node-1"},
                 "firstTimestamp":"%s","lastTimestamp":"%s","count":4}""".formatted(anHourAgo, halfAnHourAgo), Event.class);
        assertEquals("60m", Printers.eventFirstSeen(kubelet));
        assertEquals("30m", Printers.eventLastSeen(kubelet));
        assertEquals(4, Printers.eventCount(kubelet));
        assertEquals("pod/web", Printers.eventObject(kubelet));
        assertEquals("kubelet, node-1", Printers.eventSource(kubelet));

        // the newer shape, written through the core API: eventTime, a series, reporting fields
        Event scheduler = Json.read("""
                {"involvedObject":{"kind":"Node"},"eventTime":"%s","reportingComponent":"default-scheduler",
                 "series":{"count":7,"lastObservedTime":"%s"}}""".formatted(
                Times.formatMicro(Instant.parse(anHourAgo)), Times.formatMicro(Instant.parse(halfAnHourAgo))), Event.class);
        assertEquals("60m", Printers.eventFirstSeen(scheduler));
        assertEquals("30m", Printers.eventLastSeen(scheduler));
        assertEquals(7, Printers.eventCount(scheduler));
        assertEquals("node", Printers.eventObject(scheduler));
        assertEquals("default-scheduler", Printers.eventSource(scheduler));

        Event singleton = Json.read("{\"eventTime\":\"" + Times.formatMicro(Instant.parse(anHourAgo)) + "\"}", Event.class);
        assertEquals(1, Printers.eventCount(singleton));
        assertEquals("60m", Printers.eventLastSeen(singleton));
        assertEquals("<unknown>", Printers.eventFirstSeen(new Event()));
    }
}
