package io.gantry.controllers.endpoints;

import io.gantry.api.core.v1.EndpointAddress;
import io.gantry.api.core.v1.EndpointPort;
import io.gantry.api.core.v1.EndpointSubset;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.TreeMap;

/**
 * The subsets of a service's Endpoints, computed from the service and the pods it selects, as
 * Kubernetes' endpoints controller computes them: one address per pod with an IP (ready ones in
 * {@code addresses}, the others in {@code notReadyAddresses}, all in {@code addresses} when the
 * service publishes not-ready addresses), for each service port the port resolved on that pod (a
 * pod without a named target port is left out of that port), then repacked into the canonical
 * form: addresses that serve the same ports, with the same readiness, share a subset. The order is
 * deterministic, so equal endpoints compare equal.
 */
final class EndpointSubsets {

    /** Stands for "no port" of a headless service without ports while repacking. */
    private static final EndpointPort NO_PORT = new EndpointPort(null, -1, null);

    private EndpointSubsets() {
    }

    /** The repacked subsets of the service's Endpoints; empty when no pod qualifies. */
    static List<EndpointSubset> of(Service service, List<Pod> pods) {
        boolean publishNotReady = Boolean.TRUE.equals(service.spec.publishNotReadyAddresses);
        List<ServicePort> servicePorts = service.spec.ports == null ? List.of() : service.spec.ports;
        Repacker repacker = new Repacker();
        for (Pod pod : pods) {
            if (!ServicePods.belongsInEndpoints(pod, publishNotReady)) {
                continue;
            }
            EndpointAddress address = address(pod, service);
            boolean ready = publishNotReady || ServicePods.ready(pod);
            if (servicePorts.isEmpty()) {
                // a headless service may have no ports: its endpoints are addresses alone
                if (!ServicePods.hasClusterIP(service)) {
                    repacker.add(address, NO_PORT, ready);
                }
                continue;
            }
            for (ServicePort servicePort : servicePorts) {
                OptionalInt number = ServicePods.findPort(pod, servicePort);
                if (number.isPresent()) {
                    repacker.add(address, port(servicePort, number.getAsInt()), ready);
                }
            }
        }
        return repacker.subsets();
    }

    /** The total of ready and not-ready addresses. */
    static int count(List<EndpointSubset> subsets) {
        int count = 0;
        for (EndpointSubset subset : subsets == null ? List.<EndpointSubset>of() : subsets) {
            count += size(subset.addresses) + size(subset.notReadyAddresses);
        }
        return count;
    }

    private static int size(List<?> list) {
        return list == null ? 0 : list.size();
    }

    private static EndpointAddress address(Pod pod, Service service) {
        EndpointAddress address = new EndpointAddress(ServicePods.ip(pod));
        address.hostname = ServicePods.hostname(pod, service);
        address.nodeName = pod.spec.nodeName;
        address.targetRef = ServicePods.targetRef(pod);
        return address;
    }

    private static EndpointPort port(ServicePort servicePort, int number) {
        EndpointPort port = new EndpointPort(servicePort.name, number, ServicePods.protocol(servicePort.protocol));
        port.appProtocol = servicePort.appProtocol;
        return port;
    }

    /** An address's identity while repacking: IP and pod uid (RepackSubsets' addressKey). */
    private record AddressKey(String ip, String uid) implements Comparable<AddressKey> {
        static final Comparator<AddressKey> ORDER = Comparator.comparing(AddressKey::ip)
                .thenComparing(AddressKey::uid, Comparator.nullsFirst(Comparator.naturalOrder()));

        static AddressKey of(EndpointAddress address) {
            return new AddressKey(address.ip, address.targetRef == null ? null : address.targetRef.uid);
        }

        @Override
        public int compareTo(AddressKey other) {
            return ORDER.compare(this, other);
        }
    }

    /** A port's identity while repacking: every field of EndpointPort. */
    private record PortKey(String name, int port, String protocol, String appProtocol) {
        static final Comparator<PortKey> ORDER = Comparator.comparing((PortKey p) -> Objects.toString(p.name, ""))
                .thenComparingInt(PortKey::port).thenComparing(p -> Objects.toString(p.protocol, ""))
                .thenComparing(p -> Objects.toString(p.appProtocol, ""));

        static PortKey of(EndpointPort port) {
            return new PortKey(port.name, port.port, port.protocol, port.appProtocol);
        }

        EndpointPort toPort() {
            EndpointPort port = new EndpointPort(name, this.port, protocol);
            port.appProtocol = appProtocol;
            return port;
        }
    }

    /** Expands (address, port, ready) triples and packs them into the canonical subsets. */
    private static final class Repacker {
        private final Map<AddressKey, EndpointAddress> addresses = new LinkedHashMap<>();
        /** For each port, the addresses serving it and whether each is ready there. */
        private final Map<PortKey, TreeMap<AddressKey, Boolean>> byPort = new LinkedHashMap<>();

        void add(EndpointAddress address, EndpointPort port, boolean ready) {
            AddressKey key = AddressKey.of(address);
            addresses.putIfAbsent(key, address);
            // not ready wins over ready, as in Kubernetes' RepackSubsets
            byPort.computeIfAbsent(PortKey.of(port), p -> new TreeMap<>()).merge(key, ready, Boolean::logicalAnd);
        }

        List<EndpointSubset> subsets() {
            // ports served by exactly the same addresses, with the same readiness, share a subset
            Map<TreeMap<AddressKey, Boolean>, List<PortKey>> groups = new LinkedHashMap<>();
            byPort.forEach((port, served) -> groups.computeIfAbsent(served, s -> new ArrayList<>()).add(port));
            List<EndpointSubset> subsets = new ArrayList<>();
            groups.forEach((served, ports) -> {
                EndpointSubset subset = new EndpointSubset();
                List<EndpointAddress> ready = new ArrayList<>();
                List<EndpointAddress> notReady = new ArrayList<>();
                served.forEach((key, isReady) -> (isReady ? ready : notReady).add(addresses.get(key)));
                subset.addresses = ready.isEmpty() ? null : ready;
                subset.notReadyAddresses = notReady.isEmpty() ? null : notReady;
                ports.sort(PortKey.ORDER);
                boolean portless = ports.size() == 1 && ports.get(0).port() == -1;
                subset.ports = portless ? null : ports.stream().map(PortKey::toPort).toList();
                subsets.add(subset);
            });
            subsets.sort(Comparator.comparing(EndpointSubsets::signature));
            return subsets;
        }
    }

    /** Orders subsets by their first address, then their first port. */
    private static String signature(EndpointSubset subset) {
        EndpointAddress first = subset.addresses != null ? subset.addresses.get(0) : subset.notReadyAddresses.get(0);
        EndpointPort port = subset.ports == null ? null : subset.ports.get(0);
        return first.ip + "\u0000" + (first.targetRef == null ? "" : first.targetRef.uid) + "\u0000"
                + (port == null ? "" : Objects.toString(port.name, "") + "\u0000" + port.port);
    }
}
