package io.gantry.apiserver.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.meta.v1.Times;
import io.gantry.api.print.Printers;
import io.gantry.apiserver.registry.Trees;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Table cells as kube-apiserver's printers format them ({@code pkg/printers/internalversion}):
 * label maps, label selectors, the containers of a pod template.
 */
public final class Cells {

    /** What printers show for an empty value. */
    public static final String NONE = "<none>";

    private Cells() {
    }

    /** A label map as {@code labels.FormatLabels}: {@code a=b,c=d} sorted by key, {@code <none>} when empty. */
    public static String labels(JsonNode labels) {
        Map<String, String> sorted = new TreeMap<>();
        labels.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText("")));
        if (sorted.isEmpty()) {
            return NONE;
        }
        List<String> pairs = new ArrayList<>();
        sorted.forEach((key, value) -> pairs.add(key + "=" + value));
        return String.join(",", pairs);
    }

    /** A label selector as {@code metav1.FormatLabelSelector}: {@code <none>} when it selects everything. */
    public static String selector(JsonNode selector) {
        String text = LabelSelectors.format(selector);
        return text.isEmpty() ? NONE : text;
    }

    /** The container names of a pod spec, comma-separated. */
    public static String containerNames(JsonNode podSpec) {
        return containerField(podSpec, "name");
    }

    /** The container images of a pod spec, comma-separated. */
    public static String containerImages(JsonNode podSpec) {
        return containerField(podSpec, "image");
    }

    private static String containerField(JsonNode podSpec, String field) {
        List<String> values = new ArrayList<>();
        for (JsonNode container : podSpec.path("containers")) {
            values.add(container.path(field).asText(""));
        }
        return String.join(",", values);
    }

    /** The text, or {@code <none>} when absent or empty. */
    public static String orNone(String text) {
        return text == null || text.isEmpty() ? NONE : text;
    }

    /** An integer field, 0 when absent (as Go's zero value). */
    public static long number(JsonNode node, String... path) {
        return Trees.at(node, path).asLong(0);
    }

    /** A timestamp, or null when absent or not one (a tree may hold any string there). */
    public static Instant instant(String timestamp) {
        if (timestamp == null || timestamp.isEmpty()) {
            return null;
        }
        try {
            return Times.parse(timestamp);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** The time since a timestamp as kubectl prints ages, {@code <unknown>} without one. */
    public static String since(String timestamp) {
        Instant at = instant(timestamp);
        return at == null ? "<unknown>" : Printers.humanDuration(Duration.between(at, Instant.now()));
    }

    /** A list of at most three items, then {@code + N more...}, as the printers' formatEndpoints. */
    public static String firstThree(List<String> items, String whenEmpty) {
        if (items.isEmpty()) {
            return whenEmpty;
        }
        if (items.size() <= 3) {
            return String.join(",", items);
        }
        return String.join(",", items.subList(0, 3)) + " + " + (items.size() - 3) + " more...";
    }
}
