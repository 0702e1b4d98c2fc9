package io.gantry.apiserver.kinds;

import static io.gantry.apiserver.kinds.KindTesting.cells;
import static io.gantry.apiserver.kinds.KindTesting.created;
import static io.gantry.apiserver.kinds.KindTesting.createCauses;
import static io.gantry.apiserver.kinds.KindTesting.header;
import static io.gantry.apiserver.kinds.KindTesting.updateCauses;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.kinds.endpoints.EndpointsStrategy;
import io.gantry.apiserver.kinds.endpointslice.EndpointSliceStrategy;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Endpoints and endpoint slices, which carry the same addresses in two shapes. */
class EndpointsStrategyTest {

    private final EndpointsStrategy endpoints = new EndpointsStrategy();
    private final EndpointSliceStrategy slices = new EndpointSliceStrategy();

    @Test
    void endpointsDefaultToTcpAcceptLoopbackAddressesAndAreCreatedOnUpdate() {
        ObjectNode ep = created(endpoints, """
                metadata: {name: web}
                subsets:
                - addresses: [{ip: 127.1.0.2}, {ip: 127.1.0.3}, {ip: 127.1.0.4}]
                  ports: [{name: http, port: 80}, {name: https, port: 443}]
                """);
        assertEquals("TCP", ep.at("/subsets/0/ports/1/protocol").asText());
        assertEquals(List.of(), KindTesting.causes(ep, endpoints::validate));
        assertTrue(endpoints.allowCreateOnUpdate());
        assertEquals(List.of("Name", "Endpoints", "Age"), header(endpoints, true));
        assertEquals("127.1.0.2:80,127.1.0.3:80,127.1.0.4:80 + 3 more...", cells(endpoints, ep, false).get(1));
        assertEquals("<none>", cells(endpoints, created(endpoints, "{metadata: {name: x}}"), false).get(1));
    }

    @Test
    void badEndpointsNameTheField() {
        assertEquals(List.of("subsets[0].addresses[0].ip|FieldValueInvalid|Invalid value: \"10.0.0.256\": must be a valid "
                        + "IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"),
                createCauses(endpoints, "{metadata: {name: e}, subsets: [{addresses: [{ip: 10.0.0.256}], ports: [{port: 80}]}]}"));
        assertEquals(List.of("subsets[0]|FieldValueRequired|Required value: must specify `addresses` or `notReadyAddresses`",
                        "subsets[0].ports[0].name|FieldValueRequired|Required value"),
                createCauses(endpoints, "{metadata: {name: e}, subsets: [{ports: [{port: 80}, {name: b, port: 81}]}]}"));
    }

    @Test
    void endpointSlicesCheckAddressesByTypeAndKeepTheirType() {
        String slice = """
                metadata: {name: web-abc}
                addressType: IPv4
                endpoints: [{addresses: [127.1.0.2], conditions: {ready: true}}, {addresses: [127.1.0.3]}]
                ports: [{name: http, port: 80}]
                """;
        ObjectNode s = created(slices, slice);
        assertEquals("TCP", s.at("/ports/0/protocol").asText());
        assertEquals(List.of(), createCauses(slices, slice));
        assertEquals(List.of("endpoints[0].addresses[0]|FieldValueInvalid|Invalid value: \"::1\": must be a valid IPv4 address"),
                createCauses(slices, slice.replace("[127.1.0.2]", "[\"::1\"]")));
        assertEquals(List.of("addressType|FieldValueRequired|Required value"),
                createCauses(slices, slice.replace("addressType: IPv4\n", "")));
        assertEquals(List.of("addressType|FieldValueInvalid|Invalid value: \"FQDN\": field is immutable"),
                updateCauses(slices, slice, slice.replace("IPv4", "FQDN").replace("127.1.0.2", "a.example").replace("127.1.0.3", "b.example")));
        assertEquals(List.of("Name", "AddressType", "Ports", "Endpoints", "Age"), header(slices, true));
        assertEquals(List.of("web-abc", "IPv4", "80", "127.1.0.2,127.1.0.3", "<unknown>"), cells(slices, s, true));
    }
}
