package io.gantry.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.ContainerPort;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Quantity;
import io.gantry.api.core.v1.Toleration;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.OwnerReference;
import io.gantry.api.scheduler.PodInfo;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What the scheduler needs of a pod, computed once from the Pod when it is queued or seen bound:
 * its requests as Kubernetes counts them for fit and for scoring, its tolerations, node selector,
 * node and pod affinity, host ports and owner. Filters and scores read this, never the Pod.
 */
final class PodProfile implements PodInfo {

    /** What Kubernetes' scoring counts for a container that requests no CPU (millicores) or memory. */
    static final long DEFAULT_MILLI_CPU = 100;
    static final long DEFAULT_MEMORY = 200L * 1024 * 1024;

    private static final int PARSED_MAX = 4096;
    private static final Map<String, Long> MILLI_VALUES = new ConcurrentHashMap<>();
    private static final Map<String, Long> VALUES = new ConcurrentHashMap<>();
    private static final Map<String, String> CONTROLLER_UIDS = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > PARSED_MAX;
                }
            });

    /** A host port a container asks for. */
    record HostPort(String protocol, String ip, int port) {
        static final String ANY_IP = "0.0.0.0";

        /** True if the two cannot both be on one node: same protocol and port, and an address in common. */
        boolean conflicts(HostPort other) {
            return port == other.port && protocol.equals(other.protocol)
                    && (ip.equals(other.ip) || ANY_IP.equals(ip) || ANY_IP.equals(other.ip));
        }
    }

    /** A preferred node affinity term and its weight. */
    record WeightedTerm(int weight, NodeSelectorTerm term) {
    }

    final String key;
    final String namespace;
    final String name;
    final String uid;
    final Map<String, String> labels;
    final String controllerUid;
    final String schedulerName;
    final int priority;
    final long milliCpu;
    final long memory;
    final long ephemeralStorage;
    final long nonZeroMilliCpu;
    final long nonZeroMemory;
    final List<Toleration> tolerations;
    final Map<String, String> nodeSelector;
    /** Required node affinity terms; empty when the pod has none (every node matches). */
    final List<NodeSelectorTerm> requiredNodeTerms;
    final List<WeightedTerm> preferredNodeTerms;
    final List<PodAffinityTerm> podAffinity;
    final List<PodAffinityTerm> podAntiAffinity;
    final List<HostPort> hostPorts;

    private PodProfile(Pod pod) {
        this.namespace = pod.metadata.namespace == null ? "default" : pod.metadata.namespace;
        this.name = pod.metadata.name;
        this.key = key(namespace, name);
        this.uid = pod.metadata.uid;
        this.labels = pod.metadata.labels == null ? Map.of() : Map.copyOf(pod.metadata.labels);
        this.controllerUid = controllerUid(pod);
        this.schedulerName = pod.spec.schedulerName;
        this.priority = pod.spec.priority == null ? 0 : pod.spec.priority;
        JsonNode overhead = pod.spec.extra("overhead");
        long[] fit = requests(pod, overhead, false);
        long[] nonZero = requests(pod, overhead, true);
        this.milliCpu = fit[0];
        this.memory = fit[1];
        this.ephemeralStorage = fit[2];
        this.nonZeroMilliCpu = nonZero[0];
        this.nonZeroMemory = nonZero[1];
        this.tolerations = tolerations(pod.spec.extra("tolerations"));
        this.nodeSelector = pod.spec.nodeSelector == null ? Map.of() : Map.copyOf(pod.spec.nodeSelector);
        JsonNode affinity = pod.spec.extra("affinity");
        JsonNode nodeAffinity = affinity == null ? null : affinity.path("nodeAffinity");
        List<NodeSelectorTerm> required = new ArrayList<>();
        List<WeightedTerm> preferred = new ArrayList<>();
        if (nodeAffinity != null) {
            JsonNode requiredTerms = nodeAffinity.path("requiredDuringSchedulingIgnoredDuringExecution");
            if (requiredTerms.isObject()) {
                requiredTerms.path("nodeSelectorTerms").forEach(term -> required.add(NodeSelectorTerm.read(term)));
                if (required.isEmpty()) {
                    // a required node selector with no terms matches no node
                    required.add(new NodeSelectorTerm(List.of(), List.of()));
                }
            }
            for (JsonNode term : nodeAffinity.path("preferredDuringSchedulingIgnoredDuringExecution")) {
                int weight = term.path("weight").asInt(0);
                if (weight != 0) {
                    preferred.add(new WeightedTerm(weight, NodeSelectorTerm.read(term.path("preference"))));
                }
            }
        }
        this.requiredNodeTerms = List.copyOf(required);
        this.preferredNodeTerms = List.copyOf(preferred);
        this.podAffinity = affinity == null ? List.of() : PodAffinityTerm.readAll(
                affinity.path("podAffinity").path("requiredDuringSchedulingIgnoredDuringExecution"), namespace);
        this.podAntiAffinity = affinity == null ? List.of() : PodAffinityTerm.readAll(
                affinity.path("podAntiAffinity").path("requiredDuringSchedulingIgnoredDuringExecution"), namespace);
        this.hostPorts = hostPorts(pod);
    }

    /**
     * The profile of a pod.
     *
     * @throws IllegalArgumentException if a request is not a quantity (the API server refuses such
     *                                  pods, so this is a pod from elsewhere)
     */
    static PodProfile of(Pod pod) {
        return new PodProfile(pod);
    }

    static String key(String namespace, String name) {
        return namespace + "/" + name;
    }

    @Override
    public String namespace() {
        return namespace;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String controllerUid() {
        return controllerUid;
    }

    @Override
    public long milliCpu() {
        return milliCpu;
    }

    @Override
    public long memory() {
        return memory;
    }

    @Override
    public long ephemeralStorage() {
        return ephemeralStorage;
    }

    @Override
    public long nonZeroMilliCpu() {
        return nonZeroMilliCpu;
    }

    @Override
    public long nonZeroMemory() {
        return nonZeroMemory;
    }

    Map<String, String> labels() {
        return labels;
    }

    boolean hasPodAffinity() {
        return !podAffinity.isEmpty() || !podAntiAffinity.isEmpty();
    }

    /**
     * CPU, memory and ephemeral storage: the larger of the containers' sum and the largest init
     * container (init containers run one at a time, before the others), plus the overhead.
     */
    private static long[] requests(Pod pod, JsonNode overhead, boolean nonZero) {
        long[] sum = new long[3];
        for (Container container : pod.spec.containers) {
            add(sum, container, nonZero);
        }
        if (pod.spec.initContainers != null) {
            for (Container init : pod.spec.initContainers) {
                long[] one = new long[3];
                add(one, init, nonZero);
                for (int i = 0; i < 3; i++) {
                    sum[i] = Math.max(sum[i], one[i]);
                }
            }
        }
        if (overhead != null && overhead.isObject()) {
            sum[0] += quantity(overhead.path("cpu").asText(null), true);
            sum[1] += quantity(overhead.path("memory").asText(null), false);
            sum[2] += quantity(overhead.path("ephemeral-storage").asText(null), false);
        }
        return sum;
    }

    private static void add(long[] sum, Container container, boolean nonZero) {
        String cpu = request(container, "cpu");
        String memory = request(container, "memory");
        sum[0] += cpu == null && nonZero ? DEFAULT_MILLI_CPU : quantity(cpu, true);
        sum[1] += memory == null && nonZero ? DEFAULT_MEMORY : quantity(memory, false);
        sum[2] += quantity(request(container, "ephemeral-storage"), false);
    }

    private static long quantity(String text, boolean milli) {
        if (text == null) {
            return 0;
        }
        // pods of one workload repeat the same few quantities: parse each once
        Map<String, Long> parsed = milli ? MILLI_VALUES : VALUES;
        Long value = parsed.get(text);
        if (value == null) {
            value = milli ? Quantity.milliValue(text) : Quantity.value(text);
            if (parsed.size() < PARSED_MAX) {
                parsed.put(text, value);
            }
        }
        return value;
    }

    private static String request(Container container, String resource) {
        if (container.resources == null) {
            return null;
        }
        if (container.resources.requests != null && container.resources.requests.get(resource) != null) {
            return container.resources.requests.get(resource);
        }
        // Kubernetes defaults requests to limits when only limits are given.
        return container.resources.limits == null ? null : container.resources.limits.get(resource);
    }

    private static List<Toleration> tolerations(JsonNode list) {
        if (list == null || !list.isArray() || list.isEmpty()) {
            return List.of();
        }
        List<Toleration> tolerations = new ArrayList<>();
        for (JsonNode toleration : list) {
            tolerations.add(Json.mapper().convertValue(toleration, Toleration.class));
        }
        return List.copyOf(tolerations);
    }

    private static List<HostPort> hostPorts(Pod pod) {
        List<HostPort> ports = new ArrayList<>();
        for (Container container : pod.spec.containers) {
            if (container.ports == null) {
                continue;
            }
            for (ContainerPort port : container.ports) {
                if (port.hostPort != null && port.hostPort > 0) {
                    ports.add(new HostPort(port.protocol == null || port.protocol.isEmpty() ? "TCP" : port.protocol,
                            port.hostIP == null || port.hostIP.isEmpty() ? HostPort.ANY_IP : port.hostIP, port.hostPort));
                }
            }
        }
        return ports.isEmpty() ? List.of() : List.copyOf(ports);
    }

    private static String controllerUid(Pod pod) {
        if (pod.metadata.ownerReferences == null) {
            return null;
        }
        for (OwnerReference owner : pod.metadata.ownerReferences) {
            if (Boolean.TRUE.equals(owner.controller) && owner.uid != null) {
                // one instance per uid, so that the per-node counts compare by reference first
                return CONTROLLER_UIDS.computeIfAbsent(owner.uid, uid -> uid);
            }
        }
        return null;
    }
}
