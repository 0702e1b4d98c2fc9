package io.gantry.apiserver.kinds.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ResourceKind;
import io.gantry.apiserver.registry.Column;
import io.gantry.apiserver.registry.KindStrategy;
import io.gantry.apiserver.registry.NameRule;
import io.gantry.apiserver.registry.Trees;
import io.gantry.apiserver.registry.Validator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * v1 Events, as {@code pkg/registry/core/event/strategy.go}: the legacy checks only (the
 * involved object's namespace is the event's; events with an eventTime name their reporter),
 * created on update, and the columns of {@code kubectl get events}.
 */
public final class EventStrategy extends KindStrategy {

    public EventStrategy() {
        super(ResourceKind.EVENTS);
    }

    /** v1 events skip ValidateObjectMeta's name check for compatibility; a path segment is all that is needed. */
    @Override
    public NameRule nameRule() {
        return NameRule.PATH_SEGMENT;
    }

    @Override
    public boolean allowCreateOnUpdate() {
        return true;
    }

    @Override
    public void validate(ObjectNode event, Validator v) {
        EventValidation.legacy(CoreView.of(event), v);
    }

    @Override
    public Map<String, Function<ObjectNode, String>> fieldSelectors() {
        return EventFieldSelectors.of("involvedObject", "reportingComponent", CoreView::of);
    }

    @Override
    public List<Column> columns() {
        return EventColumns.of(CoreView::of);
    }

    /** A v1 Event's fields, under the names both event APIs share in kube-apiserver's internal type. */
    record CoreView(JsonNode event) implements EventColumns.View {

        static CoreView of(JsonNode event) {
            return new CoreView(event);
        }

        @Override
        public JsonNode involvedObject() {
            return event.path("involvedObject");
        }

        @Override
        public String text(String field) {
            return switch (field) {
                case "sourceComponent" -> Trees.textOr(event, "", "source", "component");
                case "sourceHost" -> Trees.textOr(event, "", "source", "host");
                case "reportingController" -> Trees.textOr(event, "", "reportingComponent");
                default -> Trees.textOr(event, "", field);
            };
        }

        @Override
        public long count() {
            return event.path("count").asLong(0);
        }
    }
}
