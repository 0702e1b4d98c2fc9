package io.gantry.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.kinds.pod.PodTemplates;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.ScaleRule;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What the kinds that run replicas of a pod template (deployments, replica sets, replication
 * controllers) have in common: the {@code all} category, the {@code status} and {@code scale}
 * subresources, the apps/v1 selector rules and the table columns that describe the template.
 * Each kind keeps its own strategy; this base holds only what Kubernetes does alike for them.
 */
public abstract class WorkloadStrategy extends KindStrategy {

    private final ScaleRule scale;

    protected WorkloadStrategy(ResourceKind<?> kind, ScaleRule scale) {
        super(kind);
        this.scale = scale;
    }

    @Override
    public final List<String> categories() {
        return List.of("all");
    }

    @Override
    public final Set<String> subresources() {
        return Set.of("status", "scale");
    }

    @Override
    public final Optional<ScaleRule> scale() {
        return Optional.of(scale);
    }

    /**
     * An apps/v1 {@code spec.selector}: present, valid and not empty; the template is checked
     * against it only when it is, so that one bad selector is not reported twice.
     */
    protected static void validateSelectorAndTemplate(JsonNode spec, Validator v) {
        JsonNode selector = spec.get("selector");
        boolean usable = false;
        if (selector == null || selector.isNull()) {
            v.required("spec.selector");
        } else {
            int before = v.causes().size();
            LabelSelectors.validate(selector, "spec.selector", v);
            usable = v.causes().size() == before && !LabelSelectors.isEmpty(selector);
            if (LabelSelectors.isEmpty(selector)) {
                v.invalid("spec.selector", GoValue.labelSelector(selector), "empty selector is invalid for deployment");
            }
        }
        PodTemplates.validateForController(spec.get("template"), "spec.template",
                usable ? labels -> LabelSelectors.matches(selector, labels) : null, v);
    }

    /** apps/v1 selectors never change. */
    protected static void validateSelectorUnchanged(ObjectNode object, ObjectNode old, Validator v) {
        JsonNode selector = object.path("spec").path("selector");
        if (!Trees.same(selector, old.path("spec").path("selector"))) {
            v.immutable("spec.selector", GoValue.labelSelector(selector));
        }
    }

    /** The status of a replica set or replication controller, whose counters are the same. */
    protected static void validateReplicaSetStatus(ObjectNode object, Validator v) {
        String[] counters = {"fullyLabeledReplicas", "readyReplicas", "availableReplicas"};
        ReplicaStatus.validate(object.path("status"), counters, counters, v);
    }

    /** The {@code status.replicas} field selector of replica sets and replication controllers. */
    protected static Map<String, Function<ObjectNode, String>> replicasFieldSelector() {
        return Map.of("status.replicas", o -> String.valueOf(Cells.number(o, "status", "replicas")));
    }

    /**
     * The table of a workload: name, the kind's replica counters, age, then (wide) the template's
     * containers and images and the selector.
     */
    protected static List<Column> columns(List<Column> counters, String selectorDescription,
            Function<ObjectNode, Object> selector) {
        List<Column> columns = new ArrayList<>();
        columns.add(Column.NAME);
        columns.addAll(counters);
        columns.add(Column.AGE);
        columns.add(Column.wide("Containers", "Names of each container in the template.",
                o -> Cells.containerNames(o.path("spec").path("template").path("spec"))));
        columns.add(Column.wide("Images", "Images referenced by each container in the template.",
                o -> Cells.containerImages(o.path("spec").path("template").path("spec"))));
        columns.add(Column.wide("Selector", selectorDescription, selector));
        return List.copyOf(columns);
    }

    /**
     * The table of replica sets and replication controllers: desired, current and ready replicas;
     * only how the selector reads differs.
     */
    protected static List<Column> replicaSetColumns(Function<ObjectNode, Object> selector) {
        return columns(List.of(
                Column.integer("Desired", "Replicas is the number of desired replicas.",
                        o -> Cells.number(o, "spec", "replicas")),
                Column.integer("Current", "Replicas is the most recently observed number of replicas.",
                        o -> Cells.number(o, "status", "replicas")),
                Column.integer("Ready", "The number of ready replicas for this replica set.",
                        o -> Cells.number(o, "status", "readyReplicas"))),
                "Selector is a label query over pods that should match the replica count.", selector);
    }
}
