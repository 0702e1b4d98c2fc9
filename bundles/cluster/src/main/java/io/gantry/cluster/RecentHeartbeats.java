package io.gantry.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.splitbrainprotection.HeartbeatAware;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionFunction;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * When this member last heard each other member's heartbeat (on this JVM's monotonic clock).
 * Hazelcast tells split-brain protection functions of every heartbeat, so this is registered as
 * one (protecting no structure: {@link #apply} accepts everything). Leader election reads it: a
 * leader that has not heard from a quorum for a while stops before the others can remove it, and
 * a successor knows when the member it replaces last spoke.
 */
final class RecentHeartbeats implements SplitBrainProtectionFunction, HeartbeatAware {

    /** The name of the split-brain protection configuration that carries it. */
    static final String NAME = "gantry.heartbeats";
    private static final long FORGET_NANOS = TimeUnit.MINUTES.toNanos(5);

    private final Map<String, Long> lastHeard = new ConcurrentHashMap<>();

    @Override
    public void onHeartbeat(Member member, long timestamp) {
        long now = System.nanoTime();
        lastHeard.put(member.getUuid().toString(), now);
        if (lastHeard.size() > 64) {
            lastHeard.values().removeIf(at -> now - at > FORGET_NANOS);
        }
    }

    @Override
    public boolean apply(Collection<Member> members) {
        return true;
    }

    /** Member uuid to the System.nanoTime() of its last heartbeat; removed members stay a while. */
    Map<String, Long> lastHeard() {
        return Map.copyOf(lastHeard);
    }
}
