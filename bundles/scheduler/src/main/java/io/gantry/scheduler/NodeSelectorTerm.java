package io.gantry.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One term of a node affinity ({@code nodeSelectorTerms[i]}, or a preferred term's
 * {@code preference}): its requirements all hold. A term without requirements matches no node,
 * as in Kubernetes.
 */
record NodeSelectorTerm(List<Requirement> labels, List<Requirement> fields) {

    /** One {@code matchExpressions} or {@code matchFields} entry. */
    record Requirement(String key, String operator, List<String> values) {

        /** True if the value (null when the node has no such label) satisfies the requirement. */
        boolean matches(String value) {
            return switch (operator) {
                case "In" -> value != null && values.contains(value);
                case "NotIn" -> value == null || !values.contains(value);
                case "Exists" -> value != null;
                case "DoesNotExist" -> value == null;
                case "Gt", "Lt" -> compare(value);
                default -> false;
            };
        }

        private boolean compare(String value) {
            if (value == null || values.size() != 1) {
                return false;
            }
            try {
                long actual = Long.parseLong(value);
                long bound = Long.parseLong(values.get(0));
                return "Gt".equals(operator) ? actual > bound : actual < bound;
            } catch (NumberFormatException e) {
                return false;
            }
        }
    }

    boolean matches(Map<String, String> nodeLabels, String nodeName) {
        if (labels.isEmpty() && fields.isEmpty()) {
            return false;
        }
        for (Requirement requirement : labels) {
            if (!requirement.matches(nodeLabels.get(requirement.key()))) {
                return false;
            }
        }
        for (Requirement requirement : fields) {
            // metadata.name is the one field Kubernetes lets a node selector match
            String value = "metadata.name".equals(requirement.key()) ? nodeName : null;
            if (!requirement.matches(value)) {
                return false;
            }
        }
        return true;
    }

    /** True if any of the terms matches (Kubernetes ORs the terms of a node selector). */
    static boolean anyMatches(List<NodeSelectorTerm> terms, Map<String, String> nodeLabels, String nodeName) {
        for (NodeSelectorTerm term : terms) {
            if (term.matches(nodeLabels, nodeName)) {
                return true;
            }
        }
        return false;
    }

    /** Reads a {@code NodeSelectorTerm} object. */
    static NodeSelectorTerm read(JsonNode term) {
        return new NodeSelectorTerm(requirements(term.path("matchExpressions")), requirements(term.path("matchFields")));
    }

    private static List<Requirement> requirements(JsonNode list) {
        List<Requirement> requirements = new ArrayList<>();
        for (JsonNode expression : list) {
            List<String> values = new ArrayList<>();
            expression.path("values").forEach(value -> values.add(value.asText()));
            requirements.add(new Requirement(expression.path("key").asText(), expression.path("operator").asText(),
                    List.copyOf(values)));
        }
        return List.copyOf(requirements);
    }
}
