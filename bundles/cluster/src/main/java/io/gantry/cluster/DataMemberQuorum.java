package io.gantry.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;
import java.util.Collection;

/**
 * The quorum of the split-brain protection {@value ClusterMember#MAJORITY}: enough data members
 * in sight. Lite members (workers) hold no state and do not count, so that a control plane cut
 * off with many workers is still a minority; leader election counts the same way
 * ({@link Leadership}), so a leader runs exactly where protected writes are accepted.
 */
final class DataMemberQuorum implements SplitBrainProtectionFunction {

    private final int quorum;

    DataMemberQuorum(int quorum) {
        this.quorum = quorum;
    }

    @Override
    public boolean apply(Collection<Member> members) {
        return members.stream().filter(member -> !member.isLiteMember()).count() >= quorum;
    }
}
