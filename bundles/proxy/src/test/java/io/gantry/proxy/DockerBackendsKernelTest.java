package io.gantry.proxy;

import static org.awaitility.Awaitility.await;

import io.gantry.api.core.v1.Service;
import io.gantry.api.meta.v1.IntOrString;
import java.util.ArrayList;
import java.util.List;
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
        Service service = withClientIpAffinity(service("sticky", null, port("http", 80, IntOrString.of("http"))), null);
        writeEndpoints("sticky", List.of(DockerBackendsTest.httpSubset(ips)));
        String ip = service.spec.clusterIP;
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(new Frontend(ip, 80, "TCP")));

        assertEachClientKeepsOneBackend(5, from -> DockerBackendsTest.get(ip, 80, from), Set.of("web-0", "web-1", "web-2"));
    }
}
