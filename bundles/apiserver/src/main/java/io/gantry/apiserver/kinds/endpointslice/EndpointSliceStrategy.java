package io.gantry.apiserver.kinds.endpointslice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.meta.v1.StatusCause;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.kinds.IpAddresses;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * discovery.k8s.io/v1 EndpointSlices, as {@code pkg/apis/discovery/validation}: an immutable
 * address type, one to a hundred addresses of that type per endpoint, uniquely named TCP-by-default
 * ports. Loopback addresses are allowed, as Gantry's pod IPs are in 127.0.0.0/8.
 */
public final class EndpointSliceStrategy extends KindStrategy {

    private static final List<String> ADDRESS_TYPES = List.of("FQDN", "IPv4", "IPv6");
    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

    public EndpointSliceStrategy() {
        super(ResourceKind.ENDPOINT_SLICES);
    }

    /** SetDefaults_EndpointPort: an unnamed port with a number gets the name "", the protocol TCP. */
    @Override
    public void applyDefaults(ObjectNode slice) {
        for (ObjectNode port : Trees.objects(slice, "ports")) {
            if (port.hasNonNull("port")) {
                Trees.defaultText(port, "name", "");
            }
            Trees.defaultText(port, "protocol", "TCP");
        }
    }

    @Override
    public void validate(ObjectNode slice, Validator v) {
        String type = Trees.textOr(slice, "", "addressType");
        boolean knownType = !type.isEmpty() && v.oneOf("addressType", type, ADDRESS_TYPES);
        if (type.isEmpty()) {
            v.required("addressType");
        }
        int i = 0;
        for (JsonNode endpoint : slice.path("endpoints")) {
            String at = "endpoints[" + i++ + "]";
            JsonNode addresses = endpoint.path("addresses");
            if (addresses.isEmpty()) {
                v.required(at + ".addresses", "must contain at least 1 address");
            } else if (addresses.size() > 100) {
                v.causes().add(new StatusCause("FieldValueTooMany",
                        "Too many: " + addresses.size() + ": must have at most 100 items", at + ".addresses"));
            }
            int j = 0;
            for (JsonNode address : addresses) {
                String text = address.asText("");
                String path = at + ".addresses[" + j++ + "]";
                if (!knownType) {
                    continue;
                }
                switch (type) {
                    case "IPv4" -> {
                        if (!IpAddresses.isIPv4(text)) {
                            v.invalid(path, text, "must be a valid IPv4 address");
                        }
                    }
                    case "IPv6" -> {
                        if (!IpAddresses.isIPv6(text)) {
                            v.invalid(path, text, "must be a valid IPv6 address");
                        }
                    }
                    default -> v.dns1123Subdomain(path, text);
                }
            }
            String node = Trees.textOr(endpoint, "", "nodeName");
            if (!node.isEmpty()) {
                v.dns1123Subdomain(at + ".nodeName", node);
            }
        }
        Set<String> names = new HashSet<>();
        i = 0;
        for (JsonNode port : slice.path("ports")) {
            String at = "ports[" + i++ + "]";
            String name = Trees.textOr(port, "", "name");
            if (!name.isEmpty()) {
                v.dns1123Label(at + ".name", name);
            }
            if (!names.add(name)) {
                v.duplicate(at + ".name", name);
            }
            JsonNode number = port.get("port");
            if (number != null && number.isNumber()) {
                v.port(at + ".port", number.asLong());
            }
            v.oneOf(at + ".protocol", Trees.text(port, "protocol"), PROTOCOLS);
        }
    }

    @Override
    public void validateUpdate(ObjectNode slice, ObjectNode old, Validator v) {
        validate(slice, v);
        String type = Trees.textOr(slice, "", "addressType");
        if (!type.equals(Trees.textOr(old, "", "addressType"))) {
            v.immutable("addressType", type);
        }
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.NAME,
                Column.of("AddressType", "addressType specifies the type of address carried by this EndpointSlice.",
                        s -> Trees.textOr(s, "", "addressType")),
                Column.of("Ports", "ports specifies the list of network ports exposed by each endpoint in this slice.",
                        EndpointSliceStrategy::ports),
                Column.of("Endpoints", "endpoints is a list of unique endpoints in this slice.",
                        EndpointSliceStrategy::endpoints),
                Column.AGE);
    }

    /** formatDiscoveryPorts: the number, else the name, else {@code *}. */
    static String ports(ObjectNode slice) {
        List<String> ports = new ArrayList<>();
        for (JsonNode port : slice.path("ports")) {
            if (port.hasNonNull("port")) {
                ports.add(String.valueOf(port.path("port").asLong()));
            } else if (port.hasNonNull("name")) {
                ports.add(port.path("name").asText());
            } else {
                ports.add("*");
            }
        }
        return Cells.firstThree(ports, "<unset>");
    }

    static String endpoints(ObjectNode slice) {
        List<String> addresses = new ArrayList<>();
        for (JsonNode endpoint : slice.path("endpoints")) {
            endpoint.path("addresses").forEach(a -> addresses.add(a.asText("")));
        }
        return Cells.firstThree(addresses, "<unset>");
    }
}
