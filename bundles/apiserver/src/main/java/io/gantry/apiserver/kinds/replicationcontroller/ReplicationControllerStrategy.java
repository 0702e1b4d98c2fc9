package io.gantry.apiserver.kinds.replicationcontroller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.kinds.ReplicaStatus;
import io.gantry.apiserver.kinds.WorkloadStrategy;
import io.gantry.apiserver.kinds.pod.PodTemplates;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.ScaleRule;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * v1 ReplicationControllers, as {@code pkg/registry/core/replicationcontroller/strategy.go}: the
 * selector (a plain label map) and the controller's own labels default to the template's labels;
 * one replica by default; unlike a replica set's, the selector may change.
 */
public final class ReplicationControllerStrategy extends WorkloadStrategy {

    public ReplicationControllerStrategy() {
        super(ResourceKind.REPLICATION_CONTROLLERS, ScaleRule.REPLICATION_CONTROLLER);
    }

    /**
     * The core v1 ReplicationController orphans its pods when a delete names no propagation
     * policy, as Kubernetes keeps for compatibility with clients older than garbage collection
     * (kubectl names Background).
     */
    @Override
    public String defaultPropagationPolicy() {
        return "Orphan";
    }

    /** SetDefaults_ReplicationController and the declarative replicas default. */
    @Override
    public void applyDefaults(ObjectNode controller) {
        ObjectNode spec = Trees.object(controller, "spec");
        JsonNode labels = spec.path("template").path("metadata").get("labels");
        if (labels instanceof ObjectNode templateLabels) {
            if (spec.path("selector").isEmpty()) {
                spec.set("selector", templateLabels.deepCopy());
            }
            if (controller.path("metadata").path("labels").isEmpty()) {
                Trees.object(controller, "metadata").set("labels", templateLabels.deepCopy());
            }
        }
        Trees.defaultLong(spec, "replicas", 1);
        PodTemplates.defaults(spec.path("template"));
    }

    @Override
    public void validate(ObjectNode controller, Validator v) {
        JsonNode spec = controller.path("spec");
        ReplicaStatus.validateReplicas(spec, v);
        v.nonNegative("spec.minReadySeconds", spec.path("minReadySeconds").asLong(0));
        JsonNode selector = spec.path("selector");
        if (selector.isEmpty()) {
            v.required("spec.selector");
        } else {
            v.labels("spec.selector", selector);
        }
        JsonNode template = spec.get("template");
        if (template == null || template.isNull()) {
            v.required("spec.template");
            return;
        }
        PodTemplates.validateForController(template, "spec.template", selector.isEmpty() ? null : labels -> {
            var entries = selector.fields();
            while (entries.hasNext()) {
                var entry = entries.next();
                if (!entry.getValue().asText("").equals(labels.path(entry.getKey()).asText(null))) {
                    return false;
                }
            }
            return true;
        }, v);
    }

    @Override
    public void validateStatusUpdate(ObjectNode controller, ObjectNode old, Validator v) {
        validateReplicaSetStatus(controller, v);
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return replicasFieldSelector();
    }

    @Override
    public List<Column> columns() {
        return replicaSetColumns(rc -> Cells.labels(rc.path("spec").path("selector")));
    }
}
