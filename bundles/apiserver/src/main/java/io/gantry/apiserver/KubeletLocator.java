package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.meta.v1.Status;
import io.gantry.apiserver.registry.Kinds;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the kubelet running a pod answers, and which of the pod's containers a request means,
 * from the stored pod and its Node's {@code status.daemonEndpoints}; refusals in the words
 * kube-apiserver uses for the pod's log, exec and attach subresources.
 */
final class KubeletLocator {

    /** A kubelet's endpoint, the container addressed there, and the pod as stored. */
    record Location(String node, String host, int port, String container, ObjectNode pod) {
        String base() {
            return "http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
        }
    }

    private final ResourceStore store;
    private final Kinds kinds;

    KubeletLocator(ResourceStore store, Kinds kinds) {
        this.store = store;
        this.kinds = kinds;
    }

    /**
     * The kubelet of the pod's node and the container named (or the pod's only container).
     *
     * @param container the container asked for, or null
     * @throws ApiException NotFound for an absent pod, BadRequest for a container that is not the
     *                      pod's or an unscheduled pod, ServiceUnavailable for a node without endpoint
     */
    Location locate(String namespace, String name, String container) {
        ObjectNode pod = store.get(kinds.of(ResourceKind.PODS), namespace, name);
        List<String> containers = names(pod.at("/spec/containers"));
        List<String> init = names(pod.at("/spec/initContainers"));
        List<String> ephemeral = names(pod.at("/spec/ephemeralContainers"));
        if (container == null || container.isEmpty()) {
            if (containers.size() != 1) {
                StringBuilder message = new StringBuilder("a container name must be specified for pod " + name
                        + ", choose one of: " + goList(containers));
                if (!init.isEmpty()) {
                    message.append(" or one of the init containers: ").append(goList(init));
                }
                if (!ephemeral.isEmpty()) {
                    message.append(" or one of the ephemeral containers: ").append(goList(ephemeral));
                }
                throw ApiException.badRequest(message.toString());
            }
            container = containers.get(0);
        } else if (!containers.contains(container) && !init.contains(container) && !ephemeral.contains(container)) {
            throw ApiException.badRequest("container " + container + " is not valid for pod " + name);
        }
        return locate(pod, name, container);
    }

    /** Where the kubelet of a pod's node answers, for what concerns the whole pod (port-forward). */
    Location locate(String namespace, String name) {
        ObjectNode pod = store.get(kinds.of(ResourceKind.PODS), namespace, name);
        if (!"Running".equals(pod.at("/status/phase").asText())) {
            throw ApiException.badRequest("pod " + name + " is not running: its phase is "
                    + pod.at("/status/phase").asText("Pending"));
        }
        return locate(pod, name, null);
    }

    private Location locate(ObjectNode pod, String name, String container) {
        String nodeName = pod.at("/spec/nodeName").asText("");
        if (nodeName.isEmpty()) {
            throw ApiException.badRequest("pod " + name + " does not have a host assigned");
        }
        ObjectNode node;
        try {
            node = store.get(kinds.of(ResourceKind.NODES), null, nodeName);
        } catch (ApiException e) {
            if (e.isNotFound()) {
                throw unavailable("node " + nodeName + " of pod " + name + " is not registered");
            }
            throw e;
        }
        int port = node.at("/status/daemonEndpoints/kubeletEndpoint/Port").asInt(0);
        String host = null;
        for (JsonNode address : node.at("/status/addresses")) {
            if (address.path("type").asText().equals("InternalIP")) {
                host = address.path("address").asText();
                break;
            }
        }
        if (port <= 0 || host == null || host.isEmpty()) {
            throw unavailable("the kubelet of node " + nodeName + " publishes no endpoint (status.daemonEndpoints "
                    + "and an InternalIP address)");
        }
        return new Location(nodeName, host, port, container, pod);
    }

    /**
     * A container that has not started: kube-apiserver's kubelet refuses its log with the reason
     * it is waiting for. Null when the pod's status shows it started (or ran before).
     */
    static String waiting(ObjectNode pod, String name, String container) {
        for (String list : List.of("/status/containerStatuses", "/status/initContainerStatuses",
                "/status/ephemeralContainerStatuses")) {
            for (JsonNode status : pod.at(list)) {
                if (status.path("name").asText().equals(container)) {
                    JsonNode waiting = status.at("/state/waiting");
                    boolean ranBefore = !status.at("/lastState/terminated").isMissingNode()
                            || !status.at("/state/running").isMissingNode()
                            || !status.at("/state/terminated").isMissingNode();
                    if (ranBefore) {
                        return null;
                    }
                    return "container \"" + container + "\" in pod \"" + name + "\" is waiting to start: "
                            + waiting.path("reason").asText("ContainerCreating");
                }
            }
        }
        return "container \"" + container + "\" in pod \"" + name + "\" is waiting to start: ContainerCreating";
    }

    static ApiException unavailable(String message) {
        return new ApiException(Status.failure(503, "ServiceUnavailable", message));
    }

    private static List<String> names(JsonNode containers) {
        List<String> names = new ArrayList<>();
        for (JsonNode container : containers) {
            names.add(container.path("name").asText());
        }
        return names;
    }

    /** A list as Go's fmt prints a slice: {@code [a b]}. */
    private static String goList(List<String> names) {
        return "[" + String.join(" ", names) + "]";
    }
}
