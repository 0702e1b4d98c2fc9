package io.gantry.benchmarks;

import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.EndpointSubset;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.PodStatus;
import io.gantry.api.core.v1.Service;
import io.gantry.api.core.v1.ServicePort;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.discovery.v1.EndpointSlice;
import io.gantry.api.meta.v1.IntOrString;
import io.gantry.api.meta.v1.Times;
import io.gantry.apiserver.Registry;
import io.gantry.benchmarks.ControllerRig.Probe;
import io.gantry.controllers.endpoints.EndpointSliceController;
import io.gantry.controllers.endpoints.EndpointsController;
import io.gantry.controllers.nodes.NodeLifecycleController;
import io.gantry.controllers.nodes.TaintEvictionController;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How fast the controller manager reacts, in this JVM: the real API server ({@code Registry}) over
 * a storage backend, the shared informers and the controllers, as on a control-plane node,
 * without HTTP.
 *
 * <ul>
 *   <li>{@code endpoints BACKEND PODS ROUNDS}: a service over PODS running pods; each round flips
 *   one pod's Ready condition (as its kubelet's readiness probe would) and times the write to the
 *   change showing in the Endpoints and in the EndpointSlice (read by watches). Peer: the same
 *   write to the pod's own watch event, the floor any controller starts from. Goal of the
 *   [controllers] issue: Endpoints within 100 ms.</li>
 *   <li>{@code node-death BACKEND PODS ROUNDS}: PODS pods on a node whose Ready condition turns
 *   Unknown (as the cluster bundle sets it when the node's member leaves); times the write to the
 *   unreachable NoExecute taint and to the last pod deleted, with the default toleration of 2 s
 *   (Gantry's default) and of 0 s (the controllers' own part). Peer: the node's own watch event.</li>
 * </ul>
 */
final class ControllerReactions {

    void endpoints(String backend, int pods, int rounds) throws Exception {
        try (ControllerRig rig = new ControllerRig(backend, 2, EndpointsController::new, EndpointSliceController::new)) {
            System.out.printf(Locale.ROOT, "endpoints: %d pods behind one service, %d readiness flips, store %s%n",
                    pods, rounds, rig.description);
            Service service = new Service();
            service.metadata.name = "web";
            service.metadata.namespace = "default";
            service.spec.selector = Map.of("app", "web");
            service.spec.ports = List.of(new ServicePort("http", 80, IntOrString.of(8080)));
            rig.api.create(ResourceKind.SERVICES, service);
            for (int i = 0; i < pods; i++) {
                rig.api.create(ResourceKind.PODS, pod("web-" + i, "node-1"));
                status(rig.api, "web-" + i, ip(i), true);
            }
            rig.await(() -> readyIps(rig.api.find(ResourceKind.ENDPOINTS, "default", "web").orElse(null)) == pods,
                    "the first Endpoints");

            Latencies toPodWatch = new Latencies();
            Latencies toEndpoints = new Latencies();
            Latencies toSlice = new Latencies();
            for (int round = 0; round < rounds + 20; round++) {
                int i = round % pods;
                boolean ready = (round / pods) % 2 == 1; // first pass: every pod turns not ready, then back
                String ip = ip(i);
                String name = "web-" + i;
                Probe<Pod> podSeen = rig.probe(ResourceKind.PODS, p -> name.equals(p.metadata.name) && isReady(p) == ready);
                Probe<Endpoints> endpointsSeen = rig.probe(ResourceKind.ENDPOINTS,
                        e -> "web".equals(e.metadata.name) && listed(e, ip, ready));
                Probe<EndpointSlice> sliceSeen = rig.probe(ResourceKind.ENDPOINT_SLICES, s -> sliceSays(s, ip, ready));
                long start = System.nanoTime();
                status(rig.api, name, ip, ready);
                long pod = podSeen.await(start);
                long endpoints = endpointsSeen.await(start);
                long slice = sliceSeen.await(start);
                if (round >= 20) { // the first 20 warm the JIT
                    toPodWatch.add(pod);
                    toEndpoints.add(endpoints);
                    toSlice.add(slice);
                }
            }
            toPodWatch.print("write -> pod watch (peer)", Double.NaN);
            toEndpoints.print("write -> Endpoints", Double.NaN);
            toSlice.print("write -> EndpointSlice", Double.NaN);
            toEndpoints.printRatio("write -> Endpoints", toPodWatch, Double.NaN, Double.NaN);
        }
    }

    void nodeDeath(String backend, int pods, int rounds) throws Exception {
        System.out.printf(Locale.ROOT, "node-death: %d pods on a node whose Ready turns Unknown, %d rounds per toleration%n",
                pods, rounds);
        for (int toleration : List.of(2, 0)) {
            try (ControllerRig rig = new ControllerRig(backend, toleration, NodeLifecycleController::new, TaintEvictionController::new)) {
                System.out.printf(Locale.ROOT, " defaultTolerationSeconds %d, store %s%n", toleration, rig.description);
                Node node = new Node();
                node.metadata.name = "node-1";
                rig.api.create(ResourceKind.NODES, node);
                Latencies toNodeWatch = new Latencies();
                Latencies toTaint = new Latencies();
                Latencies toEvicted = new Latencies();
                for (int round = 0; round < rounds + 2; round++) {
                    ready(rig.api, "True");
                    rig.await(() -> rig.api.get(ResourceKind.NODES, null, "node-1").spec.taints == null, "the taints gone");
                    for (int i = 0; i < pods; i++) {
                        rig.api.create(ResourceKind.PODS, pod("r" + round + "-" + i, "node-1"));
                        status(rig.api, "r" + round + "-" + i, ip(i), true);
                    }
                    String prefix = "r" + round + "-";
                    Probe<Node> nodeSeen = rig.probe(ResourceKind.NODES, n -> "Unknown".equals(readyOf(n)));
                    Probe<Node> taintSeen = rig.probe(ResourceKind.NODES, n -> n.spec.taints != null && n.spec.taints.stream()
                            .anyMatch(t -> "node.kubernetes.io/unreachable".equals(t.key) && Taint.NO_EXECUTE.equals(t.effect)));
                    Probe<Pod> lastGone = rig.deletions(prefix, pods);
                    long start = System.nanoTime();
                    ready(rig.api, "Unknown");
                    long seen = nodeSeen.await(start);
                    long tainted = taintSeen.await(start);
                    long evicted = lastGone.await(start);
                    if (round >= 2) {
                        toNodeWatch.add(seen);
                        toTaint.add(tainted);
                        toEvicted.add(evicted);
                    }
                }
                toNodeWatch.print("Unknown -> node watch (peer)", Double.NaN);
                toTaint.print("Unknown -> NoExecute taint", Double.NaN);
                toEvicted.print("Unknown -> last pod deleted", Double.NaN);
                toTaint.printRatio("Unknown -> NoExecute taint", toNodeWatch, Double.NaN, Double.NaN);
            }
        }
    }

    private static Pod pod(String name, String node) {
        Pod pod = new Pod();
        pod.metadata.name = name;
        pod.metadata.namespace = "default";
        pod.metadata.labels = Map.of("app", "web");
        pod.spec.nodeName = node;
        Container container = new Container();
        container.name = "main";
        container.image = "busybox";
        pod.spec.containers = List.of(container);
        return pod;
    }

    private static String ip(int i) {
        return "127.1." + (i / 250) + "." + (1 + i % 250);
    }

    private static void status(Registry api, String name, String ip, boolean ready) {
        Pod pod = api.get(ResourceKind.PODS, "default", name);
        pod.status().phase = "Running";
        pod.status().podIP = ip;
        pod.status().podIPs = List.of(new PodStatus.PodIP(ip));
        pod.status().conditions = List.of(new PodCondition("Ready", ready ? "True" : "False", Times.now()));
        api.updateStatus(ResourceKind.PODS, pod);
    }

    private static void ready(Registry api, String status) {
        while (true) {
            Node node = api.get(ResourceKind.NODES, null, "node-1");
            NodeCondition condition = new NodeCondition();
            condition.type = "Ready";
            condition.status = status;
            condition.lastTransitionTime = Times.now();
            node.status().conditions = List.of(condition);
            try {
                api.updateStatus(ResourceKind.NODES, node);
                return;
            } catch (io.gantry.api.client.ApiException e) {
                if (!e.isConflict()) {
                    throw e;
                }
            }
        }
    }

    private static String readyOf(Node node) {
        return node.status == null || node.status.conditions == null ? null : node.status.conditions.stream()
                .filter(c -> "Ready".equals(c.type)).map(c -> c.status).findFirst().orElse(null);
    }

    private static boolean isReady(Pod pod) {
        return pod.status != null && pod.status.conditions != null
                && pod.status.conditions.stream().anyMatch(c -> "Ready".equals(c.type) && "True".equals(c.status));
    }

    private static int readyIps(Endpoints endpoints) {
        if (endpoints == null || endpoints.subsets == null) {
            return 0;
        }
        return endpoints.subsets.stream().mapToInt(s -> s.addresses == null ? 0 : s.addresses.size()).sum();
    }

    private static boolean listed(Endpoints endpoints, String ip, boolean ready) {
        for (EndpointSubset subset : endpoints.subsets == null ? List.<EndpointSubset>of() : endpoints.subsets) {
            var list = ready ? subset.addresses : subset.notReadyAddresses;
            if (list != null && list.stream().anyMatch(a -> ip.equals(a.ip))) {
                return true;
            }
        }
        return false;
    }

    private static boolean sliceSays(EndpointSlice slice, String ip, boolean ready) {
        return slice.endpoints != null && slice.endpoints.stream().anyMatch(e -> e.addresses.contains(ip)
                && Objects.equals(e.conditions.ready, ready));
    }
}
