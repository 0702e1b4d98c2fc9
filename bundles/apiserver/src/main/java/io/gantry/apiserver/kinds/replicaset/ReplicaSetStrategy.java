package io.gantry.apiserver.kinds.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.kinds.GoValue;
import io.gantry.apiserver.kinds.LabelSelectors;
import io.gantry.apiserver.kinds.ReplicaStatus;
import io.gantry.apiserver.kinds.pod.PodTemplates;
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
 * apps/v1 ReplicaSets, as {@code pkg/registry/apps/replicaset/strategy.go}: one replica by
 * default, a non-empty, immutable selector that matches the template's labels.
 */
public final class ReplicaSetStrategy extends KindStrategy {

    public ReplicaSetStrategy() {
        super(ResourceKind.REPLICA_SETS);
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
        return Optional.of(ScaleRule.APPS);
    }

    @Override
    public void applyDefaults(ObjectNode replicaSet) {
        ObjectNode spec = Trees.object(replicaSet, "spec");
        Trees.defaultLong(spec, "replicas", 1);
        PodTemplates.defaults(spec.path("template"));
    }

    @Override
    public void validate(ObjectNode replicaSet, Validator v) {
        JsonNode spec = replicaSet.path("spec");
        ReplicaStatus.validateReplicas(spec, v);
        v.nonNegative("spec.minReadySeconds", spec.path("minReadySeconds").asLong(0));
        JsonNode selector = spec.get("selector");
        boolean usable = false;
        if (selector == null || selector.isNull()) {
            v.required("spec.selector");
        } else {
            int before = v.causes().size();
            LabelSelectors.validate(selector, "spec.selector", v);
            usable = v.causes().size() == before;
            if (LabelSelectors.isEmpty(selector)) {
                v.invalid("spec.selector", GoValue.labelSelector(selector), "empty selector is invalid for deployment");
            }
        }
        JsonNode matcher = usable && !LabelSelectors.isEmpty(selector) ? selector : null;
        PodTemplates.validateForController(spec.get("template"), "spec.template",
                matcher == null ? null : labels -> LabelSelectors.matches(matcher, labels), v);
    }

    @Override
    public void validateUpdate(ObjectNode replicaSet, ObjectNode old, Validator v) {
        validate(replicaSet, v);
        JsonNode selector = replicaSet.path("spec").path("selector");
        if (!Trees.same(selector, old.path("spec").path("selector"))) {
            v.immutable("spec.selector", GoValue.labelSelector(selector));
        }
    }

    @Override
    public void validateStatusUpdate(ObjectNode replicaSet, ObjectNode old, Validator v) {
        ReplicaStatus.validate(replicaSet.path("status"),
                new String[] {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"},
                new String[] {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"}, v);
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return Map.of("status.replicas", rs -> String.valueOf(Cells.number(rs, "status", "replicas")));
    }

    @Override
    public List<Column> columns() {
        return replicaColumns(rs -> LabelSelectors.format(rs.path("spec").path("selector")).isEmpty() ? Cells.NONE
                : LabelSelectors.format(rs.path("spec").path("selector")));
    }

    /** The columns of replica sets and replication controllers, which differ only in how selectors read. */
    public static List<Column> replicaColumns(Function<ObjectNode, Object> selector) {
        return List.of(Column.NAME,
                Column.integer("Desired", "Replicas is the number of desired replicas.",
                        o -> Cells.number(o, "spec", "replicas")),
                Column.integer("Current", "Replicas is the most recently observed number of replicas.",
                        o -> Cells.number(o, "status", "replicas")),
                Column.integer("Ready", "The number of ready replicas for this replica set.",
                        o -> Cells.number(o, "status", "readyReplicas")),
                Column.AGE,
                Column.wide("Containers", "Names of each container in the template.",
                        o -> Cells.containerNames(o.path("spec").path("template").path("spec"))),
                Column.wide("Images", "Images referenced by each container in the template.",
                        o -> Cells.containerImages(o.path("spec").path("template").path("spec"))),
                Column.wide("Selector", "Selector is a label query over pods that should match the replica count.",
                        selector));
    }
}
