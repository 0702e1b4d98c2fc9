package io.gantry.apiserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.LabelSelector;
import io.gantry.apiserver.registry.KindStrategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The label and field selectors of a list or watch, checked against what the kind supports
 * (kube-apiserver answers 400 for a field it cannot select on) and tested on stored trees.
 */
public final class Selection implements Predicate<ObjectNode> {

    private record FieldTerm(String field, Function<ObjectNode, String> reader, String value, boolean equal) {
    }

    private final LabelSelector labels;
    private final List<FieldTerm> fields;

    private Selection(LabelSelector labels, List<FieldTerm> fields) {
        this.labels = labels;
        this.fields = fields;
    }

    /** Everything. */
    public static Selection all() {
        return new Selection(LabelSelector.parse(null), List.of());
    }

    /**
     * Parses both selectors for a kind.
     *
     * @throws ApiException 400 for a malformed selector or a field the kind cannot select on
     */
    public static Selection of(KindStrategy kind, String labelSelector, String fieldSelector) {
        List<FieldTerm> terms = new ArrayList<>();
        if (fieldSelector != null && !fieldSelector.isBlank()) {
            Map<String, Function<ObjectNode, String>> readers = new HashMap<>(kind.fieldSelectors());
            readers.putIfAbsent("metadata.name", o -> o.path("metadata").path("name").asText(""));
            readers.putIfAbsent("metadata.namespace", o -> o.path("metadata").path("namespace").asText(""));
            for (String term : fieldSelector.split(",")) {
                int notEqual = term.indexOf("!=");
                int equal = term.indexOf('=');
                String field;
                String value;
                boolean isEqual;
                if (notEqual > 0) {
                    field = term.substring(0, notEqual).trim();
                    value = term.substring(notEqual + 2).trim();
                    isEqual = false;
                } else if (equal > 0) {
                    field = term.substring(0, equal).trim();
                    value = term.substring(term.startsWith("==", equal) ? equal + 2 : equal + 1).trim();
                    isEqual = true;
                } else {
                    throw ApiException.badRequest("unable to parse requirement: invalid field selector: '" + term.trim()
                            + "': expected field=value, field==value or field!=value");
                }
                Function<ObjectNode, String> reader = readers.get(field);
                if (reader == null) {
                    throw ApiException.badRequest("field label not supported: " + field);
                }
                terms.add(new FieldTerm(field, reader, value, isEqual));
            }
        }
        return new Selection(LabelSelector.parse(labelSelector), terms);
    }

    public boolean isEmpty() {
        return labels.isEmpty() && fields.isEmpty();
    }

    /** The value a term {@code field=value} requires, or null: lets lists use an index. */
    public String requiredField(String field) {
        for (FieldTerm term : fields) {
            if (term.equal && term.field.equals(field)) {
                return term.value;
            }
        }
        return null;
    }

    @Override
    public boolean test(ObjectNode object) {
        if (!labels.isEmpty() && !labels.test(labelsOf(object))) {
            return false;
        }
        for (FieldTerm term : fields) {
            String actual = term.reader.apply(object);
            if (term.equal != term.value.equals(actual == null ? "" : actual)) {
                return false;
            }
        }
        return true;
    }

    static Map<String, String> labelsOf(JsonNode object) {
        JsonNode labels = object.path("metadata").path("labels");
        if (!labels.isObject() || labels.isEmpty()) {
            return Map.of();
        }
        Map<String, String> map = new HashMap<>();
        labels.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }
}
