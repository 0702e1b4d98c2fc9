package io.gantry.apiserver.kinds.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.kinds.IpAddresses;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.ArrayList;
import java.util.List;

/**
 * v1 Endpoints, as {@code pkg/registry/core/endpoint/strategy.go}: written by the endpoints
 * controller with PUT, which creates them when missing. Unlike Kubernetes, loopback addresses
 * are allowed: Gantry's pod IPs are taken from 127.0.0.0/8.
 */
public final class EndpointsStrategy extends KindStrategy {

    private static final List<String> PROTOCOLS = List.of("SCTP", "TCP", "UDP");

    public EndpointsStrategy() {
        super(ResourceKind.ENDPOINTS);
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    /** SetDefaults_Endpoints: ports are TCP unless told. */
    @Override
    public void applyDefaults(ObjectNode endpoints) {
        for (ObjectNode subset : Trees.objects(endpoints, "subsets")) {
            for (ObjectNode port : Trees.objects(subset, "ports")) {
                if (Trees.textOr(port, "", "protocol").isEmpty()) {
                    port.put("protocol", "TCP");
                }
            }
        }
    }

    @Override
    public void validate(ObjectNode endpoints, Validator v) {
        int i = 0;
        for (JsonNode subset : endpoints.path("subsets")) {
            String at = "subsets[" + i++ + "]";
            if (subset.path("addresses").isEmpty() && subset.path("notReadyAddresses").isEmpty()) {
                v.required(at, "must specify `addresses` or `notReadyAddresses`");
            }
            addresses(subset.path("addresses"), at + ".addresses", v);
            addresses(subset.path("notReadyAddresses"), at + ".notReadyAddresses", v);
            JsonNode ports = subset.path("ports");
            for (int p = 0; p < ports.size(); p++) {
                JsonNode port = ports.get(p);
                String portPath = at + ".ports[" + p + "]";
                String name = Trees.textOr(port, "", "name");
                if (name.isEmpty()) {
                    if (ports.size() > 1) {
                        v.required(portPath + ".name");
                    }
                } else {
                    v.dns1123Label(portPath + ".name", name);
                }
                v.port(portPath + ".port", port.path("port").asLong(0));
                String protocol = Trees.textOr(port, "", "protocol");
                if (protocol.isEmpty()) {
                    v.required(portPath + ".protocol");
                } else {
                    v.oneOf(portPath + ".protocol", protocol, PROTOCOLS);
                }
            }
        }
    }

    private static void addresses(JsonNode addresses, String path, Validator v) {
        int i = 0;
        for (JsonNode address : addresses) {
            String at = path + "[" + i++ + "]";
            String ip = Trees.textOr(address, "", "ip");
            if (!IpAddresses.isIp(ip)) {
                v.invalid(at + ".ip", ip, IpAddresses.INVALID_IP);
            }
            String node = Trees.textOr(address, "", "nodeName");
            if (!node.isEmpty()) {
                v.dns1123Subdomain(at + ".nodeName", node);
            }
            String hostname = Trees.textOr(address, "", "hostname");
            if (!hostname.isEmpty()) {
                v.dns1123Label(at + ".hostname", hostname);
            }
        }
    }

    @Override
    public List<Column> columns() {
        return List.of(Column.NAME,
                Column.of("Endpoints", "The set of all endpoints is the union of all subsets.", EndpointsStrategy::endpoints),
                Column.AGE);
    }

    /** ENDPOINTS as formatEndpoints: {@code ip:port} per address and port, three at most, then {@code + N more...}. */
    static String endpoints(ObjectNode endpoints) {
        JsonNode subsets = endpoints.path("subsets");
        if (subsets.isEmpty()) {
            return Cells.NONE;
        }
        List<String> all = new ArrayList<>();
        for (JsonNode subset : subsets) {
            if (subset.path("ports").isEmpty()) {
                subset.path("addresses").forEach(a -> all.add(a.path("ip").asText("")));
                continue;
            }
            for (JsonNode port : subset.path("ports")) {
                for (JsonNode address : subset.path("addresses")) {
                    String ip = address.path("ip").asText("");
                    all.add((ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port.path("port").asLong(0));
                }
            }
        }
        return Cells.firstThree(all, "");
    }
}
