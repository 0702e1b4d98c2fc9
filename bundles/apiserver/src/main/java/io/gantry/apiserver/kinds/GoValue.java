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

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    @Override
    public String toString() {
        return text;
    }
}
