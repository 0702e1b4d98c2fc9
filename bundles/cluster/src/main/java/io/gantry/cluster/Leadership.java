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
}
