package io.gantry.api.client;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.json.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * A Kubernetes field selector: {@code metadata.name=web}, {@code spec.nodeName=},
 * {@code status.phase!=Running}, joined by commas. A missing field reads as empty, so
 * {@code spec.nodeName=} selects unscheduled pods.
 */
public final class FieldSelector implements Predicate<Object> {

    private record Term(String[] path, String value, boolean equal) {
    }

    private final List<Term> terms;

    private FieldSelector(List<Term> terms) {
        this.terms = terms;
    }

    /**
     * Parses a selector.
     *
     * @throws ApiException 400 BadRequest for a term that is not {@code field=value} or {@code field!=value}
     */
    public static FieldSelector parse(String selector) {
        List<Term> terms = new ArrayList<>();
        if (selector != null && !selector.isBlank()) {
            for (String term : selector.split(",")) {
                int notEqual = term.indexOf("!=");
                int equal = term.indexOf('=');
                if (notEqual > 0) {
                    terms.add(new Term(path(term.substring(0, notEqual)), term.substring(notEqual + 2).trim(), false));
                } else if (equal > 0) {
                    int valueStart = term.startsWith("==", equal) ? equal + 2 : equal + 1;
                    terms.add(new Term(path(term.substring(0, equal)), term.substring(valueStart).trim(), true));
                } else {
                    throw ApiException.badRequest("invalid field selector: '" + term.trim()
                            + "': expected field=value or field!=value");
                }
            }
        }
        return new FieldSelector(terms);
    }

    private static String[] path(String field) {
        return field.trim().split("\\.");
    }

    public boolean isEmpty() {
        return terms.isEmpty();
    }

    /** The value the selector requires of a field, if it has a term {@code field=value}. */
    public String requiredValue(String field) {
        for (Term term : terms) {
            if (term.equal && String.join(".", term.path).equals(field)) {
                return term.value;
            }
        }
        return null;
    }

    @Override
    public boolean test(Object object) {
        if (terms.isEmpty()) {
            return true;
        }
        JsonNode tree = Json.tree(object);
        for (Term term : terms) {
            JsonNode node = tree;
            for (String step : term.path) {
                node = node == null ? null : node.get(step);
            }
            String actual = node == null || node.isNull() ? "" : node.asText();
            if (term.equal != actual.equals(term.value)) {
                return false;
            }
        }
        return true;
    }
}
