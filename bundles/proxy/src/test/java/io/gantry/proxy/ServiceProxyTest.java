package io.gantry.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import io.gantry.api.lb.LoadBalancer;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.api.store.InMemoryStorageBackend;
import io.gantry.apiserver.Registry;
import io.gantry.lb.leastconn.LeastConnectionsLoadBalancer;
import io.gantry.lb.random.RandomLoadBalancer;
import io.gantry.lb.roundrobin.RoundRobinLoadBalancer;
import java.io.IOException;
import java.lang.annotation.Annotation;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy on the in-process API server, fed by the shared informers, with the three real
 * plugins, in front of plain Java backends on their own loopback addresses: services and their
 * Endpoints are written by hand through the API, as an endpoints controller would write them.
 */
class ServiceProxyTest {

    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final Registry registry = new Registry("memory");
    private final Informers informers;
    private final ServiceProxy proxy;
    private final List<TestBackend> backends = new ArrayList<>();
    private final Map<String, Object> roundRobin = Map.of(Plugins.NAME, "roundrobin");
    private final LoadBalancer roundRobinPlugin = new RoundRobinLoadBalancer();

    ServiceProxyTest() {
        registry.addBackend("memory", new InMemoryStorageBackend());
        registry.ensureSystemNamespaces();
        informers = new Informers(registry);
        proxy = new ServiceProxy(informers, config("roundrobin"));
        proxy.addLoadBalancer(roundRobinPlugin, roundRobin);
        proxy.addLoadBalancer(new RandomLoadBalancer(), Map.of(Plugins.NAME, "random"));
        proxy.addLoadBalancer(new LeastConnectionsLoadBalancer(), Map.of(Plugins.NAME, "leastconn"));
    }

