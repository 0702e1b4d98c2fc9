package io.gantry.proxy;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.Configs;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;

/**
 * The proxy on the in-process API server, fed by the shared informers, with the three real
 * plugins, in front of plain Java backends on their own loopback addresses: services and their
 * Endpoints are written by hand through the API, as an endpoints controller would write them.
 */
abstract class ProxyTestBase {

    static final Duration DEADLINE = Duration.ofSeconds(20);

    final Registry registry = new Registry("memory");
    final Informers informers;
    final ServiceProxy proxy;
    final List<TestBackend> backends = new ArrayList<>();
    final Map<String, Object> roundRobin = Map.of(Plugins.NAME, "roundrobin");
    final LoadBalancer roundRobinPlugin = new RoundRobinLoadBalancer();
    private final String datapath;

    ProxyTestBase(String datapath) {
        this.datapath = datapath;
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

    /** Lets the load run a few hundred more requests. */
    static void step(Load load) {
        int before = load.ok.get();
        await().atMost(DEADLINE).until(() -> load.ok.get() >= before + 200);
    }

    static void awaitAnswered(Load load, String backend) {
        await().atMost(DEADLINE).until(() -> load.count(backend) > 0);
    }

    Map<String, Integer> requests(String ip, int port, int count) throws IOException {
        Map<String, Integer> counts = new HashMap<>();
        for (int i = 0; i < count; i++) {
            counts.merge(TestBackend.request(ip, port), 1, Integer::sum);
        }
        return counts;
    }

    static void awaitServed(String ip, int port) {
        await().atMost(DEADLINE).ignoreExceptions().until(() -> TestBackend.request(ip, port) != null);
    }

    List<TestBackend> tcpBackends(int count) throws IOException {
        List<TestBackend> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(track(TestBackend.tcp("b" + i, "127.2.0." + (i + 1))));
        }
        return list;
    }

    TestBackend track(TestBackend backend) {
        backends.add(backend);
        return backend;
    }

    Service service(String name, String loadBalancer, ServicePort... ports) {
        Service service = new Service();
        service.metadata.name = name;
        service.metadata.namespace = "default";
        if (loadBalancer != null) {
            service.metadata.annotations().put(ProxyRules.LOAD_BALANCER_ANNOTATION, loadBalancer);
        }
        service.spec.ports = List.of(ports);
        return registry.create(ResourceKind.SERVICES, service);
    }

    /** Gives a service ClientIP affinity, with this timeout (null: Kubernetes' default). */
    Service withClientIpAffinity(Service service, Integer timeoutSeconds) {
        service.spec.sessionAffinity = "ClientIP";
        if (timeoutSeconds != null) {
            service.spec.sessionAffinityConfig = new ServiceSpec.SessionAffinityConfig();
            service.spec.sessionAffinityConfig.clientIP = new ServiceSpec.ClientIPConfig();
            service.spec.sessionAffinityConfig.clientIP.timeoutSeconds = timeoutSeconds;
        }
        return registry.update(ResourceKind.SERVICES, service);
    }

    /** A request on a new connection from a client address: who answered. */
    interface ClientRequest {
        String from(String client) throws IOException;
    }

    /**
     * Six clients (127.5.0.1-6), one after the other for some rounds: each
     * must be answered by one backend always, and together they must reach {@code backends}.
     */
    static void assertEachClientKeepsOneBackend(int rounds, ClientRequest request, Set<String> backends)
            throws IOException {
        Map<String, Set<String>> seen = new HashMap<>();
        for (int round = 0; round < rounds; round++) {
            for (int client = 1; client <= 6; client++) {
                String from = "127.5.0." + client;
                seen.computeIfAbsent(from, c -> new HashSet<>()).add(request.from(from));
            }
        }
        seen.values().forEach(ofClient -> assertEquals(1, ofClient.size(), seen::toString));
        Set<String> used = new HashSet<>();
        seen.values().forEach(used::addAll);
        assertEquals(backends, used, "six clients in turn over " + backends.size() + " backends: " + seen);
    }

    static ServicePort port(String name, int port, IntOrString targetPort) {
        ServicePort servicePort = new ServicePort(name.isEmpty() ? null : name, port, targetPort);
        servicePort.protocol = "TCP";
        return servicePort;
    }

    /** Writes the Endpoints of a service: each backend ready, under the port name given. */
    void endpoints(String name, List<TestBackend> ready, String portName) {
        List<EndpointSubset> subsets = new ArrayList<>();
        for (TestBackend backend : ready) {
            subsets.add(subset(List.of(backend), List.of(), portName));
        }
        writeEndpoints(name, subsets);
    }

    void writeEndpoints(String name, List<EndpointSubset> subsets) {
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
    static EndpointSubset subset(List<TestBackend> ready, List<TestBackend> notReady, String portName) {
        EndpointSubset subset = new EndpointSubset();
        TestBackend any = ready.isEmpty() ? notReady.get(0) : ready.get(0);
        subset.addresses = ready.stream().map(b -> new EndpointAddress(b.ip)).toList();
        subset.notReadyAddresses = notReady.stream().map(b -> new EndpointAddress(b.ip)).toList();
        subset.ports = List.of(new EndpointPort(portName.isEmpty() ? null : portName, any.port, "TCP"));
        return subset;
    }

    ServiceProxy.Config config(String defaultLoadBalancer) {
        return Configs.of(ServiceProxy.Config.class,
                Map.of("defaultLoadBalancer", defaultLoadBalancer, "ioThreads", 2, "datapath", datapath));
    }
}
