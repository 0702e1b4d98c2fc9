package io.gantry.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.apiserver.registry.Validator;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code metav1.LabelSelector} trees ({@code matchLabels}, {@code matchExpressions}): matching,
 * checking and printing them as apimachinery does.
 */
public final class LabelSelectors {

    private LabelSelectors() {
    }

    /** True when the selector has no requirement (it then selects everything, or for workloads nothing). */
    public static boolean isEmpty(JsonNode selector) {
        return selector.path("matchLabels").isEmpty() && selector.path("matchExpressions").isEmpty();
    }

    /** True when the labels satisfy every requirement of the selector. */
    public static boolean matches(JsonNode selector, JsonNode labels) {
        var entries = selector.path("matchLabels").fields();
        while (entries.hasNext()) {
            var entry = entries.next();
            JsonNode value = labels.get(entry.getKey());
            if (value == null || !value.asText("").equals(entry.getValue().asText(""))) {
                return false;
            }
        }
        for (JsonNode requirement : selector.path("matchExpressions")) {
            JsonNode value = labels.get(requirement.path("key").asText(""));
            Set<String> values = new TreeSet<>();
            requirement.path("values").forEach(v -> values.add(v.asText("")));
            boolean satisfied = switch (requirement.path("operator").asText("")) {
                case "In" -> value != null && values.contains(value.asText(""));
                case "NotIn" -> value == null || !values.contains(value.asText(""));
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                default -> false;
            };
            if (!satisfied) {
                return false;
            }
        }
        return true;
    }

    /** Checks a selector as {@code ValidateLabelSelector} does, fields under {@code path}. */
    public static void validate(JsonNode selector, String path, Validator v) {
        v.labels(path + ".matchLabels", selector.path("matchLabels"));
        int i = 0;
        for (JsonNode requirement : selector.path("matchExpressions")) {
            String at = path + ".matchExpressions[" + i++ + "]";
            String operator = requirement.path("operator").asText("");
            int values = requirement.path("values").size();
            switch (operator) {
                case "In", "NotIn" -> {
                    if (values == 0) {
                        v.required(at + ".values", "must be specified when `operator` is 'In' or 'NotIn'");
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (values > 0) {
                        v.forbidden(at + ".values", "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
                    }
                }
                default -> v.invalid(at + ".operator", operator, "not a valid selector operator");
            }
            String key = requirement.path("key").asText("");
            v.qualifiedName(at + ".key", key);
            int j = 0;
            for (JsonNode value : requirement.path("values")) {
                v.labelValue(at + ".values[" + j++ + "]", value.asText(""));
            }
        }
    }

    /**
     * The selector as {@code labels.Selector.String()}: requirements sorted by key,
     * {@code k=v}, {@code k in (a,b)}, {@code k notin (a,b)}, {@code k}, {@code !k}.
     */
    public static String format(JsonNode selector) {
        record Requirement(String key, String text) {
        }
        List<Requirement> requirements = new ArrayList<>();
        selector.path("matchLabels").fields().forEachRemaining(e ->
                requirements.add(new Requirement(e.getKey(), e.getKey() + "=" + e.getValue().asText(""))));
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText("");
            Set<String> values = new TreeSet<>();
            expression.path("values").forEach(value -> values.add(value.asText("")));
            String text = switch (expression.path("operator").asText("")) {
                case "In" -> key + " in (" + String.join(",", values) + ")";
                case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
                case "Exists" -> key;
                case "DoesNotExist" -> "!" + key;
                default -> null;
            };
            if (text != null) {
                requirements.add(new Requirement(key, text));
            }
        }
        requirements.sort(Comparator.comparing(Requirement::key));
        List<String> texts = new ArrayList<>();
        requirements.forEach(r -> texts.add(r.text()));
        return String.join(",", texts);
    }
}