    @AfterEach
    void stop() throws IOException {
        proxy.deactivate();
        informers.close();
        registry.watches().close();
        for (TestBackend backend : backends) {
            backend.close();
        }
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
        Service service = service("web", null, port("", 80, null));
        service.spec.sessionAffinity = "ClientIP";
        service = registry.update(ResourceKind.SERVICES, service);
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        awaitServed(ip, 80);

        Map<String, Set<String>> seen = new HashMap<>();
        for (int round = 0; round < 10; round++) {
            for (int client = 1; client <= 6; client++) {
                String from = "127.5.0." + client;
                seen.computeIfAbsent(from, c -> new HashSet<>()).add(TestBackend.request(ip, 80, from));
            }
        }

        seen.values().forEach(backendsOfClient -> assertEquals(1, backendsOfClient.size(), seen::toString));
        Set<String> used = new HashSet<>();
        seen.values().forEach(used::addAll);
        assertEquals(3, used.size(), "six clients in turn over three endpoints use all three: " + seen);
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
    void anEndpointThatStopsListeningUnderLoadFailsNoRequest() throws Exception {
        List<TestBackend> three = tcpBackends(3);
        Service service = service("web", null, port("", 80, null));
        endpoints("web", three, "");
        String ip = service.spec.clusterIP;
        awaitServed(ip, 80);

        try (Load load = new Load(ip, 80, 4)) {
            await().atMost(DEADLINE).until(() -> load.ok.get() > 300);
            three.get(0).stopListening(); // Endpoints still list it: its refusals are retried on the others
            int servedWhenKilled = three.get(0).served.get();
            int okWhenKilled = load.ok.get();
            await().atMost(DEADLINE).until(() -> load.ok.get() > okWhenKilled + 600);
            load.close();
            assertEquals(List.of(), load.failures);
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
            proxy.modified(config("roundrobin"));
            proxy.removeLoadBalancer(roundRobinPlugin, roundRobin); // the default itself goes: in turn, built in
            step(load);
            proxy.addLoadBalancer(new RoundRobinLoadBalancer(), roundRobin);
            step(load);
            load.close();
            assertEquals(List.of(), load.failures);
            assertEquals(3, load.byBackend.size(), load.byBackend::toString);
        }
        assertEquals(first, established.ask(), "the established connection kept its endpoint through every swap");
        established.close();
    }

    /** Lets the load run a few hundred more requests. */
    private static void step(Load load) {
        int before = load.ok.get();
        await().atMost(DEADLINE).until(() -> load.ok.get() >= before + 200);
    }

    private static void awaitAnswered(Load load, String backend) {
        await().atMost(DEADLINE).until(() -> load.count(backend) > 0);
    }

    private Map<String, Integer> requests(String ip, int port, int count) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < count; i++) {
            counts.merge(TestBackend.request(ip, port), 1, Integer::sum);
        }
        return counts;
    }

    private static void awaitServed(String ip, int port) {
        await().atMost(DEADLINE).ignoreExceptions().until(() -> TestBackend.request(ip, port) != null);
    }

    private List<TestBackend> tcpBackends(int count) throws IOException {
        List<TestBackend> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(track(TestBackend.tcp("b" + i, "127.2.0." + (i + 1))));
        }
        return list;
    }

    private TestBackend track(TestBackend backend) {
        backends.add(backend);
        return backend;
    }

    private Service service(String name, String loadBalancer, ServicePort... ports) {
        Service service = new Service();
        service.metadata.name = name;
        service.metadata.namespace = "default";
        if (loadBalancer != null) {
            service.metadata.annotations().put(ProxyRules.LOAD_BALANCER_ANNOTATION, loadBalancer);
        }
        service.spec.ports = List.of(ports);
        return registry.create(ResourceKind.SERVICES, service);
    }

    private static ServicePort port(String name, int port, IntOrString targetPort) {
        ServicePort servicePort = new ServicePort(name.isEmpty() ? null : name, port, targetPort);
        servicePort.protocol = "TCP";
        return servicePort;
    }

    /** Writes the Endpoints of a service: each backend ready, under the port name given. */
    private void endpoints(String name, List<TestBackend> ready, String portName) {
        List<EndpointSubset> subsets = new ArrayList<>();
        for (TestBackend backend : ready) {
            subsets.add(subset(List.of(backend), List.of(), portName));
        }
        writeEndpoints(name, subsets);
    }

    private void writeEndpoints(String name, List<EndpointSubset> subsets) {
        Endpoints endpoints = registry.find(ResourceKind.ENDPOINTS, "default", name).orElseGet(() -> {
            Endpoints created = new Endpoints();
            created.metadata.name = name;
            created.metadata.namespace = "default";
            return created;
        });
        endpoints.subsets = subsets;
        if (endpoints.metadata.resourceVersion == null) {
            registry.create(ResourceKind.ENDPOINTS, endpoints);
        } else {
            registry.update(ResourceKind.ENDPOINTS, endpoints);
        }
    }

    /** A subset per port (backends on different ports cannot share one). */
    private static EndpointSubset subset(List<TestBackend> ready, List<TestBackend> notReady, String portName) {
        EndpointSubset subset = new EndpointSubset();
        TestBackend any = ready.isEmpty() ? notReady.get(0) : ready.get(0);
        subset.addresses = ready.stream().map(b -> new EndpointAddress(b.ip)).toList();
        subset.notReadyAddresses = notReady.stream().map(b -> new EndpointAddress(b.ip)).toList();
        subset.ports = List.of(new EndpointPort(portName.isEmpty() ? null : portName, any.port, "TCP"));
        return subset;
    }

    private static ServiceProxy.Config config(String defaultLoadBalancer) {
        return new ServiceProxy.Config() {
            @Override
            public String defaultLoadBalancer() {
                return defaultLoadBalancer;
            }

            @Override
            public String nodePortAddress() {
                return "127.0.0.1";
            }

            @Override
            public int ioThreads() {
                return 2;
            }

            @Override
            public int udpIdleSeconds() {
                return 30;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return ServiceProxy.Config.class;
            }
        };
    }
}
