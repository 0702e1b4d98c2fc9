package io.gantry.controllers.replication;

import io.gantry.api.core.v1.ContainerStatus;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.meta.v1.Times;
import io.gantry.controllers.PodStates;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The order in which a scale-down deletes pods, as Kubernetes' {@code ActivePodsWithRanks}: the
 * pods that cost least to lose first. A pod comes earlier when it is
 * <ol>
 * <li>not scheduled (and the other is),</li>
 * <li>in an earlier phase: Pending, then Unknown, then Running,</li>
 * <li>not ready (and the other is),</li>
 * <li>of a lower {@code controller.kubernetes.io/pod-deletion-cost},</li>
 * <li>on a node with more related pods (doubled up),</li>
 * <li>ready for less time,</li>
 * <li>restarted more often (its most restarted container),</li>
 * <li>newer.</li>
 * </ol>
 * Ready and creation times are compared on a logarithmic scale of their age, as
 * {@code LogarithmicScaleDown}: pods of the same rank are ordered by uid, pseudo-randomly, so that
 * repeated scale-downs do not always pick the same node.
 */
public final class ActivePods {

    /** The annotation a user sets to make a pod cheaper (lower) or dearer to delete. */
    public static final String DELETION_COST = "controller.kubernetes.io/pod-deletion-cost";

    private ActivePods() {
    }

    /**
     * The {@code count} pods to delete among {@code candidates}.
     *
     * @param related the pods whose placement ranks the candidates: the owner's, or all of its
     *     controller's (every ReplicaSet of a Deployment); usually a superset of the candidates
     */
    public static List<Pod> toDelete(List<Pod> candidates, List<Pod> related, int count, Instant now) {
        List<Pod> sorted = new ArrayList<>(candidates);
        if (count < sorted.size()) {
            Comparator<Pod> order = order(related, now);
            try {
                sorted.sort(order);
            } catch (IllegalArgumentException inconsistent) {
                // the uid tie-break of equal log ranks is not transitive with rule 7 and 8 for equal
                // times (nor is Kubernetes'); the sort may notice: pick the first ones one by one
                sorted = pickInOrder(new ArrayList<>(candidates), order, count);
            }
        }
        return List.copyOf(sorted.subList(0, Math.min(count, sorted.size())));
    }

    private static List<Pod> pickInOrder(List<Pod> pods, Comparator<Pod> order, int count) {
        List<Pod> picked = new ArrayList<>();
        while (picked.size() < count && !pods.isEmpty()) {
            Pod first = pods.get(0);
            for (Pod pod : pods) {
                if (order.compare(pod, first) < 0) {
                    first = pod;
                }
            }
            pods.remove(first);
            picked.add(first);
        }
        return picked;
    }

    /** The deletion order with ranks from the related pods' nodes. */
    public static Comparator<Pod> order(List<Pod> related, Instant now) {
        Map<String, Integer> podsOnNode = new HashMap<>();
        for (Pod pod : related) {
            if (PodStates.isActive(pod)) {
                podsOnNode.merge(nodeName(pod), 1, Integer::sum);
            }
        }
        return (a, b) -> compare(a, b, podsOnNode.getOrDefault(nodeName(a), 0),
                podsOnNode.getOrDefault(nodeName(b), 0), now);
    }

    private static int compare(Pod a, Pod b, int rankA, int rankB, Instant now) {
        // 1. unassigned < assigned
        boolean unassignedA = nodeName(a).isEmpty();
        boolean unassignedB = nodeName(b).isEmpty();
        if (unassignedA != unassignedB) {
            return unassignedA ? -1 : 1;
        }
        // 2. Pending < Unknown < Running
        int phase = Integer.compare(phaseOrdinal(a), phaseOrdinal(b));
        if (phase != 0) {
            return phase;
        }
        // 3. not ready < ready
        boolean readyA = PodStates.isReady(a);
        boolean readyB = PodStates.isReady(b);
        if (readyA != readyB) {
            return readyA ? 1 : -1;
        }
        // 4. lower deletion cost < higher
        int cost = Integer.compare(deletionCost(a), deletionCost(b));
        if (cost != 0) {
            return cost;
        }
        // 5. doubled up < not doubled up
        if (rankA != rankB) {
            return rankA > rankB ? -1 : 1;
        }
        // 6. ready for less time < more time
        if (readyA && readyB) {
            int ready = newerFirst(PodStates.readySince(a), PodStates.readySince(b), a, b, now);
            if (ready != 0) {
                return ready;
            }
        }
        // 7. more restarts < fewer
        int restarts = Integer.compare(maxRestarts(b), maxRestarts(a));
        if (restarts != 0) {
            return restarts;
        }
        // 8. newer < older
        return newerFirst(Times.parse(a.metadata.creationTimestamp), Times.parse(b.metadata.creationTimestamp), a, b,
                now);
    }

    /** Empty time first, then the newer on a log2 scale of age, then by uid for the same rank. */
    private static int newerFirst(Instant timeA, Instant timeB, Pod a, Pod b, Instant now) {
        if (timeA == null || timeB == null) {
            return timeA == null && timeB == null ? 0 : timeA == null ? -1 : 1;
        }
        if (timeA.equals(timeB)) {
            return 0;
        }
        long rank = logRank(timeA, now) - logRank(timeB, now);
        if (rank != 0) {
            return rank < 0 ? -1 : 1;
        }
        return String.valueOf(a.metadata.uid).compareTo(String.valueOf(b.metadata.uid));
    }

    /** The order of magnitude (log2 of nanoseconds) of a time's age; -1 for no age. */
    private static long logRank(Instant time, Instant now) {
        long nanos = Duration.between(time, now).toNanos();
        return nanos <= 0 ? -1 : 63 - Long.numberOfLeadingZeros(nanos);
    }

    private static int phaseOrdinal(Pod pod) {
        String phase = pod.status == null ? null : pod.status.phase;
        if ("Running".equals(phase)) {
            return 2;
        }
        return "Unknown".equals(phase) ? 1 : 0;
    }

    private static int deletionCost(Pod pod) {
        String cost = pod.metadata.annotations == null ? null : pod.metadata.annotations.get(DELETION_COST);
        if (cost == null) {
            return 0;
        }
        try {
            return Integer.parseInt(cost.trim());
        } catch (NumberFormatException e) {
            return 0; // the API server refuses such a value; treated as unset, as Kubernetes does
        }
    }

    private static int maxRestarts(Pod pod) {
        int max = 0;
        if (pod.status != null && pod.status.containerStatuses != null) {
            for (ContainerStatus status : pod.status.containerStatuses) {
                max = Math.max(max, status.restartCount);
            }
        }
        return max;
    }

    private static String nodeName(Pod pod) {
        return pod.spec == null || pod.spec.nodeName == null ? "" : pod.spec.nodeName;
    }
}
