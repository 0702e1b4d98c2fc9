package io.gantry.apiserver.kinds.replicaset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.kinds.LabelSelectors;
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
 * apps/v1 ReplicaSets, as {@code pkg/registry/apps/replicaset/strategy.go}: one replica by
 * default, a non-empty, immutable selector that matches the template's labels.
 */
public final class ReplicaSetStrategy extends WorkloadStrategy {

    public ReplicaSetStrategy() {
        super(ResourceKind.REPLICA_SETS, ScaleRule.APPS);
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
        validateSelectorAndTemplate(spec, v);
    }

    @Override
    public void validateUpdate(ObjectNode replicaSet, ObjectNode old, Validator v) {
        validate(replicaSet, v);
        validateSelectorUnchanged(replicaSet, old, v);
    }

    @Override
    public void validateStatusUpdate(ObjectNode replicaSet, ObjectNode old, Validator v) {
        validateReplicaSetStatus(replicaSet, v);
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return replicasFieldSelector();
    }

    @Override
    public List<Column> columns() {
        return replicaSetColumns(rs -> {
            String selector = LabelSelectors.format(rs.path("spec").path("selector"));
            return selector.isEmpty() ? Cells.NONE : selector;
        });
    }
}
