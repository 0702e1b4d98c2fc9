package io.gantry.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.client.LabelSelector;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One required pod affinity or anti-affinity term: the pods its label selector picks (in its
 * namespaces), and the node label that makes a topology domain ({@code kubernetes.io/hostname}:
 * each node its own). A missing label selector picks no pod, an empty one every pod; no
 * namespaces and no namespace selector mean the pod's own namespace, an empty namespace selector
 * every namespace.
 */
record PodAffinityTerm(LabelSelector selector, Set<String> namespaces, boolean allNamespaces, String topologyKey) {

    /** True if the other pod is one this term picks. */
    boolean matches(PodProfile other) {
        if (selector == null) {
            return false;
        }
        if (!allNamespaces && !namespaces.contains(other.namespace())) {
            return false;
        }
        return selector.test(other.labels());
    }

    /** Reads the terms of one {@code requiredDuringSchedulingIgnoredDuringExecution} list. */
    static List<PodAffinityTerm> readAll(JsonNode terms, String podNamespace) {
        List<PodAffinityTerm> read = new ArrayList<>();
        for (JsonNode term : terms) {
            read.add(read(term, podNamespace));
        }
        return List.copyOf(read);
    }

    private static PodAffinityTerm read(JsonNode term, String podNamespace) {
        JsonNode selector = term.get("labelSelector");
        Set<String> namespaces = new HashSet<>();
        term.path("namespaces").forEach(ns -> namespaces.add(ns.asText()));
        JsonNode namespaceSelector = term.get("namespaceSelector");
        boolean all = namespaceSelector != null && namespaceSelector.isObject() && namespaceSelector.isEmpty();
        if (namespaces.isEmpty() && !all) {
            namespaces.add(podNamespace);
        }
        return new PodAffinityTerm(selector == null || selector.isNull() ? null : LabelSelector.parse(selectorString(selector)),
                Set.copyOf(namespaces), all, term.path("topologyKey").asText());
    }

    /** A {@code LabelSelector} object in its string form ({@code a=b,c in (d,e),!f}). */
    static String selectorString(JsonNode selector) {
        List<String> terms = new ArrayList<>();
        for (Map.Entry<String, JsonNode> label : iterable(selector.path("matchLabels"))) {
            terms.add(label.getKey() + "=" + label.getValue().asText());
        }
        for (JsonNode expression : selector.path("matchExpressions")) {
            String key = expression.path("key").asText();
            List<String> values = new ArrayList<>();
            expression.path("values").forEach(value -> values.add(value.asText()));
            switch (expression.path("operator").asText()) {
                case "In" -> terms.add(key + " in (" + String.join(",", values) + ")");
                case "NotIn" -> terms.add(key + " notin (" + String.join(",", values) + ")");
                case "Exists" -> terms.add(key);
                case "DoesNotExist" -> terms.add("!" + key);
                default -> terms.add(key + " in ()"); // an operator Kubernetes does not know selects nothing
            }
        }
        return String.join(",", terms);
    }

    private static Iterable<Map.Entry<String, JsonNode>> iterable(JsonNode object) {
        return object::fields;
    }
}
