package io.gantry.apiserver.kinds.pod;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.kinds.DualFields;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Pods, as kube-apiserver's {@code pkg/registry/core/pod/strategy.go}: a pod starts Pending with
 * its QoS class; its spec is immutable but for images and a few scheduling fields; the kubelet
 * writes status through {@code /status}; a bound, unfinished pod is deleted gracefully.
 */
public final class PodStrategy extends KindStrategy {

    private static final Set<String> SUBRESOURCES =
            Set.of("status", "log", "binding", "eviction", "exec", "portforward", "attach");

    public PodStrategy() {
        super(ResourceKind.PODS);
    }

    @Override
    public List<String> categories() {
        return List.of("all");
    }

    @Override
    public Set<String> subresources() {
        return SUBRESOURCES;
    }

    /** Pods have no generation that controllers observe (kube-apiserver leaves it unset). */
    @Override
    public boolean tracksGeneration() {
        return false;
    }

    @Override
    public void applyDefaults(ObjectNode pod) {
        PodDefaults.pod(pod);
        syncStatusIPs(pod);
    }

    /** podIP and podIPs, hostIP and hostIPs, in step as the v1 conversion keeps them. */
    private static void syncStatusIPs(ObjectNode pod) {
        if (pod.get("status") instanceof ObjectNode status) {
            DualFields.sync(status, "podIP", "podIPs", "ip", true);
            DualFields.sync(status, "hostIP", "hostIPs", "ip", true);
        }
    }

    @Override
    public void prepareForCreate(ObjectNode pod) {
        ObjectNode status = pod.putObject("status");
        status.put("phase", "Pending");
        if (!pod.path("spec").path("schedulingGates").isEmpty()) {
            // applySchedulingGatedCondition: the scheduler leaves a gated pod alone, and says so.
            status.putArray("conditions").addObject()
                    .put("type", "PodScheduled")
                    .put("status", "False")
                    .put("reason", "SchedulingGated")
                    .put("message", "Scheduling is blocked due to non-empty scheduling gates");
        }
        status.put("qosClass", qosClass(pod.path("spec")));
    }

    @Override
    public void prepareForUpdate(ObjectNode pod, ObjectNode old) {
        super.prepareForUpdate(pod, old);
        // The node is assigned through pods/binding; an update that omits it keeps it.
        String node = Trees.text(old, "spec", "nodeName");
        if (node != null && !node.isEmpty() && Trees.text(pod, "spec", "nodeName") == null) {
            Trees.object(pod, "spec").put("nodeName", node);
        }
    }

    /** As kube-apiserver: the QoS class is set at creation; a status without it keeps the old one. */
    @Override
    public void prepareForStatusUpdate(ObjectNode pod, ObjectNode old) {
        super.prepareForStatusUpdate(pod, old);
        syncStatusIPs(pod);
        String qos = Trees.text(old, "status", "qosClass");
        if (qos != null && pod.get("status") instanceof ObjectNode status && Trees.textOr(status, "", "qosClass").isEmpty()) {
            status.put("qosClass", qos);
        }
    }

    @Override
    public void validate(ObjectNode pod, Validator v) {
        PodValidation.podSpec(pod.path("spec"), "spec", v);
    }

    @Override
    public void validateUpdate(ObjectNode pod, ObjectNode old, Validator v) {
        validate(pod, v);
        PodValidation.update(pod, old, v);
    }

    @Override
    public void validateStatusUpdate(ObjectNode pod, ObjectNode old, Validator v) {
        String nominated = Trees.text(pod, "status", "nominatedNodeName");
        if (nominated != null && !nominated.isEmpty()) {
            v.dns1123Subdomain("status.nominatedNodeName", nominated);
        }
    }

    /**
     * A bound pod that has not finished gets the requested grace, else its spec's
     * (a negative one counts as 1); an unbound or finished pod, or a grace of 0, goes at once.
     */
    @Override
    public Long gracePeriodSeconds(ObjectNode pod, Long requested) {
        long grace = requested != null ? requested : pod.path("spec").path("terminationGracePeriodSeconds").asLong(30);
        String phase = Trees.textOr(pod, "", "status", "phase");
        if (Trees.textOr(pod, "", "spec", "nodeName").isEmpty() || phase.equals("Succeeded") || phase.equals("Failed")) {
            return null;
        }
        if (grace < 0) {
            grace = 1;
        }
        return grace == 0 ? null : grace;
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        Map<String, Function<ObjectNode, String>> fields = new LinkedHashMap<>();
        fields.put("spec.nodeName", pod -> Trees.textOr(pod, "", "spec", "nodeName"));
        fields.put("spec.restartPolicy", pod -> Trees.textOr(pod, "", "spec", "restartPolicy"));
        fields.put("spec.schedulerName", pod -> Trees.textOr(pod, "", "spec", "schedulerName"));
        fields.put("spec.serviceAccountName", pod -> Trees.textOr(pod, "", "spec", "serviceAccountName"));
        fields.put("spec.hostNetwork", pod -> String.valueOf(pod.path("spec").path("hostNetwork").asBoolean(false)));
        fields.put("status.phase", pod -> Trees.textOr(pod, "", "status", "phase"));
        fields.put("status.podIP", pod -> {
            String ip = PodColumns.podIP(pod);
            return ip.equals("<none>") ? "" : ip;
        });
        fields.put("status.nominatedNodeName", pod -> Trees.textOr(pod, "", "status", "nominatedNodeName"));
        return fields;
    }

    @Override
    public List<Column> columns() {
        return PodColumns.COLUMNS;
    }

    /**
     * The QoS class as Kubernetes' {@code GetPodQOS}: BestEffort when no container asks for CPU or
     * memory, Guaranteed when every container limits both at its requests, else Burstable.
     */
    static String qosClass(JsonNode spec) {
        boolean any = false;
        boolean guaranteed = true;
        for (String list : List.of("initContainers", "containers")) {
            for (JsonNode container : spec.path(list)) {
                JsonNode requests = container.path("resources").path("requests");
                JsonNode limits = container.path("resources").path("limits");
                for (String resource : List.of("cpu", "memory")) {
                    BigDecimal request = amount(requests.get(resource));
                    BigDecimal limit = amount(limits.get(resource));
                    any |= (request != null && request.signum() != 0) || (limit != null && limit.signum() != 0);
                    if (limit == null || limit.signum() == 0) {
                        guaranteed = false;
                    } else if (request != null && request.compareTo(limit) != 0) {
                        guaranteed = false;
                    }
                }
            }
        }
        if (!any) {
            return "BestEffort";
        }
        return guaranteed ? "Guaranteed" : "Burstable";
    }

    private static BigDecimal amount(JsonNode quantity) {
        return PodValidation.parse(quantity);
    }
}
