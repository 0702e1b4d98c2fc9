package io.gantry.kubelet;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.EnvVar;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The service variables of a container, with Kubernetes' names and values. */
class ServiceEnvTest {

    private final Service kubernetes = service("default", "kubernetes", "127.96.0.1", port("https", 443, null));
    private final Service redis = service("team", "redis-primary", "127.96.4.7", port(null, 6379, null));
    private final Service web = service("team", "web", "127.96.4.8", port("http", 80, null), port("dns", 53, "UDP"));
    private final Service headless = service("team", "db", "None", port(null, 5432, null));

    @Test
    void everyServiceOfTheNamespaceWithAClusterIpAndTheKubernetesService() {
        Pod pod = pod("team");

        Map<String, String> env = ServiceEnv.of(pod, List.of(web, headless, redis), List.of(kubernetes));

        Map<String, String> expected = new LinkedHashMap<>();
        expected.put("KUBERNETES_SERVICE_HOST", "127.96.0.1");
        expected.put("KUBERNETES_SERVICE_PORT", "443");
        expected.put("KUBERNETES_SERVICE_PORT_HTTPS", "443");
        expected.put("KUBERNETES_PORT", "tcp://127.96.0.1:443");
        expected.put("KUBERNETES_PORT_443_TCP", "tcp://127.96.0.1:443");
        expected.put("KUBERNETES_PORT_443_TCP_PROTO", "tcp");
        expected.put("KUBERNETES_PORT_443_TCP_PORT", "443");
        expected.put("KUBERNETES_PORT_443_TCP_ADDR", "127.96.0.1");
        expected.put("REDIS_PRIMARY_SERVICE_HOST", "127.96.4.7");
        expected.put("REDIS_PRIMARY_SERVICE_PORT", "6379");
        expected.put("REDIS_PRIMARY_PORT", "tcp://127.96.4.7:6379");
        expected.put("REDIS_PRIMARY_PORT_6379_TCP", "tcp://127.96.4.7:6379");
        expected.put("REDIS_PRIMARY_PORT_6379_TCP_PROTO", "tcp");
        expected.put("REDIS_PRIMARY_PORT_6379_TCP_PORT", "6379");
        expected.put("REDIS_PRIMARY_PORT_6379_TCP_ADDR", "127.96.4.7");
        expected.put("WEB_SERVICE_HOST", "127.96.4.8");
        expected.put("WEB_SERVICE_PORT", "80");
        expected.put("WEB_SERVICE_PORT_HTTP", "80");
        expected.put("WEB_SERVICE_PORT_DNS", "53");
        expected.put("WEB_PORT", "tcp://127.96.4.8:80");
        expected.put("WEB_PORT_80_TCP", "tcp://127.96.4.8:80");
        expected.put("WEB_PORT_80_TCP_PROTO", "tcp");
        expected.put("WEB_PORT_80_TCP_PORT", "80");
        expected.put("WEB_PORT_80_TCP_ADDR", "127.96.4.8");
        expected.put("WEB_PORT_53_UDP", "udp://127.96.4.8:53");
        expected.put("WEB_PORT_53_UDP_PROTO", "udp");
        expected.put("WEB_PORT_53_UDP_PORT", "53");
        expected.put("WEB_PORT_53_UDP_ADDR", "127.96.4.8");
        assertEquals(expected, env);
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(env.keySet()), "in the order of the service names");
    }

    @Test
    void withoutServiceLinksOnlyTheKubernetesService() {
        Pod pod = pod("team");
        pod.spec.enableServiceLinks = false;

        Map<String, String> env = ServiceEnv.of(pod, List.of(web, redis), List.of(kubernetes));

        assertEquals("127.96.0.1", env.get("KUBERNETES_SERVICE_HOST"));
        assertEquals(8, env.size(), env::toString);
    }

    @Test
    void aServiceNamedKubernetesInThePodsNamespaceWins() {
        Service own = service("team", "kubernetes", "127.96.9.9", port(null, 8080, null));

        Map<String, String> env = ServiceEnv.of(pod("team"), List.of(own), List.of(kubernetes));

        assertEquals("127.96.9.9", env.get("KUBERNETES_SERVICE_HOST"));
        assertEquals("8080", env.get("KUBERNETES_SERVICE_PORT"));
    }

    @Test
    void theContainersOwnVariablesWinAndMayReferToServiceVariables() {
        ConfigSource config = new ConfigSource() {
            @Override
            public Map<String, byte[]> secret(String namespace, String name) {
                return null;
            }

            @Override
            public Map<String, byte[]> configMap(String namespace, String name) {
                return null;
            }

            @Override
            public List<Service> services(String namespace) {
                return namespace.equals("default") ? List.of(kubernetes) : List.of(web);
            }
        };
        Container container = Fixtures.container("c");
        container.env = List.of(new EnvVar("WEB_SERVICE_PORT", "8080"),
                new EnvVar("WEB_URL", "http://$(WEB_SERVICE_HOST):$(WEB_SERVICE_PORT_HTTP)/"));

        Map<String, String> env = new ContainerEnv(pod("team"), config, "127.1.0.2", "127.0.0.1", Map.of()).of(container);

        assertEquals("8080", env.get("WEB_SERVICE_PORT"));
        assertEquals("http://127.96.4.8:80/", env.get("WEB_URL"));
        assertEquals("127.96.4.8", env.get("WEB_SERVICE_HOST"));
        assertEquals("127.96.0.1", env.get("KUBERNETES_SERVICE_HOST"));
        assertEquals(List.of("WEB_SERVICE_PORT", "WEB_URL"), List.copyOf(env.keySet()).subList(0, 2),
                "the container's own first, the services' after");
    }

    private static Pod pod(String namespace) {
        Pod pod = Fixtures.pod("Always", "c");
        pod.metadata.namespace = namespace;
        return pod;
    }

    private static Service service(String namespace, String name, String clusterIP, ServicePort... ports) {
        Service service = new Service();
        service.metadata.namespace = namespace;
        service.metadata.name = name;
        service.spec.clusterIP = clusterIP;
        service.spec.ports = List.of(ports);
        return service;
    }

    private static ServicePort port(String name, int number, String protocol) {
        ServicePort port = new ServicePort();
        port.name = name;
        port.port = number;
        port.protocol = protocol;
        return port;
    }
}
