package io.gantry.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gantry.api.Plugins;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.EndpointAddress;
import io.gantry.api.core.v1.EndpointPort;
import io.gantry.api.core.v1.EndpointSubset;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.core.v1.ServiceSpec;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.lb.leastconn.LeastConnectionsLoadBalancer;
import io.gantry.lb.roundrobin.RoundRobinLoadBalancer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The proxy's userspace datapath on the in-process API server, fed by the shared informers, with
 * the three real plugins, in front of plain Java backends on their own loopback addresses:
 * services and their Endpoints are written by hand through the API, as an endpoints controller
 * would write them.
 */
class ServiceProxyTest extends ProxyTestBase {

    ServiceProxyTest() {
        super(ServiceProxy.USERSPACE);
    }

    @Test
    void roundRobinGivesEachReadyEndpointItsTurn() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = service("web", null, port("", 80, null));
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        assertTrue(ip.startsWith("127.96."), ip);
        awaitServed(ip, 80);

        Map<String, Integer> counts = requests(ip, 80, 300);

        // one client, one connection after the other: exactly in turn
        assertEquals(Map.of("b0", 100, "b1", 100, "b2", 100), counts);
    }

    @Test
    void randomSpreadsWithinStatisticalTolerance() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = service("web", "random", port("", 80, null));
        endpoints("web", three, "");
        awaitServed(service.spec.clusterIP, 80);

        Map<String, Integer> counts = requests(service.spec.clusterIP, 80, 600);

        // 200 expected each, standard deviation 11.5: ±80 is 7 deviations (a false alarm less than once in 10^11)
        assertEquals(3, counts.size(), counts::toString);
        counts.values().forEach(count -> assertTrue(Math.abs(count - 200) <= 80, counts::toString));
    }

    @Test
    void leastConnectionsSendsNewConnectionsToTheEndpointWithFewest() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = service("web", "leastconn", port("", 80, null));
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        awaitServed(ip, 80);
        List<TestBackend.Held> held = new ArrayList<>();
        Map<String, List<TestBackend.Held>> byBackend = new HashMap<>();
        for (int i = 0; i < 6; i++) {
            TestBackend.Held connection = new TestBackend.Held(ip, 80);
            held.add(connection);
            byBackend.computeIfAbsent(connection.ask(), b -> new ArrayList<>()).add(connection);
        }
        assertEquals(Set.of("b0", "b1", "b2"), byBackend.keySet());
        byBackend.values().forEach(connections -> assertEquals(2, connections.size(), byBackend::toString));

        for (TestBackend.Held connection : byBackend.get("b1")) {
            connection.close();
        }
        String b1 = three.get(1).ip + ":" + three.get(1).port;
        await().atMost(DEADLINE).until(() -> proxy.connections("default", "web").get(b1) == 0);

        // b1 has 0 open, the others 2: the next two both go to b1, the third to any
        assertEquals("b1", TestBackend.request(ip, 80));
        TestBackend.Held again = new TestBackend.Held(ip, 80);
        held.add(again);
        assertEquals("b1", again.ask());
        for (TestBackend.Held connection : held) {
            connection.close();
        }
    }

    @Test
    void clientIpAffinityKeepsEachClientOnOneEndpoint() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = withClientIpAffinity(service("web", null, port("", 80, null)), null);
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        awaitServed(ip, 80);

        assertEachClientKeepsOneBackend(10, from -> TestBackend.request(ip, 80, from), Set.of("b0", "b1", "b2"));
    }

    @Test
    void nodePortServesOnTheNodeAddress() throws Exception {
        List<TestBackend> two = tcpBackends(2);
        Service service = service("web", null, port("", 80, null));
        service.spec.type = ServiceSpec.NODE_PORT;
        service = registry.update(ResourceKind.SERVICES, service);
        endpoints("web", two, "");
        int nodePort = service.spec.ports.get(0).nodePort;
        assertTrue(nodePort >= 30000 && nodePort <= 32767, "node port " + nodePort);
        awaitServed("127.0.0.1", nodePort);

        assertEquals(Map.of("b0", 5, "b1", 5), requests("127.0.0.1", nodePort, 10));
        assertEquals(Map.of("b0", 5, "b1", 5), requests(service.spec.clusterIP, 80, 10));
    }

    @Test
    void namedTargetPortsOfSeveralPortsOfASelectorlessService() throws Exception {
        TestBackend web = track(TestBackend.tcp("web", "127.2.0.10"));
        TestBackend metrics = track(TestBackend.tcp("metrics", "127.2.0.10"));
        Service service = service("app", null, port("http", 80, IntOrString.of("web")),
                port("metrics", 9090, IntOrString.of("metrics-port")));
        assertEquals(null, service.spec.selector);
        // as the endpoints controller writes them: named after the service ports, each with the pod's port the name resolved to
        Endpoints endpoints = new Endpoints();
        endpoints.metadata.name = "app";
        endpoints.metadata.namespace = "default";
        EndpointSubset subset = new EndpointSubset();
        subset.addresses = List.of(new EndpointAddress("127.2.0.10"));
        subset.ports = List.of(new EndpointPort("http", web.port, "TCP"), new EndpointPort("metrics", metrics.port, "TCP"));
        endpoints.subsets = List.of(subset);
        registry.create(ResourceKind.ENDPOINTS, endpoints);
        String ip = service.spec.clusterIP;
        awaitServed(ip, 80);
        awaitServed(ip, 9090);

        assertEquals("web", TestBackend.request(ip, 80));
        assertEquals("metrics", TestBackend.request(ip, 9090));
    }

    @Test
    void onlyReadyAddressesGetConnectionsAndHeadlessServicesNone() throws Exception {
        List<TestBackend> two = tcpBackends(2);
        Service service = service("web", null, port("", 80, null));
        Endpoints endpoints = new Endpoints();
        endpoints.metadata.name = "web";
        endpoints.metadata.namespace = "default";
        endpoints.subsets = List.of(subset(List.of(two.get(0)), List.of(), ""), subset(List.of(), List.of(two.get(1)), ""));
        registry.create(ResourceKind.ENDPOINTS, endpoints);
        awaitServed(service.spec.clusterIP, 80);
        assertEquals(Map.of("b0", 20), requests(service.spec.clusterIP, 80, 20));

        Service headless = new Service();
        headless.metadata.name = "db";
        headless.metadata.namespace = "default";
        headless.spec.clusterIP = "None";
        headless.spec.ports = List.of(port("", 5432, null));
        registry.create(ResourceKind.SERVICES, headless);
        endpoints("db", two, "");
        Service marker = service("marker", null, port("", 81, null)); // synced after db: once it is served, db was seen
        endpoints("marker", two, "");
        awaitServed(marker.spec.clusterIP, 81);
        assertTrue(proxy.frontends().stream().noneMatch(frontend -> frontend.port() == 5432), proxy.frontends()::toString);
    }

    @Test
    void udpDatagramsReachAnEndpointAndTheReplyComesBackFromTheClusterIp() throws Exception {
        TestBackend dns = track(TestBackend.udp("dns", "127.2.0.20"));
        ServicePort port = port("dns", 53, null);
        port.protocol = "UDP";
        Service service = service("dns", null, port);
        Endpoints endpoints = new Endpoints();
        endpoints.metadata.name = "dns";
        endpoints.metadata.namespace = "default";
        EndpointSubset subset = new EndpointSubset();
        subset.addresses = List.of(new EndpointAddress(dns.ip));
        subset.ports = List.of(new EndpointPort("dns", dns.port, "UDP"));
        endpoints.subsets = List.of(subset);
        registry.create(ResourceKind.ENDPOINTS, endpoints);
        InetSocketAddress address = new InetSocketAddress(service.spec.clusterIP, 53);

        try (DatagramSocket client = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            client.setSoTimeout(200);
            byte[] query = "query".getBytes(StandardCharsets.UTF_8);
            DatagramPacket reply = new DatagramPacket(new byte[100], 100);
            await().atMost(DEADLINE).ignoreExceptions().until(() -> {
                client.send(new DatagramPacket(query, query.length, address));
                client.receive(reply);
                return true;
            });
            assertEquals("dns", new String(reply.getData(), 0, reply.getLength(), StandardCharsets.UTF_8));
            assertEquals(address, reply.getSocketAddress());
        }
    }

    @Test
    void afterAnEndpointStopsListeningUnderLoadNoRequestFails() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = service("web", null, port("", 80, null));
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        awaitServed(ip, 80);

        try (Load load = new Load(ip, 80, 4)) {
            await().atMost(DEADLINE).until(() -> load.ok.get() > 300);
            three.get(0).stopListening(); // Endpoints still list it: its refusals are retried on the others
            long stopped = System.nanoTime();
            step(load); // what it had accepted is answered meanwhile
            int servedWhenKilled = three.get(0).served.get();
            int okWhenKilled = load.ok.get();
            await().atMost(DEADLINE).until(() -> load.ok.get() > okWhenKilled + 600);
            load.close();
            // connections the kernel had queued for the closed listener are reset with it (no L4 proxy can
            // replay their bytes safely): at most one in flight per client; none sent after the stop fails
            assertTrue(load.failures.size() <= 4, load.failures::toString);
            assertEquals(List.of(), load.failedAt.stream().filter(sent -> sent - stopped > 0).toList(),
                    load.failures::toString);
            assertEquals(servedWhenKilled, three.get(0).served.get());
        }
    }

    @Test
    void aRollingReplacementOfEveryEndpointFailsNoRequestAndCutsNoConnection() throws Exception {
        List<TestBackend> old = tcpBackends(2);
        Service service = service("web", null, port("", 80, null));
        endpoints("web", old, "");
        String ip = service.spec.clusterIP;
        awaitServed(ip, 80);
        TestBackend.Held established = new TestBackend.Held(ip, 80);
        String first = established.ask();

        try (Load load = new Load(ip, 80, 4)) {
            List<TestBackend> fresh = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                TestBackend next = track(TestBackend.tcp("new" + i, "127.2.1." + (i + 1)));
                fresh.add(next);
                // surge: the new one ready beside the old; then the old one not ready (terminating); then gone
                List<TestBackend> ready = new ArrayList<>(old.subList(i, old.size()));
                ready.addAll(fresh);
                endpoints("web", ready, "");
                awaitAnswered(load, next.name);
                List<TestBackend> stillReady = new ArrayList<>(old.subList(i + 1, old.size()));
                stillReady.addAll(fresh);
                List<EndpointSubset> subsets = new ArrayList<>();
                stillReady.forEach(backend -> subsets.add(subset(List.of(backend), List.of(), "")));
                subsets.add(subset(List.of(), List.of(old.get(i)), ""));
                writeEndpoints("web", subsets);
                int okBefore = load.ok.get();
                await().atMost(DEADLINE).until(() -> load.ok.get() > okBefore + 200);
                endpoints("web", stillReady, "");
            }
            int oldServed = old.get(0).served.get() + old.get(1).served.get();
            int okAfter = load.ok.get();
            await().atMost(DEADLINE).until(() -> load.ok.get() > okAfter + 300);
            load.close();
            assertEquals(List.of(), load.failures);
            // the established connection was drained, not cut: it still reaches its old endpoint
            assertEquals(first, established.ask());
            assertEquals(oldServed + 1, old.get(0).served.get() + old.get(1).served.get(),
                    "only the established connection reaches the old endpoints");
        }
        established.close();
    }

    @Test
    void switchingRemovingAndUpdatingPluginsUnderLoadFailsNothingAndCutsNothing() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = service("web", null, port("", 80, null));
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        awaitServed(ip, 80);
        TestBackend.Held established = new TestBackend.Held(ip, 80);
        String first = established.ask();

        try (Load load = new Load(ip, 80, 4)) {
            step(load);
            proxy.modified(config("random")); // gantry:use loadbalancer random
            step(load);
            service = registry.get(ResourceKind.SERVICES, "default", "web");
            service.metadata.annotations().put(ProxyRules.LOAD_BALANCER_ANNOTATION, "leastconn");
            registry.update(ResourceKind.SERVICES, service);
            step(load);
            // the plugin in use removed (feature:uninstall): the default takes over
            LeastConnectionsLoadBalancer leastconn = new LeastConnectionsLoadBalancer();
            proxy.removeLoadBalancer(null, Map.of(Plugins.NAME, "leastconn")); // not the registered instance: no effect
            proxy.addLoadBalancer(leastconn, Map.of(Plugins.NAME, "leastconn")); // bundle:update: a new instance
            step(load);
            proxy.removeLoadBalancer(leastconn, Map.of(Plugins.NAME, "leastconn"));
            step(load);
            assertEquals(Map.of("default/web", "leastconn"), proxy.fallbacks()); // what gantry:plugins shows
            assertEquals("random", proxy.defaultInUse());
            proxy.modified(config("roundrobin"));
            proxy.removeLoadBalancer(roundRobinPlugin, roundRobin); // the default itself goes: in turn, built in
            step(load);
            assertEquals("", proxy.defaultInUse());
            proxy.addLoadBalancer(new RoundRobinLoadBalancer(), roundRobin);
            step(load);
            load.close();
            assertEquals(List.of(), load.failures);
            assertEquals(3, load.byBackend.size(), load.byBackend::toString);
        }
        assertEquals(first, established.ask(), "the established connection kept its endpoint through every swap");
        established.close();
    }

    @Test
    void twoNodesOnOneMachineServeTheSameClusterIp() throws Exception {
        List<TestBackend> two = tcpBackends(2);
        Service service = service("web", null, port("", 80, null));
        endpoints("web", two, "");
        String ip = service.spec.clusterIP;
        awaitServed(ip, 80);
        try (Informers otherInformers = new Informers(registry)) {
            ServiceProxy other = new ServiceProxy(otherInformers, config("roundrobin")); // node-2's proxy, same machine
            other.addLoadBalancer(new RoundRobinLoadBalancer(), roundRobin);
            try {
                Frontend frontend = new Frontend(ip, 80, "TCP");
                await().atMost(DEADLINE).until(() -> other.frontends().contains(frontend)); // SO_REUSEPORT: no conflict
                assertTrue(proxy.frontends().contains(frontend));

                proxy.deactivate(); // node-1 stops: node-2 serves alone

                awaitServed(ip, 80);
                assertEquals(2, requests(ip, 80, 20).size());
            } finally {
                other.deactivate();
            }
        }
    }

    @Test
    void anEndpointThatLeavesConnectsUnansweredIsPassedOver() throws Exception {
        TestBackend good = track(TestBackend.tcp("good", "127.2.0.31"));
        // an endpoint whose accept queue is full: the kernel drops further SYNs, the connect gets no answer
        try (ServerSocket stuck = new ServerSocket()) {
            stuck.bind(new InetSocketAddress("127.2.0.30", 0), 1);
            List<Socket> filling = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                Socket socket = new Socket();
                try {
                    socket.connect(stuck.getLocalSocketAddress(), 300);
                } catch (IOException full) {
                    // the queue is full
                }
                filling.add(socket);
            }
            Service service = service("web", null, port("", 80, null));
            EndpointSubset stuckSubset = new EndpointSubset();
            stuckSubset.addresses = List.of(new EndpointAddress("127.2.0.30"));
            stuckSubset.ports = List.of(new EndpointPort(null, stuck.getLocalPort(), "TCP"));
            writeEndpoints("web", List.of(stuckSubset, subset(List.of(good), List.of(), "")));
            String ip = service.spec.clusterIP;
            awaitServed(ip, 80);

            // in turn: every other connection meets the stuck endpoint first, and waits out the connect timeout
            assertEquals(Map.of("good", 4), requests(ip, 80, 4));
            for (Socket socket : filling) {
                socket.close();
            }
        }
    }
}
