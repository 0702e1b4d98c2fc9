package io.gantry.apiserver.kinds.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * events.k8s.io/v1 Events: the strict checks of {@code ValidateEventCreate} (an event time, a
 * Normal or Warning type, no deprecated fields) and, on update, every field but the series and
 * metadata immutable. Field paths are those of kube-apiserver's internal Event, which both event
 * APIs share ({@code message} for note, {@code involvedObject} for regarding).
 *
 * <p>They are stored as v1 events, as kube-apiserver stores both at {@code /registry/events/}: an
 * event written through either API is read, listed and watched through both, its fields renamed
 * as {@code pkg/apis/events/v1/conversion.go} renames them.
 */
public final class EventsV1Strategy extends KindStrategy {

    private static final List<String> IMMUTABLE = List.of("regarding", "reason", "note", "deprecatedSource",
            "deprecatedFirstTimestamp", "deprecatedLastTimestamp", "deprecatedCount", "type", "eventTime", "action",
            "related", "reportingController", "reportingInstance");
    private static final Map<String, String> INTERNAL_NAMES = Map.of("regarding", "involvedObject", "note", "message",
            "deprecatedSource", "source", "deprecatedFirstTimestamp", "firstTimestamp", "deprecatedLastTimestamp",
            "lastTimestamp", "deprecatedCount", "count");

    /** events.k8s.io/v1 field names by v1 field name; the others are the same in both. */
    private static final Map<String, String> FROM_CORE = Map.of("involvedObject", "regarding", "message", "note",
            "source", "deprecatedSource", "firstTimestamp", "deprecatedFirstTimestamp", "lastTimestamp",
            "deprecatedLastTimestamp", "count", "deprecatedCount", "reportingComponent", "reportingController");
    private static final Map<String, String> TO_CORE = FROM_CORE.entrySet().stream()
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Map.Entry::getValue, Map.Entry::getKey));

    public EventsV1Strategy() {
        super(ResourceKind.EVENTS_EVENTS_K8S_IO);
    }

    @Override
    public ResourceKind<?> storedAs() {
        return ResourceKind.EVENTS;
    }

    @Override
    public ObjectNode fromStorage(ObjectNode stored) {
        return renamed(stored, FROM_CORE, kind().apiVersion());
    }

    @Override
    public ObjectNode toStorage(ObjectNode event) {
        return renamed(event, TO_CORE, ResourceKind.EVENTS.apiVersion());
    }

    /** The event under the other API's field names, in the same order, with that API's apiVersion. */
    private static ObjectNode renamed(ObjectNode event, Map<String, String> names, String apiVersion) {
        ObjectNode renamed = event.objectNode();
        renamed.put("apiVersion", apiVersion);
        renamed.put("kind", "Event");
        event.fields().forEachRemaining(field -> {
            if (!field.getKey().equals("apiVersion") && !field.getKey().equals("kind")) {
                renamed.set(names.getOrDefault(field.getKey(), field.getKey()), field.getValue());
            }
        });
        return renamed;
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public void validate(ObjectNode event, Validator v) {
        EventValidation.strict(V1View.of(event), v);
    }

    @Override
    public void validateUpdate(ObjectNode event, ObjectNode old, Validator v) {
        V1View view = V1View.of(event);
        EventValidation.legacy(view, v);
        if (!Trees.same(event.path("series"), old.path("series"))) {
            EventValidation.series(view, v);
        }
        for (String field : IMMUTABLE) {
            JsonNode now = event.path(field);
            if (!Trees.same(now, old.path(field))) {
                v.immutable(INTERNAL_NAMES.getOrDefault(field, field), now.isMissingNode() ? "" : now);
            }
        }
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return EventFieldSelectors.of("regarding", "reportingController", V1View::of);
    }

    @Override
    public List<Column> columns() {
        return EventColumns.of(V1View::of);
    }

    /** An events.k8s.io/v1 Event read under the internal names. */
    record V1View(JsonNode event) implements EventColumns.View {

        static V1View of(JsonNode event) {
            return new V1View(event);
        }

        @Override
        public JsonNode involvedObject() {
            return event.path("regarding");
        }

        @Override
        public String text(String field) {
            return switch (field) {
                case "message" -> Trees.textOr(event, "", "note");
                case "firstTimestamp" -> Trees.textOr(event, "", "deprecatedFirstTimestamp");
                case "lastTimestamp" -> Trees.textOr(event, "", "deprecatedLastTimestamp");
                case "sourceComponent" -> Trees.textOr(event, "", "deprecatedSource", "component");
                case "sourceHost" -> Trees.textOr(event, "", "deprecatedSource", "host");
                default -> Trees.textOr(event, "", field);
            };
        }

        @Override
        public long count() {
            return event.path("deprecatedCount").asLong(0);
        }
    }
}
