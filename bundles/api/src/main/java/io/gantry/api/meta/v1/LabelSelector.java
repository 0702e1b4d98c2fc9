package io.gantry.api.meta.v1;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Kubernetes {@code LabelSelector} as objects carry it (a Deployment's or ReplicaSet's
 * {@code spec.selector}): labels that must be equal, and requirements; all must hold. An empty
 * selector matches every object.
 *
 * <p>For the string form that list and watch calls take, see {@link #asString()} and
 * {@link io.gantry.api.client.LabelSelector}.
 */
public class LabelSelector extends Extensible {

    public Map<String, String> matchLabels;
    public List<LabelSelectorRequirement> matchExpressions;

    public LabelSelector() {
    }

    /** A selector of equal labels. */
    public static LabelSelector of(Map<String, String> labels) {
        LabelSelector selector = new LabelSelector();
        selector.matchLabels = new LinkedHashMap<>(labels);
        return selector;
    }

    /** True if there is nothing to match: every object is selected. */
    @JsonIgnore
    public boolean isEmpty() {
        return (matchLabels == null || matchLabels.isEmpty()) && (matchExpressions == null || matchExpressions.isEmpty());
    }

    /**
     * True if labels (null for none) satisfy every term. A selector Kubernetes cannot convert (an
     * unknown operator, In or NotIn without values, Exists or DoesNotExist with values) matches
     * nothing, as controllers treat one.
     */
    public boolean matches(Map<String, String> labels) {
        if (!isValid()) {
            return false;
        }
        Map<String, String> present = labels == null ? Map.of() : labels;
        if (matchLabels != null) {
            for (Map.Entry<String, String> label : matchLabels.entrySet()) {
                String wanted = label.getValue() == null ? "" : label.getValue();
                if (!wanted.equals(present.get(label.getKey()))) {
                    return false;
                }
            }
        }
        for (LabelSelectorRequirement requirement : expressions()) {
            String value = present.get(requirement.key);
            boolean holds = switch (requirement.operator) {
                case "In" -> value != null && requirement.values.contains(value);
                case "NotIn" -> value == null || !requirement.values.contains(value);
                case "Exists" -> present.containsKey(requirement.key);
                default -> !present.containsKey(requirement.key); // DoesNotExist
            };
            if (!holds) {
                return false;
            }
        }
        return true;
    }

    /** True if every requirement has a known operator and values as that operator needs. */
    @JsonIgnore
    public boolean isValid() {
        for (LabelSelectorRequirement requirement : expressions()) {
            boolean noValues = requirement.values == null || requirement.values.isEmpty();
            boolean valid = switch (requirement.operator == null ? "" : requirement.operator) {
                case "In", "NotIn" -> !noValues;
                case "Exists", "DoesNotExist" -> noValues;
                default -> false;
            };
            if (!valid || requirement.key == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * The selector in the string form of list and watch calls ({@code app=web,tier in (a,b)}),
     * terms sorted by key as Kubernetes prints them; empty for the empty selector.
     *
     * @throws IllegalArgumentException if the selector is not {@link #isValid() valid}
     */
    public String asString() {
        if (!isValid()) {
            throw new IllegalArgumentException("invalid label selector: an operator is unknown or its values do not fit it");
        }
        // Kubernetes sorts requirements by key; stable for requirements on one key
        TreeMap<String, List<String>> terms = new TreeMap<>();
        if (matchLabels != null) {
            matchLabels.forEach((key, value) -> terms.computeIfAbsent(key, k -> new ArrayList<>()).add(key + "=" + value));
        }
        for (LabelSelectorRequirement requirement : expressions()) {
            String values = requirement.values == null ? "" : String.join(",", new TreeSet<>(requirement.values));
            String term = switch (requirement.operator) {
                case "In" -> requirement.key + " in (" + values + ")";
                case "NotIn" -> requirement.key + " notin (" + values + ")";
                case "Exists" -> requirement.key;
                default -> "!" + requirement.key;
            };
            terms.computeIfAbsent(requirement.key, k -> new ArrayList<>()).add(term);
        }
        List<String> all = new ArrayList<>();
        terms.values().forEach(all::addAll);
        return String.join(",", all);
    }

    private List<LabelSelectorRequirement> expressions() {
        return matchExpressions == null ? List.of() : matchExpressions;
    }
}
