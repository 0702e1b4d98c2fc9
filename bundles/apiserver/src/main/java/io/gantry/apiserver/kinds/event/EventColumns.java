package io.gantry.apiserver.kinds.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.kinds.Cells;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.Trees;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The columns of {@code kubectl get events}, as kube-apiserver's {@code printEvent} computes them
 * for both event APIs: LAST SEEN (from the series, the last or first timestamp, or the event
 * time), TYPE, REASON, OBJECT ({@code kind/name}), MESSAGE; wide adds SUBOBJECT, SOURCE, FIRST
 * SEEN, COUNT and NAME.
 */
final class EventColumns {

    /** The fields printEvent reads, whichever API version holds them. */
    interface View {
        /** The event as stored. */
        JsonNode event();

        default String namespace() {
            return Trees.textOr(event(), "", "metadata", "namespace");
        }

        JsonNode involvedObject();

        /** A text field by its internal name: type, reason, message, firstTimestamp, lastTimestamp, eventTime, ... */
        String text(String field);

        long count();

        default JsonNode series() {
            return event().path("series");
        }
    }

    private EventColumns() {
    }

    static List<Column> of(Function<ObjectNode, View> view) {
        return List.of(
                Column.of("Last Seen", "The time at which the most recent occurrence of this event was recorded.",
                        e -> lastSeen(view.apply(e))),
                Column.of("Type", "Type of this event (Normal, Warning), new types could be added in the future",
                        e -> view.apply(e).text("type")),
                Column.of("Reason", "This should be a short, machine understandable string that gives the reason for "
                        + "the transition into the object's current status.", e -> view.apply(e).text("reason")),
                Column.of("Object", "The object that this event is about.", e -> target(view.apply(e))),
                Column.wide("Subobject", "If referring to a piece of an object instead of an entire object, this "
                        + "string should contain a valid JSON/Go field access statement.",
                        e -> view.apply(e).involvedObject().path("fieldPath").asText("")),
                Column.wide("Source", "The component reporting this event.", e -> source(view.apply(e))),
                Column.of("Message", "A human-readable description of the status of this operation.",
                        e -> view.apply(e).text("message").strip()),
                Column.wide("First Seen", "The time at which the event was first recorded.",
                        e -> firstSeen(view.apply(e))),
                new Column("Count", "string", "", "The number of times this event has occurred.", 1,
                        e -> count(view.apply(e))),
                new Column("Name", "string", "name", Column.NAME.description(), 1,
                        e -> e.path("metadata").path("name").asText("")));
    }

    private static String since(String timestamp) {
        return Cells.since(timestamp);
    }

    static String firstSeen(View e) {
        String first = e.text("firstTimestamp");
        return first.isEmpty() ? since(e.text("eventTime")) : since(first);
    }

    static String lastSeen(View e) {
        JsonNode series = e.series();
        if (series.isObject()) {
            return since(series.path("lastObservedTime").asText(""));
        }
        String last = e.text("lastTimestamp");
        return last.isEmpty() ? firstSeen(e) : since(last);
    }

    static long count(View e) {
        JsonNode series = e.series();
        if (series.isObject()) {
            return series.path("count").asLong(0);
        }
        return e.count() == 0 ? 1 : e.count();
    }

    static String target(View e) {
        JsonNode involved = e.involvedObject();
        String kind = involved.path("kind").asText("").toLowerCase(Locale.ROOT);
        String name = involved.path("name").asText("");
        return name.isEmpty() ? kind : kind + "/" + name;
    }

    /** formatEventSource: component (or reporting controller), then {@code , host} (or reporting instance). */
    static String source(View e) {
        String component = e.text("sourceComponent");
        if (component.isEmpty()) {
            component = e.text("reportingController");
        }
        String host = e.text("sourceHost");
        if (host.isEmpty()) {
            host = e.text("reportingInstance");
        }
        return host.isEmpty() ? component : component + ", " + host;
    }
}
