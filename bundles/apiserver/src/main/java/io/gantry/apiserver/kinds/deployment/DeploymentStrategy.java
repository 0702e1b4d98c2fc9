package io.gantry.apiserver.kinds.deployment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.kinds.GoValue;
import io.gantry.apiserver.kinds.LabelSelectors;
import io.gantry.apiserver.kinds.ReplicaStatus;
import io.gantry.apiserver.kinds.WorkloadStrategy;
import io.gantry.apiserver.kinds.pod.PodTemplates;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.ScaleRule;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * apps/v1 Deployments, as {@code pkg/registry/apps/deployment/strategy.go}: one replica, a 25%/25%
 * rolling update, ten old replica sets kept and a 600 s progress deadline by default; a selector
 * that matches the template's labels and never changes.
 */
public final class DeploymentStrategy extends WorkloadStrategy {

    private static final Pattern PERCENT = Pattern.compile("[0-9]+%");

    public DeploymentStrategy() {
        super(ResourceKind.DEPLOYMENTS, ScaleRule.APPS);
    }

    /** SetDefaults_Deployment. */
    @Override
    public void applyDefaults(ObjectNode deployment) {
        ObjectNode spec = Trees.object(deployment, "spec");
        Trees.defaultLong(spec, "replicas", 1);
        ObjectNode strategy = Trees.object(spec, "strategy");
        if (Trees.textOr(strategy, "", "type").isEmpty()) {
            strategy.put("type", "RollingUpdate");
        }
        if ("RollingUpdate".equals(Trees.text(strategy, "type"))) {
            ObjectNode rolling = Trees.object(strategy, "rollingUpdate");
            Trees.defaultText(rolling, "maxUnavailable", "25%");
            Trees.defaultText(rolling, "maxSurge", "25%");
        }
        Trees.defaultLong(spec, "revisionHistoryLimit", 10);
        Trees.defaultLong(spec, "progressDeadlineSeconds", 600);
        PodTemplates.defaults(spec.path("template"));
    }

    @Override
    public void validate(ObjectNode deployment, Validator v) {
        JsonNode spec = deployment.path("spec");
        ReplicaStatus.validateReplicas(spec, v);
        validateSelectorAndTemplate(spec, v);
        strategy(spec.path("strategy"), v);
        long minReady = spec.path("minReadySeconds").asLong(0);
        v.nonNegative("spec.minReadySeconds", minReady);
        JsonNode history = spec.get("revisionHistoryLimit");
        if (history != null && history.isNumber()) {
            v.nonNegative("spec.revisionHistoryLimit", history.asLong());
        }
        JsonNode deadline = spec.get("progressDeadlineSeconds");
        if (deadline != null && deadline.isNumber()) {
            if (v.nonNegative("spec.progressDeadlineSeconds", deadline.asLong()) && deadline.asLong() <= minReady) {
                v.invalid("spec.progressDeadlineSeconds", deadline.asLong(), "must be greater than minReadySeconds");
            }
        }
    }

    private static void strategy(JsonNode strategy, Validator v) {
        String type = Trees.textOr(strategy, "", "type");
        JsonNode rolling = strategy.get("rollingUpdate");
        boolean hasRolling = rolling != null && !rolling.isNull();
        switch (type) {
            case "Recreate" -> {
                if (hasRolling) {
                    v.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
                }
            }
            case "RollingUpdate" -> {
                if (!hasRolling) {
                    v.required("spec.strategy.rollingUpdate", "this should be defaulted and never be nil");
                    return;
                }
                String path = "spec.strategy.rollingUpdate.";
                long unavailable = intOrPercent(rolling.get("maxUnavailable"), path + "maxUnavailable", v);
                long surge = intOrPercent(rolling.get("maxSurge"), path + "maxSurge", v);
                if (unavailable == 0 && surge == 0) {
                    v.invalid(path + "maxUnavailable", shown(rolling.get("maxUnavailable")),
                            "may not be 0 when `maxSurge` is 0");
                }
                JsonNode max = rolling.get("maxUnavailable");
                if (max != null && max.isTextual() && PERCENT.matcher(max.asText()).matches()
                        && percent(max.asText()) > 100) {
                    v.invalid(path + "maxUnavailable", shown(max), "must not be greater than 100%");
                }
            }
            default -> v.notSupported("spec.strategy", new GoValue("apps.DeploymentStrategy{Type:\"" + type
                    + "\", RollingUpdate:(*apps.RollingUpdateDeployment)" + (hasRolling ? "{...}" : "(nil)") + "}"),
                    List.of("Recreate", "RollingUpdate"));
        }
    }

    /** The value of an int-or-percent, checked as ValidatePositiveIntOrPercent; -1 when invalid. */
    private static long intOrPercent(JsonNode value, String path, Validator v) {
        if (value == null || value.isNull()) {
            return 0;
        }
        if (value.isNumber()) {
            return v.nonNegative(path, value.asLong()) ? value.asLong() : -1;
        }
        String text = value.asText();
        if (!PERCENT.matcher(text).matches()) {
            v.invalid(path, shown(value), "a valid percent string must be a numeric string followed by an ending "
                    + "'%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')");
            return -1;
        }
        return percent(text);
    }

    /** The number of a percentage such as {@code 25%}; very long ones count as more than 100. */
    private static long percent(String text) {
        String digits = text.substring(0, text.length() - 1).replaceFirst("^0+(?=.)", "");
        return digits.length() > 9 ? Long.MAX_VALUE : Long.parseLong(digits);
    }

    /** An IntOrString as field.Invalid shows it. */
    private static GoValue shown(JsonNode value) {
        if (value == null || value.isNull()) {
            return new GoValue("intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}");
        }
        return value.isNumber()
                ? new GoValue("intstr.IntOrString{Type:0, IntVal:" + value.asLong() + ", StrVal:\"\"}")
                : new GoValue("intstr.IntOrString{Type:1, IntVal:0, StrVal:\"" + value.asText() + "\"}");
    }

    /** apps/v1 selectors are immutable. */
    @Override
    public void validateUpdate(ObjectNode deployment, ObjectNode old, Validator v) {
        validate(deployment, v);
        validateSelectorUnchanged(deployment, old, v);
    }

    @Override
    public void validateStatusUpdate(ObjectNode deployment, ObjectNode old, Validator v) {
        JsonNode status = deployment.path("status");
        ReplicaStatus.validate(status,
                new String[] {"updatedReplicas", "readyReplicas", "availableReplicas", "unavailableReplicas", "collisionCount"},
                new String[] {"updatedReplicas", "availableReplicas"}, v);
    }

    @Override
    public List<Column> columns() {
        return columns(List.of(
                Column.of("Ready", "Number of the pod with ready state", d -> Cells.number(d, "status", "readyReplicas")
                        + "/" + Cells.number(d, "spec", "replicas")),
                Column.of("Up-to-date", "Total number of non-terminating pods targeted by this deployment that have the "
                        + "desired template spec.", d -> Cells.number(d, "status", "updatedReplicas")),
                Column.of("Available", "Total number of available non-terminating pods (ready for at least "
                        + "minReadySeconds) targeted by this deployment.", d -> Cells.number(d, "status", "availableReplicas"))),
                "Label selector for pods.", d -> LabelSelectors.format(d.path("spec").path("selector")));
    }
}
