package io.gantry.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A value shown in a validation message the way Go's {@code %#v} shows it, as kube-apiserver's
 * {@code field.Invalid} does for maps: {@code map[string]string{"app":"web"}}.
 */
public record GoValue(String text) {

    /** A string map: {@code map[string]string{"a":"b", "c":"d"}}, keys sorted; {@code (nil)} when absent. */
    public static GoValue stringMap(JsonNode map) {
        if (map == null || !map.isObject()) {
            return new GoValue("map[string]string(nil)");
        }
        Map<String, String> sorted = new TreeMap<>();
        map.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText("")));
        List<String> pairs = new ArrayList<>();
        sorted.forEach((k, v) -> pairs.add(quote(k) + ":" + quote(v)));
        return new GoValue("map[string]string{" + String.join(", ", pairs) + "}");
    }

    /**
     * A label selector as {@code field.Invalid} shows one:
     * {@code v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}.
     */
    public static GoValue labelSelector(JsonNode selector) {
        JsonNode labels = selector.get("matchLabels");
        String matchLabels = labels == null || labels.isNull() ? "map[string]string(nil)" : stringMap(labels).text();
        JsonNode expressions = selector.get("matchExpressions");
        String matchExpressions;
        if (expressions == null || expressions.isNull()) {
            matchExpressions = "[]v1.LabelSelectorRequirement(nil)";
        } else {
            List<String> items = new ArrayList<>();
            for (JsonNode e : expressions) {
                JsonNode values = e.get("values");
                items.add("v1.LabelSelectorRequirement{Key:" + quote(e.path("key").asText(""))
                        + ", Operator:" + quote(e.path("operator").asText("")) + ", Values:"
                        + (values == null || values.isNull() ? "[]string(nil)" : stringSlice(values).text()) + "}");
            }
            matchExpressions = "[]v1.LabelSelectorRequirement{" + String.join(", ", items) + "}";
        }
        return new GoValue("v1.LabelSelector{MatchLabels:" + matchLabels + ", MatchExpressions:" + matchExpressions + "}");
    }

    /** A string list: {@code []string{"a", "b"}}. */
    public static GoValue stringSlice(JsonNode list) {
        List<String> items = new ArrayList<>();
        list.forEach(item -> items.add(quote(item.asText(""))));
        return new GoValue("[]string{" + String.join(", ", items) + "}");
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public String toString() {
        return text;
    }
}
