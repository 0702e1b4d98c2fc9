package io.gantry.controllers.endpoints;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.discovery.v1.Endpoint;
import io.gantry.api.discovery.v1.EndpointPort;
import io.gantry.api.json.Json;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The endpoints of a service's EndpointSlices, computed from the service and the pods it
 * selects, as Kubernetes' endpoint slice reconciler computes them: one endpoint per pod with an IP,
 * ready, serving and terminating pods alike, with conditions saying which, grouped by the ports
 * resolved on them (a named target port may resolve differently per pod). {@link SlicePlan} puts
 * each group into slices of at most {@value #MAX_ENDPOINTS}.
 */
final class EndpointSlices {

    /** Kubernetes' default {@code --max-endpoints-per-slice}. */
    static final int MAX_ENDPOINTS = 100;

    /** Endpoints that serve the same ports: one group, or one slice's content. */
    record Content(List<EndpointPort> ports, List<Endpoint> endpoints) {

        /** True if a stored slice holds exactly this (an absent list being an empty one). */
        boolean matches(List<EndpointPort> storedPorts, List<Endpoint> storedEndpoints) {
            return Json.tree(orEmpty(ports)).equals(Json.tree(orEmpty(storedPorts)))
                    && Json.tree(endpoints).equals(Json.tree(orEmpty(storedEndpoints)));
        }
    }

    private EndpointSlices() {
    }

    /** The service's endpoints by the ports they serve, each group in address order; empty when no pod qualifies. */
    static List<Content> of(Service service, List<Pod> pods) {
        boolean publishNotReady = Boolean.TRUE.equals(service.spec.publishNotReadyAddresses);
        List<ServicePort> servicePorts = service.spec.ports == null ? List.of() : service.spec.ports;
        Map<String, List<EndpointPort>> portSets = new LinkedHashMap<>();
        Map<String, List<Endpoint>> byPorts = new LinkedHashMap<>();
        for (Pod pod : pods) {
            if (!ServicePods.belongsInEndpoints(pod, true)) {
                continue;
            }
            List<EndpointPort> ports = ports(pod, servicePorts);
            if (!servicePorts.isEmpty() && ports.isEmpty()) {
                continue; // the pod serves none of the service's ports
            }
            String portsKey = Json.write(ports);
            portSets.putIfAbsent(portsKey, ports);
            byPorts.computeIfAbsent(portsKey, k -> new ArrayList<>()).add(endpoint(pod, service, publishNotReady));
        }
        List<Content> groups = new ArrayList<>();
        portSets.keySet().stream().sorted().forEach(portsKey -> {
            List<Endpoint> endpoints = byPorts.get(portsKey);
            endpoints.sort(ORDER);
            groups.add(new Content(portSets.get(portsKey), List.copyOf(endpoints)));
        });
        return groups;
    }

    /** Endpoints in address order (then pod uid), so equal content compares equal. */
    static final Comparator<Endpoint> ORDER = Comparator.comparing((Endpoint e) -> e.addresses.get(0))
            .thenComparing(e -> e.targetRef == null ? "" : Objects.toString(e.targetRef.uid, ""));

    /** One endpoint's identity across changes: its pod (or address). */
    static String identity(Endpoint endpoint) {
        String uid = endpoint.targetRef == null ? null : endpoint.targetRef.uid;
        return uid != null ? uid : endpoint.addresses == null || endpoint.addresses.isEmpty() ? "" : endpoint.addresses.get(0);
    }

    private static List<EndpointPort> ports(Pod pod, List<ServicePort> servicePorts) {
        List<EndpointPort> ports = new ArrayList<>();
        for (ServicePort servicePort : servicePorts) {
            OptionalInt number = ServicePods.findPort(pod, servicePort);
            if (number.isPresent()) {
                EndpointPort port = new EndpointPort(servicePort.name == null ? "" : servicePort.name,
                        number.getAsInt(), ServicePods.protocol(servicePort.protocol));
                port.appProtocol = servicePort.appProtocol;
                ports.add(port);
            }
        }
        ports.sort(Comparator.comparing((EndpointPort p) -> p.name).thenComparing(p -> p.port));
        return ports;
    }

    private static Endpoint endpoint(Pod pod, Service service, boolean publishNotReady) {
        Endpoint endpoint = new Endpoint();
        endpoint.addresses = List.of(ServicePods.ip(pod));
        boolean terminating = ServicePods.terminating(pod);
        boolean serving = ServicePods.ready(pod);
        endpoint.conditions = new Endpoint.EndpointConditions();
        // ready is never true for a terminating pod, unless the service publishes not-ready addresses
        endpoint.conditions.ready = publishNotReady || (serving && !terminating);
        endpoint.conditions.serving = serving;
        endpoint.conditions.terminating = terminating;
        endpoint.hostname = ServicePods.hostname(pod, service);
        endpoint.targetRef = ServicePods.targetRef(pod);
        endpoint.nodeName = pod.spec.nodeName == null || pod.spec.nodeName.isEmpty() ? null : pod.spec.nodeName;
        return endpoint;
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }
}
