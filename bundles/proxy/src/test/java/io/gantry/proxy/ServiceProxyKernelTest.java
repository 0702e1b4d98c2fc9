package io.gantry.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.EndpointAddress;
import io.gantry.api.core.v1.EndpointPort;
import io.gantry.api.core.v1.EndpointSubset;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.core.v1.ServiceSpec;
import io.gantry.api.runtime.ContainerConfig;
import io.gantry.api.runtime.ExecResult;
import io.gantry.api.runtime.SandboxConfig;
import io.gantry.lb.roundrobin.RoundRobinLoadBalancer;
import io.gantry.runtime.docker.DockerRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The proxy with its kernel datapath ({@code datapath = auto}): ports whose plugin has a kernel
 * form (roundrobin, random) are DNATed by the node's nftables table, with their ClientIP affinity; the others,
 * and ports in the middle of a change of plugin, are served in userspace. Needs root and nft, as
 * the node does for this datapath.
 */
class ServiceProxyKernelTest extends ProxyTestBase {

    ServiceProxyKernelTest() {
        super(ServiceProxy.AUTO);
    }

    @Test
    void roundRobinServicesAndTheirNodePortsAreServedByTheKernelInTurn() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = service("web", null, port("", 80, null));
        service.spec.type = ServiceSpec.NODE_PORT;
        service = registry.update(ResourceKind.SERVICES, service);
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        int nodePort = service.spec.ports.get(0).nodePort;
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().equals(
                java.util.Set.of(new Frontend(ip, 80, "TCP"), new Frontend("127.0.0.1", nodePort, "TCP"))));
        assertTrue(nftTables().contains("table ip " + proxy.kernelTable() + "\n"), nftTables());

        // numgen inc: one connection after the other, exactly in turn
        assertEquals(Map.of("b0", 100, "b1", 100, "b2", 100), requests(ip, 80, 300));
        assertEquals(3, requests("127.0.0.1", nodePort, 30).size());
    }

    @Test
    void aPodsConnectionIsDnatedByTheKernelOnItsWayInFromTheBridge() throws Exception {
        DockerRuntime docker = new DockerRuntime(Configs.of(DockerRuntime.Config.class, Map.of("pullImages", false)));
        String node = "proxytest-" + UUID.randomUUID().toString().substring(0, 8);
        try (ServerSocket backend = new ServerSocket()) {
            backend.bind(new InetSocketAddress("127.2.0.31", 0));
            Service service = service("web", null, port("", 80, null));
            EndpointSubset subset = new EndpointSubset();
            subset.addresses = List.of(new EndpointAddress("127.2.0.31"));
            subset.ports = List.of(new EndpointPort("", backend.getLocalPort(), "TCP"));
            writeEndpoints("web", List.of(subset));
            String ip = service.spec.clusterIP;
            await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(new Frontend(ip, 80, "TCP")));

            SandboxConfig pod = new SandboxConfig(node, "default", "client", UUID.randomUUID().toString(), 0, "docker",
                    "client", "127.2.0.32", List.of(), true);
            String container = docker.createContainer(docker.runPodSandbox(pod), new ContainerConfig("client", 0,
                    "gantry/httpd:1.0", null, null, Map.of(), null, 100, 64L << 20, List.of(), null, null, false), pod);
            docker.startContainer(container);
            CompletableFuture<String> peer = CompletableFuture.supplyAsync(() -> {
                try {
                    backend.setSoTimeout(10_000);
                    try (Socket accepted = backend.accept()) {
                        accepted.getOutputStream().write("served\n".getBytes(StandardCharsets.UTF_8));
                        return accepted.getInetAddress().getHostAddress();
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            ExecResult asked = docker.exec(container, List.of("sh", "-c", "echo hi | nc -w 5 " + ip + " 80"),
                    Duration.ofSeconds(10));
            assertEquals("served", asked.output().trim(), asked.toString());
            // userspace would have connected from the host's loopback; DNAT keeps the pod's own address
            String from = peer.get(10, TimeUnit.SECONDS);
            assertFalse(from.startsWith("127."), from);
        } finally {
            docker.listContainers(node).forEach(c -> docker.removeContainer(c.id()));
            docker.listPodSandboxes(node).forEach(s -> docker.removePodSandbox(s.id()));
        }
    }

    @Test
    void randomIsServedByTheKernelWithinStatisticalTolerance() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = service("web", "random", port("", 80, null));
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(new Frontend(ip, 80, "TCP")));

        Map<String, Integer> counts = requests(ip, 80, 600);

        // 200 expected each, standard deviation 11.5: ±80 is 7 deviations
        assertEquals(3, counts.size(), counts::toString);
        counts.values().forEach(count -> assertTrue(Math.abs(count - 200) <= 80, counts::toString));
    }

    @Test
    void udpIsDnatedByTheKernelAndTheReplyComesBackFromTheClusterIp() throws Exception {
        TestBackend dns = track(TestBackend.udp("dns", "127.2.0.21"));
        ServicePort port = port("dns", 53, null);
        port.protocol = "UDP";
        Service service = service("dns", null, port);
        EndpointSubset subset = new EndpointSubset();
        subset.addresses = List.of(new EndpointAddress(dns.ip));
        subset.ports = List.of(new EndpointPort("dns", dns.port, "UDP"));
        writeEndpoints("dns", List.of(subset));
        InetSocketAddress address = new InetSocketAddress(service.spec.clusterIP, 53);
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(new Frontend(address.getHostString(), 53, "UDP")));

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(2000);
            byte[] query = "query".getBytes(StandardCharsets.UTF_8);
            DatagramPacket reply = new DatagramPacket(new byte[100], 100);
            client.send(new DatagramPacket(query, query.length, address));
            client.receive(reply);
            assertEquals("dns", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
            assertEquals(address, reply.getSocketAddress());
        }
    }

    @Test
    void leastConnectionsStaysInUserspaceWithOrWithoutAffinity() throws Exception {
        List<TestBackend> two = tcpBackends(2);
        Service leastconn = service("counted", "leastconn", port("", 80, null));
        endpoints("counted", two, "");
        Service sticky = withClientIpAffinity(service("sticky", "leastconn", port("", 80, null)), null);
        endpoints("sticky", two, "");
        Service marker = service("marker", null, port("", 81, null));
        endpoints("marker", two, "");
        String markerIp = marker.spec.clusterIP;
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(new Frontend(markerIp, 81, "TCP")));

        assertEquals(java.util.Set.of(new Frontend(markerIp, 81, "TCP")), proxy.kernelFrontends());
        assertEquals(2, requests(leastconn.spec.clusterIP, 80, 10).size()); // served, by userspace (leastconn's own spread is ServiceProxyTest's)
        assertEquals(1, requests(sticky.spec.clusterIP, 80, 10).size());
    }

    @Test
    void clientIpAffinityIsKeptByTheKernelThroughChangesOfTheTable() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = withClientIpAffinity(service("web", null, port("", 80, null)), null);
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(new Frontend(ip, 80, "TCP")));

        Map<String, String> first = new HashMap<>();
        for (int client = 1; client <= 6; client++) {
            first.put("127.5.0." + client, TestBackend.request(ip, 80, "127.5.0." + client));
        }
        assertEquals(3, new HashSet<>(first.values()).size(), "six clients in turn over three endpoints: " + first);
        Service other = service("other", null, port("", 81, null)); // the table is written again
        endpoints("other", three, "");
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(new Frontend(other.spec.clusterIP, 81, "TCP")));
        endpoints("web", List.of(three.get(0), three.get(1)), ""); // and b2 leaves
        await().atMost(DEADLINE).until(() -> !nft("list", "table", "ip", proxy.kernelTable()).contains(three.get(2).ip + ":"));

        for (int round = 0; round < 10; round++) {
            for (Map.Entry<String, String> client : first.entrySet()) {
                String backend = TestBackend.request(ip, 80, client.getKey());
                if (client.getValue().equals("b2")) {
                    assertTrue(backend.equals("b0") || backend.equals("b1"), backend);
                    client.setValue(backend); // b2's clients are given another endpoint once, and keep it
                } else {
                    assertEquals(client.getValue(), backend, "client " + client.getKey());
                }
            }
        }
        assertTrue(proxy.kernelFrontends().contains(new Frontend(ip, 80, "TCP")));
    }

    @Test
    void aClientsAffinityEndsAfterTheServicesTimeout() throws Exception {
        List<TestBackend> two = tcpBackends(2);
        Service service = withClientIpAffinity(service("web", "random", port("", 80, null)), 2);
        endpoints("web", two, "");
        String ip = service.spec.clusterIP;
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(new Frontend(ip, 80, "TCP")));

        TestBackend.request(ip, 80, "127.5.0.9");
        String table = nft("list", "table", "ip", proxy.kernelTable());
        assertTrue(table.contains("127.5.0.9 expires"), table);
        assertTrue(table.contains("timeout 2s"), table);
        await().atMost(DEADLINE).until(() -> !nft("list", "table", "ip", proxy.kernelTable()).contains("127.5.0.9"));
    }

    @Test
    void swapsBetweenKernelAndUserspaceUnderLoadFailNothingAndCutNothing() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = service("web", null, port("", 80, null));
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        Frontend frontend = new Frontend(ip, 80, "TCP");
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(frontend));
        TestBackend.Held established = new TestBackend.Held(ip, 80); // DNATed by the kernel: conntrack holds it
        String first = established.ask();

        try (Load load = new Load(ip, 80, 4)) {
            step(load);
            annotate("leastconn"); // to userspace
            await().atMost(DEADLINE).until(() -> !proxy.kernelFrontends().contains(frontend));
            step(load);
            annotate("random"); // back to the kernel, another algorithm
            await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(frontend));
            step(load);
            annotate(null);
            proxy.removeLoadBalancer(roundRobinPlugin, roundRobin); // the default goes: userspace, in turn, built in
            await().atMost(DEADLINE).until(() -> !proxy.kernelFrontends().contains(frontend));
            step(load);
            proxy.addLoadBalancer(new RoundRobinLoadBalancer(), Map.of(Plugins.NAME, "roundrobin")); // bundle:update done
            await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(frontend));
            step(load);
            load.close();
            assertEquals(List.of(), load.failures);
            assertEquals(3, load.byBackend.size(), load.byBackend::toString);
        }
        assertEquals(first, established.ask(), "the established connection kept its endpoint through every swap");
        established.close();
    }

    @Test
    void anEndpointRemovedBeforeItStopsFailsNoRequest() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = service("web", null, port("", 80, null));
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        await().atMost(DEADLINE).until(() -> proxy.kernelFrontends().contains(new Frontend(ip, 80, "TCP")));

        try (Load load = new Load(ip, 80, 4)) {
            step(load);
            // as a terminating pod: out of the Endpoints first (the kernel rule changes), then it stops
            endpoints("web", three.subList(1, 3), "");
            await().atMost(DEADLINE).until(() -> {
                int before = three.get(0).served.get();
                step(load);
                return three.get(0).served.get() == before;
            });
            three.get(0).stopListening();
            step(load);
            load.close();
            assertEquals(List.of(), load.failures);
        }
    }

    @Test
    void stoppingTheProxyRemovesItsTable() throws Exception {
        List<TestBackend> one = tcpBackends(1);
        Service service = service("web", null, port("", 80, null));
        endpoints("web", one, "");
        await().atMost(DEADLINE).until(() -> !proxy.kernelFrontends().isEmpty());
        String table = "table ip " + proxy.kernelTable() + "\n";
        assertTrue(nftTables().contains(table), nftTables());

        proxy.deactivate();

        assertFalse(nftTables().contains(table), nftTables());
    }

    private void annotate(String loadBalancer) {
        Service service = registry.get(ResourceKind.SERVICES, "default", "web");
        if (loadBalancer == null) {
            service.metadata.annotations().remove(ProxyRules.LOAD_BALANCER_ANNOTATION);
        } else {
            service.metadata.annotations().put(ProxyRules.LOAD_BALANCER_ANNOTATION, loadBalancer);
        }
        registry.update(ResourceKind.SERVICES, service);
    }

    private static String nftTables() throws IOException, InterruptedException {
        return nft("list", "tables");
    }

    private static String nft(String... arguments) throws IOException, InterruptedException {
        List<String> command = new java.util.ArrayList<>(List.of("nft"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        process.waitFor();
        return out;
    }
}
