package io.gantry.apiserver.kinds.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.apiserver.registry.Trees;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The field selectors of both event APIs, as kube-apiserver's {@code event.ToSelectableFields}:
 * the involved object's identity, the reason, the reporting component, the source (the reporting
 * component when no source is set) and the type. Only the names of two fields differ by version.
 */
final class EventFieldSelectors {

    private EventFieldSelectors() {
    }

    /**
     * @param involvedObject the name of the involved object's field in this API version
     * @param reporting the name of the reporting component's field in this API version
     */
    static Map<String, Function<ObjectNode, String>> of(String involvedObject, String reporting,
            Function<ObjectNode, EventColumns.View> view) {
        Map<String, Function<ObjectNode, String>> fields = new LinkedHashMap<>();
        for (String field : List.of("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")) {
            fields.put(involvedObject + "." + field, e -> Trees.textOr(view.apply(e).involvedObject(), "", field));
        }
        fields.put("reason", e -> view.apply(e).text("reason"));
        fields.put(reporting, e -> view.apply(e).text("reportingController"));
        fields.put("source", e -> {
            EventColumns.View event = view.apply(e);
            String component = event.text("sourceComponent");
            return component.isEmpty() ? event.text("reportingController") : component;
        });
        fields.put("type", e -> view.apply(e).text("type"));
        return fields;
    }
}
