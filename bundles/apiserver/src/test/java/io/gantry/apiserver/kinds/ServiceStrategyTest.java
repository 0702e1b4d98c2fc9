package io.gantry.apiserver.kinds;

import static io.gantry.apiserver.kinds.KindTesting.assertTree;
import static io.gantry.apiserver.kinds.KindTesting.cells;
import static io.gantry.apiserver.kinds.KindTesting.created;
import static io.gantry.apiserver.kinds.KindTesting.createCauses;
import static io.gantry.apiserver.kinds.KindTesting.header;
import static io.gantry.apiserver.kinds.KindTesting.tree;
import static io.gantry.apiserver.kinds.KindTesting.updateCauses;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.kinds.service.ServiceStrategy;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ServiceStrategyTest {

    private final ServiceStrategy services = new ServiceStrategy();

    private static final String WEB = """
            apiVersion: v1
            kind: Service
            metadata: {name: web, namespace: default}
            spec:
              selector: {app: web}
              ports: [{port: 80}]
            """;

    @Test
    void aServiceIsDefaultedAsKubernetesDoes() {
        assertTree("""
                apiVersion: v1
                kind: Service
                metadata: {name: web, namespace: default}
                spec:
                  type: ClusterIP
                  selector: {app: web}
                  ports: [{port: 80, protocol: TCP, targetPort: 80}]
                  sessionAffinity: None
                  internalTrafficPolicy: Cluster
                  ipFamilyPolicy: SingleStack
                  ipFamilies: [IPv4]
                status: {loadBalancer: {}}
                """, created(services, WEB));
        ObjectNode nodePort = created(services, """
                metadata: {name: np}
                spec: {type: NodePort, clusterIP: 10.96.0.10, sessionAffinity: ClientIP,
                       ports: [{port: 80, targetPort: http}]}
                """);
        assertEquals("Cluster", nodePort.at("/spec/externalTrafficPolicy").asText());
        assertEquals("http", nodePort.at("/spec/ports/0/targetPort").asText());
        assertEquals("[\"10.96.0.10\"]", nodePort.at("/spec/clusterIPs").toString());
        assertEquals(10800, nodePort.at("/spec/sessionAffinityConfig/clientIP/timeoutSeconds").asInt());
        assertEquals(List.of(), createCauses(services, WEB));
    }

    static Stream<Arguments> badServices() {
        return Stream.of(
                Arguments.of("spec: {ports: []}", "spec.ports|FieldValueRequired|Required value"),
                Arguments.of("spec: {type: Magic, ports: [{port: 80}]}",
                        "spec.type|FieldValueNotSupported|Unsupported value: \"Magic\": supported values: \"ClusterIP\", "
                                + "\"ExternalName\", \"LoadBalancer\", \"NodePort\""),
                Arguments.of("spec: {ports: [{port: 80}, {name: b, port: 81}]}",
                        "spec.ports[0].name|FieldValueRequired|Required value"),
                Arguments.of("spec: {ports: [{name: a, port: 80}, {name: a, port: 81}]}",
                        "spec.ports[1].name|FieldValueDuplicate|Duplicate value: \"a\""),
                Arguments.of("spec: {ports: [{name: a, port: 80}, {name: b, port: 80}]}",
                        "spec.ports[1]|FieldValueDuplicate|Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", "
                                + "AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, "
                                + "StrVal:\"\"}, NodePort:0}"),
                Arguments.of("spec: {ports: [{port: 0, targetPort: 8080}]}",
                        "spec.ports[0].port|FieldValueInvalid|Invalid value: 0: must be between 1 and 65535, inclusive"),
                Arguments.of("spec: {type: NodePort, ports: [{port: 80, nodePort: 8080}]}",
                        "spec.ports[0].nodePort|FieldValueInvalid|Invalid value: 8080: provided port is not in the valid "
                                + "range. The range of valid ports is 30000-32767"),
                Arguments.of("spec: {ports: [{port: 80, nodePort: 30080}]}",
                        "spec.ports[0].nodePort|FieldValueForbidden|Forbidden: may not be used when `type` is 'ClusterIP'"),
                Arguments.of("spec: {sessionAffinity: Sticky, ports: [{port: 80}]}",
                        "spec.sessionAffinity|FieldValueNotSupported|Unsupported value: \"Sticky\": supported values: "
                                + "\"ClientIP\", \"None\""),
                Arguments.of("spec: {clusterIP: 10.0.0.300, ports: [{port: 80}]}",
                        "spec.clusterIPs[0]|FieldValueInvalid|Invalid value: \"10.0.0.300\": must be a valid IP "
                                + "address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
                Arguments.of("spec: {type: ExternalName}", "spec.externalName|FieldValueRequired|Required value"),
                Arguments.of("spec: {externalTrafficPolicy: Local, ports: [{port: 80}]}",
                        "spec.externalTrafficPolicy|FieldValueInvalid|Invalid value: \"Local\": may only be set for "
                                + "externally-accessible services"));
    }

    @ParameterizedTest
    @MethodSource("badServices")
    void badServicesAreRejectedWithKubernetesWording(String spec, String cause) {
        assertEquals(List.of(cause), createCauses(services, "metadata: {name: s}\n" + spec));
    }

    @Test
    void serviceNamesAreDns1035Labels() {
        assertEquals(List.of("metadata.name|FieldValueInvalid|Invalid value: \"1web\": a DNS-1035 label must consist of "
                        + "lower case alphanumeric characters or '-', start with an alphabetic character, and end with an "
                        + "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
                        + "'[a-z]([-a-z0-9]*[a-z0-9])?')"),
                createCauses(services, WEB.replace("name: web", "name: 1web")));
    }

    @Test
    void theClusterIpOnceSetStaysAndAnUpdateThatOmitsItKeepsIt() {
        String allocated = WEB.replace("spec:", "spec:\n  clusterIP: 10.96.0.5");
        assertEquals(List.of("spec.clusterIPs[0]|FieldValueInvalid|Invalid value: []string{\"10.96.0.6\"}: may not "
                + "change once set"), updateCauses(services, allocated, allocated.replace("10.96.0.5", "10.96.0.6")));
        assertEquals(List.of(), updateCauses(services, allocated, WEB.replace("port: 80", "port: 8080")));
        ObjectNode old = created(services, allocated.replace("ports: [{port: 80}]",
                "type: NodePort\n  ports: [{name: http, port: 80, nodePort: 30080}]"));
        ObjectNode updated = tree(WEB.replace("ports: [{port: 80}]", "type: NodePort\n  ports: [{name: http, port: 80}]"));
        services.applyDefaults(updated);
        services.prepareForUpdate(updated, old);
        assertEquals("10.96.0.5", updated.at("/spec/clusterIP").asText());
        assertEquals(30080, updated.at("/spec/ports/0/nodePort").asInt());
    }

    @Test
    void changingTheTypeDropsWhatTheNewTypeDoesNotUse() {
        String nodePort = "{metadata: {name: s}, spec: {type: NodePort, clusterIP: 10.96.0.5, "
                + "ports: [{name: http, port: 80, nodePort: 30080}]}}";
        ObjectNode old = created(services, nodePort);
        ObjectNode toClusterIp = (ObjectNode) old.deepCopy();
        toClusterIp.with("spec").put("type", "ClusterIP");
        services.applyDefaults(toClusterIp);
        services.prepareForUpdate(toClusterIp, old);
        assertEquals(false, toClusterIp.at("/spec/ports/0").has("nodePort"));
        assertEquals(false, toClusterIp.at("/spec").has("externalTrafficPolicy"));
        assertEquals(List.of(), KindTesting.causes(toClusterIp, (o, v) -> services.validateUpdate(o, old, v)));
        ObjectNode toExternalName = (ObjectNode) old.deepCopy();
        toExternalName.with("spec").put("type", "ExternalName").put("externalName", "db.example.com");
        services.applyDefaults(toExternalName);
        services.prepareForUpdate(toExternalName, old);
        assertEquals(false, toExternalName.at("/spec").has("clusterIP"));
        assertEquals(false, toExternalName.at("/spec").has("ipFamilies"));
    }

    @Test
    void columnsAreThoseOfKubectlGetServices() {
        ObjectNode service = created(services, """
                metadata: {name: web}
                spec: {type: NodePort, clusterIP: 10.96.0.5, selector: {app: web, tier: front},
                       ports: [{name: http, port: 80, nodePort: 30080}, {name: dns, port: 53, protocol: UDP}]}
                """);
        assertEquals(List.of("Name", "Type", "Cluster-IP", "External-IP", "Port(s)", "Age", "Selector"),
                header(services, true));
        assertEquals(List.of("web", "NodePort", "10.96.0.5", "<none>", "80:30080/TCP,53/UDP", "<unknown>",
                "app=web,tier=front"), cells(services, service, true));
        ObjectNode balancer = created(services, "{metadata: {name: lb}, spec: {type: LoadBalancer, ports: [{port: 443}]}}");
        assertEquals(List.of("lb", "LoadBalancer", "<none>", "<pending>", "443/TCP"), cells(services, balancer, false).subList(0, 5));
        assertEquals("LoadBalancer", services.fieldSelectors().get("spec.type").apply(balancer));
    }
}
