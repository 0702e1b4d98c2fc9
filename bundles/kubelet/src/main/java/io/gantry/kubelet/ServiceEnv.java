package io.gantry.kubelet;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The service environment variables Kubernetes gives every container: for each service of the
 * pod's namespace that has a cluster IP ({@code spec.enableServiceLinks}, true by default), and
 * always for the {@code kubernetes} service of namespace {@code default},
 * {@code {NAME}_SERVICE_HOST}, {@code {NAME}_SERVICE_PORT} (the first port),
 * {@code {NAME}_SERVICE_PORT_{PORT NAME}} per named port, and Docker links' variables
 * ({@code {NAME}_PORT=tcp://ip:port}, {@code {NAME}_PORT_{port}_{PROTO}} with {@code _PROTO},
 * {@code _PORT}, {@code _ADDR}). Names are upper case with {@code -} as {@code _}.
 */
final class ServiceEnv {

    /** The services whose variables every pod gets, whatever its namespace and enableServiceLinks. */
    private static final String MASTER_NAMESPACE = "default";
    private static final String MASTER_SERVICE = "kubernetes";

    private ServiceEnv() {
    }

    /**
     * The variables, by service name order as the kubelet's service lister gives them.
     *
     * @param ofNamespace the services of the pod's namespace
     * @param ofDefault   the services of namespace {@code default} (for {@code kubernetes})
     */
    static Map<String, String> of(Pod pod, List<Service> ofNamespace, List<Service> ofDefault) {
        Map<String, Service> byName = new TreeMap<>();
        for (Service service : ofDefault) {
            if (MASTER_SERVICE.equals(service.metadata.name) && hasClusterIP(service)) {
                byName.put(service.metadata.name, service);
            }
        }
        boolean links = pod.spec.enableServiceLinks == null || pod.spec.enableServiceLinks;
        if (links) {
            for (Service service : ofNamespace) {
                if (hasClusterIP(service)) {
                    byName.put(service.metadata.name, service); // the pod's own namespace wins over default's
                }
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        byName.values().forEach(service -> add(env, service));
        return env;
    }

    private static boolean hasClusterIP(Service service) {
        String ip = service.spec == null ? null : service.spec.clusterIP;
        return ip != null && !ip.isEmpty() && !ip.equals("None") && service.spec.ports != null
                && !service.spec.ports.isEmpty();
    }

    private static void add(Map<String, String> env, Service service) {
        String prefix = variableName(service.metadata.name);
        String ip = service.spec.clusterIP;
        List<ServicePort> ports = service.spec.ports;
        env.put(prefix + "_SERVICE_HOST", ip);
        env.put(prefix + "_SERVICE_PORT", String.valueOf(ports.get(0).port));
        for (ServicePort port : ports) {
            if (port.name != null && !port.name.isEmpty()) {
                env.put(prefix + "_SERVICE_PORT_" + variableName(port.name), String.valueOf(port.port));
            }
        }
        for (int i = 0; i < ports.size(); i++) {
            ServicePort port = ports.get(i);
            String protocol = port.protocol == null || port.protocol.isEmpty() ? "TCP" : port.protocol;
            String url = protocol.toLowerCase(Locale.ROOT) + "://" + ip + ":" + port.port;
            if (i == 0) {
                env.put(prefix + "_PORT", url); // Docker special-cases the first port
            }
            String portPrefix = prefix + "_PORT_" + port.port + "_" + protocol.toUpperCase(Locale.ROOT);
            env.put(portPrefix, url);
            env.put(portPrefix + "_PROTO", protocol.toLowerCase(Locale.ROOT));
            env.put(portPrefix + "_PORT", String.valueOf(port.port));
            env.put(portPrefix + "_ADDR", ip);
        }
    }

    private static String variableName(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }
}
