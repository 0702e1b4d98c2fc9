package io.gantry.proxy;

import static org.awaitility.Awaitility.await;

import io.gantry.api.core.v1.Service;
import io.gantry.api.meta.v1.IntOrString;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Real containers behind a service the kernel datapath serves ({@code datapath = auto}, as a node
 * runs): pods of {@code gantry/httpd:1.0} in the Docker engine, reached through the nftables table.
 */
class DockerBackendsKernelTest extends DockerBackendsTestBase {

    DockerBackendsKernelTest() {
        super(ServiceProxy.AUTO);
    }

    @Test
    void clientIpAffinityKeepsEachClientOnOnePod() throws Exception {
        List<String> ips = List.of("127.2.8.1", "127.2.8.2", "127.2.8.3");
        startPods(ips);
        Service service = withClientIpAffinity(service("sticky", null, port("http", 80, IntOrString.of("http"))), null);
        writeEndpoints("sticky", List.of(httpSubset(ips)));
        String ip = service.spec.clusterIP;
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(new Frontend(ip, 80, "TCP")));

        assertEachClientKeepsOneBackend(5, from -> get(ip, 80, from), Set.of("web-0", "web-1", "web-2"));
    }
}
