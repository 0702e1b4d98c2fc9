package io.gantry.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Service;
import io.gantry.api.meta.v1.IntOrString;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Real containers behind a service the kernel datapath serves ({@code datapath = auto}, as a node
 * runs): pods of {@code gantry/httpd:1.0} in the Docker engine, reached through the nftables table.
 */
class DockerBackendsKernelTest extends ProxyTestBase {

    private final String run = UUID.randomUUID().toString().substring(0, 8);
    private final List<String> containers = new ArrayList<>();

    DockerBackendsKernelTest() {
        super(ServiceProxy.AUTO);
    }

    @AfterEach
    void removeContainers() throws Exception {
        for (String container : containers) {
            DockerBackendsTest.docker("rm", "-f", container);
        }
    }

    @Test
    void clientIpAffinityKeepsEachClientOnOnePod() throws Exception {
        List<String> ips = List.of("127.2.8.1", "127.2.8.2", "127.2.8.3");
        containers.addAll(DockerBackendsTest.startPods(run, ips));
        Service service = service("sticky", null, port("http", 80, IntOrString.of("http")));
        service.spec.sessionAffinity = "ClientIP";
        service = registry.update(ResourceKind.SERVICES, service);
        writeEndpoints("sticky", List.of(DockerBackendsTest.httpSubset(ips)));
        String ip = service.spec.clusterIP;
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(new Frontend(ip, 80, "TCP")));

        Map<String, Set<String>> seen = new HashMap<>();
        for (int round = 0; round < 5; round++) {
            for (int client = 1; client <= 6; client++) {
                String from = "127.5.1." + client;
                seen.computeIfAbsent(from, c -> new HashSet<>()).add(DockerBackendsTest.get(ip, 80, from));
            }
        }

        seen.values().forEach(pods -> assertEquals(1, pods.size(), seen::toString));
        Set<String> used = new HashSet<>();
        seen.values().forEach(used::addAll);
        assertEquals(Set.of("web-0", "web-1", "web-2"), used, "six clients in turn over three pods: " + seen);
    }
}
