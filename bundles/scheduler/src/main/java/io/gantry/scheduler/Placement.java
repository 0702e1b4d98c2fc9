package io.gantry.scheduler;

import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.meta.v1.Times;
import io.gantry.api.scheduler.SchedulerPolicy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Chooses a node for a pod over the scheduler's cache, as kube-scheduler's scheduling cycle
 * does: filters nodes from a rotating start until enough fit (all of them in clusters under 100
 * nodes, an adaptive share of larger ones: Kubernetes' {@code percentageOfNodesToScore}), then
 * scores those with the policy plus preferred node affinity (weight 2) and PreferNoSchedule
 * taints (weight 3), each normalised to 0..100, and takes the best. Pure but for the rotating
 * start: it changes nothing in the cache.
 */
final class Placement {

    /** The message when the cluster has no node at all, as kube-scheduler's. */
    static final String NO_NODES = "no nodes available to schedule pods";
    static final int NODE_AFFINITY_WEIGHT = 2;
    static final int TAINT_TOLERATION_WEIGHT = 3;
    private static final int MIN_FEASIBLE_NODES = 100;
    private static final int MIN_PERCENTAGE = 5;

    /** A node name, or none with the reason in Kubernetes' words. */
    record Decision(String node, String message) {
        static Decision none(String message) {
            return new Decision(null, message);
        }
    }

    private final int percentageOfNodesToScore;
    private int nextStart;

    /** @param percentageOfNodesToScore the share of nodes to find feasible before scoring; 0 adapts to the cluster's size */
    Placement(int percentageOfNodesToScore) {
        this.percentageOfNodesToScore = percentageOfNodesToScore;
    }

    Decision choose(PodProfile pod, SchedulerCache cache, SchedulerPolicy policy) {
        CachedNode[] nodes = cache.nodes();
        if (nodes.length == 0) {
            return Decision.none(NO_NODES);
        }
        Cycle cycle = new Cycle(pod, cache);
        Filter[] filters = Filters.relevant(cycle);
        int wanted = feasibleNodesToFind(nodes.length);
        boolean simple = pod.preferredNodeTerms.isEmpty() && !cache.anyPreferNoSchedule();
        List<CachedNode> feasible = simple ? null : new ArrayList<>();
        List<String> reasons = new ArrayList<>(4);
        Map<String, Integer> rejected = null;
        CachedNode best = null;
        int bestScore = -1;
        int found = 0;
        int processed = 0;
        for (; processed < nodes.length && found < wanted; processed++) {
            CachedNode node = nodes[(nextStart + processed) % nodes.length];
            if (!passes(filters, cycle, node, reasons)) {
                if (rejected == null) {
                    rejected = new HashMap<>();
                }
                for (String reason : reasons) {
                    rejected.merge(reason, 1, Integer::sum);
                }
                reasons.clear();
                continue;
            }
            found++;
            if (simple) {
                int score = policy.score(pod, node);
                if (score > bestScore) {
                    best = node;
                    bestScore = score;
                }
            } else {
                feasible.add(node);
            }
        }
        nextStart = (nextStart + processed) % nodes.length;
        if (!simple && !feasible.isEmpty()) {
            best = weighted(pod, feasible, policy);
        }
        if (best != null) {
            return new Decision(best.name, null);
        }
        return Decision.none(message(nodes.length, rejected == null ? Map.of() : rejected));
    }

    private static boolean passes(Filter[] filters, Cycle cycle, CachedNode node, List<String> reasons) {
        for (int i = 0; i < filters.length; i++) {
            if (!filters[i].filter(cycle, node, reasons)) {
                return false;
            }
        }
        return true;
    }

    /** The best node by policy score plus the normalised node affinity and taint toleration scores. */
    private static CachedNode weighted(PodProfile pod, List<CachedNode> feasible, SchedulerPolicy policy) {
        int n = feasible.size();
        long[] affinity = new long[n];
        long[] intolerable = new long[n];
        long maxAffinity = 0;
        long maxIntolerable = 0;
        for (int i = 0; i < n; i++) {
            CachedNode node = feasible.get(i);
            for (PodProfile.WeightedTerm term : pod.preferredNodeTerms) {
                if (term.term().matches(node.labels, node.name)) {
                    affinity[i] += term.weight();
                }
            }
            if (node.hasPreferNoSchedule) {
                for (Taint taint : node.taints) {
                    if (Taint.PREFER_NO_SCHEDULE.equals(taint.effect) && !preferTolerated(pod, taint)) {
                        intolerable[i]++;
                    }
                }
            }
            maxAffinity = Math.max(maxAffinity, affinity[i]);
            maxIntolerable = Math.max(maxIntolerable, intolerable[i]);
        }
        CachedNode best = null;
        long bestScore = Long.MIN_VALUE;
        for (int i = 0; i < n; i++) {
            CachedNode node = feasible.get(i);
            long affinityScore = maxAffinity == 0 ? 0 : affinity[i] * SchedulerPolicy.MAX_SCORE / maxAffinity;
            // fewer intolerable PreferNoSchedule taints is better: Kubernetes reverses the normalised count
            long taintScore = SchedulerPolicy.MAX_SCORE
                    - (maxIntolerable == 0 ? 0 : intolerable[i] * SchedulerPolicy.MAX_SCORE / maxIntolerable);
            long score = policy.score(pod, node) + NODE_AFFINITY_WEIGHT * affinityScore + TAINT_TOLERATION_WEIGHT * taintScore;
            if (score > bestScore) {
                best = node;
                bestScore = score;
            }
        }
        return best;
    }

    /** Only tolerations of PreferNoSchedule (or of every effect) count for the score, as in Kubernetes. */
    private static boolean preferTolerated(PodProfile pod, Taint taint) {
        for (var toleration : pod.tolerations) {
            if ((toleration.effect == null || toleration.effect.isEmpty() || Taint.PREFER_NO_SCHEDULE.equals(toleration.effect))
                    && toleration.tolerates(taint)) {
                return true;
            }
        }
        return false;
    }

    /** Kubernetes' {@code numFeasibleNodesToFind}. */
    int feasibleNodesToFind(int all) {
        if (all < MIN_FEASIBLE_NODES || percentageOfNodesToScore >= 100) {
            return all;
        }
        int percentage = percentageOfNodesToScore;
        if (percentage <= 0) {
            percentage = Math.max(MIN_PERCENTAGE, 50 - all / 125);
        }
        int count = all * percentage / 100;
        return Math.max(count, MIN_FEASIBLE_NODES);
    }

    /**
     * kube-scheduler's message: "0/3 nodes are available: 1 Insufficient cpu, 2 node(s) didn't
     * match Pod's node affinity/selector." Each entry is "count reason", sorted as strings.
     * Gantry does not preempt, so the "preemption: ..." sentence Kubernetes 1.27+ appends is left out.
     */
    static String message(int nodes, Map<String, Integer> rejected) {
        List<String> entries = new ArrayList<>();
        rejected.forEach((reason, count) -> entries.add(count + " " + reason));
        entries.sort(null);
        StringBuilder message = new StringBuilder("0/").append(nodes).append(" nodes are available:");
        if (!entries.isEmpty()) {
            message.append(' ').append(String.join(", ", entries)).append('.');
        }
        return message.toString();
    }

    /** Sets {@code PodScheduled=False, Unschedulable}; false if the pod already says exactly that. */
    static boolean setUnschedulable(Pod pod, String message) {
        List<PodCondition> conditions = pod.status().conditions == null ? new ArrayList<>() : new ArrayList<>(pod.status().conditions);
        for (PodCondition condition : conditions) {
            if ("PodScheduled".equals(condition.type)) {
                if ("False".equals(condition.status) && "Unschedulable".equals(condition.reason)
                        && Objects.equals(message, condition.message)) {
                    return false;
                }
                if (!"False".equals(condition.status)) {
                    condition.lastTransitionTime = Times.now();
                }
                condition.status = "False";
                condition.reason = "Unschedulable";
                condition.message = message;
                pod.status.conditions = conditions;
                return true;
            }
        }
        PodCondition condition = new PodCondition("PodScheduled", "False", Times.now());
        condition.reason = "Unschedulable";
        condition.message = message;
        conditions.add(condition);
        pod.status.conditions = conditions;
        return true;
    }
}
