package io.gantry.cluster;

import java.util.List;
import java.util.Optional;

/**
 * Who leads, from one member's view of the cluster: the oldest member that may lead
 * ({@link ClusterNode#mayLead}), on a side that holds the quorum of data members. Hazelcast lists
 * members oldest first and every member of one side agrees on that list, so every member of the
 * majority side names the same leader, and a member that cannot see the quorum names none.
 */
final class Leadership {

    private Leadership() {
    }

    /**
     * @param members the members this member sees, oldest first (Hazelcast's member list order)
     * @param quorum  the data members a side must see ({@link ClusterMember#quorum})
     */
    static Optional<ClusterNode> leader(List<ClusterNode> members, int quorum) {
        if (!hasQuorum(members, quorum)) {
            return Optional.empty();
        }
        return members.stream().filter(ClusterNode::mayLead).findFirst();
    }

    static boolean hasQuorum(List<ClusterNode> members, int quorum) {
        return members.stream().filter(member -> !member.lite()).count() >= quorum;
    }

    /**
     * Whether this member heard, within {@code toleranceNanos}, from enough data members to hold
     * the quorum (itself included). A member not heard from yet counts: it has just joined, and
     * membership says it is there.
     *
     * @param lastHeard member uuid to the time of its last heartbeat, on the clock of {@code now}
     */
    static boolean heardFromQuorum(List<ClusterNode> members, java.util.Map<String, Long> lastHeard, long now,
                                   long toleranceNanos, int quorum) {
        long heard = members.stream().filter(member -> !member.lite()).filter(member -> member.local()
                || !lastHeard.containsKey(member.uuid()) || now - lastHeard.get(member.uuid()) <= toleranceNanos).count();
        return heard >= quorum;
    }

    /**
     * Until when a successor must wait so that the leader it replaces, if it still runs on the
     * other side of a cut, has stopped: that leader stops once it has not heard from a quorum for
     * {@code toleranceNanos} (checked every {@code checkNanos}); the cut came at most one heartbeat
     * interval after the successor last heard from it.
     *
     * @return the time (on the clock of {@code lastHeardFromLeader}) before which the successor must not start
     */
    static long safeToStartAt(long lastHeardFromLeader, long heartbeatIntervalNanos, long toleranceNanos, long checkNanos) {
        return lastHeardFromLeader + heartbeatIntervalNanos + toleranceNanos + checkNanos;
    }
}
