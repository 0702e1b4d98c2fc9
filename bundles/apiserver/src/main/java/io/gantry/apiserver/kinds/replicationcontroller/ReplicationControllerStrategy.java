package io.gantry.apiserver.kinds.replicationcontroller;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.kinds.ReplicaStatus;
import io.gantry.apiserver.kinds.pod.PodTemplates;
import io.gantry.apiserver.kinds.replicaset.ReplicaSetStrategy;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.ScaleRule;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * v1 ReplicationControllers, as {@code pkg/registry/core/replicationcontroller/strategy.go}: the
 * selector (a plain label map) and the controller's own labels default to the template's labels;
 * one replica by default; unlike a replica set's, the selector may change.
 */
public final class ReplicationControllerStrategy extends KindStrategy {

    public ReplicationControllerStrategy() {
        super(ResourceKind.REPLICATION_CONTROLLERS);
    }

    @Override
    public List<String> categories() {
        return List.of("all");
    }

    @Override
    public Set<String> subresources() {
        return Set.of("status", "scale");
    }

    @Override
    public Optional<ScaleRule> scale() {
        return Optional.of(ScaleRule.REPLICATION_CONTROLLER);
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
        ReplicaStatus.validate(controller.path("status"),
                new String[] {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"},
                new String[] {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"}, v);
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("status.replicas", rc -> String.valueOf(Cells.number(rc, "status", "replicas")));
    }

    @Override
    public List<Column> columns() {
        return ReplicaSetStrategy.replicaColumns(rc -> Cells.labels(rc.path("spec").path("selector")));
    }
}
