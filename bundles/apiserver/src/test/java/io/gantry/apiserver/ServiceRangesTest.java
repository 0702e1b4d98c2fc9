package io.gantry.apiserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.kinds.service.ServiceRanges;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The service ranges come from configuration: cluster IPs and node ports from them only, and a clear error outside. */
class ServiceRangesTest {

    private final Registry registry = new Registry("memory");

    ServiceRangesTest() {
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
    }

    @AfterEach
    void stop() {
        registry.watches().close();
    }

    private static Service service(String name, String type, String clusterIP) {
        Service service = new Service();
        service.metadata.name = name;
        service.metadata.namespace = "default";
        service.spec.type = type;
        service.spec.clusterIP = clusterIP;
        ServicePort port = new ServicePort();
        port.port = 80;
        service.spec.ports = List.of(port);
        return service;
    }

    @Test
    void servicesGetAddressesAndNodePortsFromTheConfiguredRangesUntilTheyAreFull() {
        registry.serviceRanges(ServiceRanges.parse("127.97.5.3/29", "31000-31001"));
        Set<String> ips = new HashSet<>();
        for (int i = 0; i < 5; i++) { // a /29 of 8 addresses: the network and its first address stay free, and the last
            ips.add(registry.create(ResourceKind.SERVICES, service("s" + i, "ClusterIP", null)).spec.clusterIP);
        }
        assertEquals(Set.of("127.97.5.2", "127.97.5.3", "127.97.5.4", "127.97.5.5", "127.97.5.6"), ips);
        ApiException full = assertThrows(ApiException.class,
                () -> registry.create(ResourceKind.SERVICES, service("s5", "ClusterIP", null)));
        assertEquals(422, full.code());
        assertTrue(full.getMessage().contains("range is full"), full.getMessage());
        assertEquals(5, registry.list(ResourceKind.SERVICES, "default", ListOptions.ALL).items.size(),
                "the refused service was not stored");

        registry.delete(ResourceKind.SERVICES, "default", "s0", null);
        registry.delete(ResourceKind.SERVICES, "default", "s1", null);
        int first = registry.create(ResourceKind.SERVICES, service("n0", "NodePort", null)).spec.ports.get(0).nodePort;
        int second = registry.create(ResourceKind.SERVICES, service("n1", "NodePort", null)).spec.ports.get(0).nodePort;
        assertEquals(Set.of(31000, 31001), Set.of(first, second));
    }

    @Test
    void anAddressOutsideTheRangeIsRefusedNamingIt() {
        registry.serviceRanges(ServiceRanges.parse("127.97.0.0/24", "30000-32767"));
        ApiException outside = assertThrows(ApiException.class,
                () -> registry.create(ResourceKind.SERVICES, service("web", "ClusterIP", "127.96.0.10")));
        assertEquals(422, outside.code());
        assertTrue(outside.getMessage().contains("The range of valid IPs is 127.97.0.0/24"), outside.getMessage());
        assertEquals("127.97.0.10",
                registry.create(ResourceKind.SERVICES, service("web", "ClusterIP", "127.97.0.10")).spec.clusterIP);
    }

    @Test
    void badRangesAreRefusedNamingWhatIsWrong() {
        IllegalArgumentException cidr = assertThrows(IllegalArgumentException.class,
                () -> ServiceRanges.parse("127.96.0.0", "30000-32767"));
        assertTrue(cidr.getMessage().contains("'127.96.0.0' is not an IPv4 CIDR"), cidr.getMessage());
        IllegalArgumentException ports = assertThrows(IllegalArgumentException.class,
                () -> ServiceRanges.parse("127.96.0.0/16", "32767-30000"));
        assertTrue(ports.getMessage().contains("'32767-30000' is not FIRST-LAST"), ports.getMessage());
        assertEquals(ServiceRanges.DEFAULT, ServiceRanges.parse("127.96.0.0/16", "30000-32767"));
    }
}
