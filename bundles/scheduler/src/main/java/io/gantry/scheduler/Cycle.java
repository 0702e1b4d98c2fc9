package io.gantry.scheduler;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One pod's scheduling attempt: the pod, and what the pod affinity filter needs computed once
 * for all nodes (Kubernetes' PreFilter): for each of the pod's affinity and anti-affinity terms
 * the topology values where matching pods are, and the topology pairs that existing pods'
 * anti-affinity forbids. Computed only when the pod or some placed pod has such terms.
 */
final class Cycle {

    final PodProfile pod;
    /** Per affinity term: the values of its topology key on nodes with matching pods. */
    final List<Set<String>> affinityDomains = new ArrayList<>();
    /** True if no placed pod matches any affinity term, and the pod matches all its own terms (the first of a group). */
    final boolean affinityBootstrap;
    final List<Set<String>> antiAffinityDomains = new ArrayList<>();
    /** {@code key=value} topology pairs where an existing pod's anti-affinity forbids this pod. */
    final Set<String> forbiddenByExisting = new HashSet<>();

    Cycle(PodProfile pod, SchedulerCache cache) {
        this.pod = pod;
        int matches = 0;
        for (PodAffinityTerm term : pod.podAffinity) {
            affinityDomains.add(domains(term, cache));
        }
        for (Set<String> domains : affinityDomains) {
            matches += domains.size();
        }
        boolean selfMatch = !pod.podAffinity.isEmpty();
        for (PodAffinityTerm term : pod.podAffinity) {
            selfMatch &= term.matches(pod);
        }
        this.affinityBootstrap = matches == 0 && selfMatch;
        for (PodAffinityTerm term : pod.podAntiAffinity) {
            antiAffinityDomains.add(domains(term, cache));
        }
        cache.forEachAntiAffinityPod((existing, node) -> {
            for (PodAffinityTerm term : existing.podAntiAffinity) {
                String value = node.label(term.topologyKey());
                if (value != null && term.matches(pod)) {
                    forbiddenByExisting.add(term.topologyKey() + "=" + value);
                }
            }
        });
    }

    boolean needsPodAffinity() {
        return !pod.podAffinity.isEmpty() || !pod.podAntiAffinity.isEmpty() || !forbiddenByExisting.isEmpty();
    }

    private static Set<String> domains(PodAffinityTerm term, SchedulerCache cache) {
        Set<String> values = new HashSet<>();
        cache.forEachPod((other, node) -> {
            String value = node.label(term.topologyKey());
            if (value != null && term.matches(other)) {
                values.add(value);
            }
        });
        return values;
    }
}
