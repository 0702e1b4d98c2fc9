package io.gantry.controllers.deployment;

import io.gantry.api.apps.v1.ReplicaSet;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ReplicaSet versions the controller wrote for each deployment, until its cache shows them
 * (in the spirit of client-go's controller expectations). A step computed from a cache that
 * lacks the controller's own last write could count pods twice (a scale-down it already made),
 * so a deployment is not reconciled until its cache caught up. A version that never shows (the
 * ReplicaSet was deleted meanwhile) is forgotten after a while.
 */
final class OwnWrites {

    private static final Duration FORGET_AFTER = Duration.ofSeconds(5);

    private record Written(long version, Instant at) {
    }

    private final Map<String, Map<String, Written>> byDeployment = new HashMap<>();

    /** Remembers a write (create or update) of a deployment's ReplicaSet. */
    synchronized void wrote(String deployment, ReplicaSet rs, Instant now) {
        long version = version(rs);
        if (version > 0) {
            byDeployment.computeIfAbsent(deployment, k -> new HashMap<>()).put(rs.metadata.uid, new Written(version, now));
        }
    }

    /** Forgets a deleted ReplicaSet. */
    synchronized void deleted(String deployment, String uid) {
        Map<String, Written> written = byDeployment.get(deployment);
        if (written != null) {
            written.remove(uid);
        }
    }

    /**
     * True if the cached ReplicaSets of the deployment lack one of its writes; forgets the writes
     * the cache shows and those too old to wait for.
     */
    synchronized boolean cacheIsBehind(String deployment, List<ReplicaSet> cached, Instant now) {
        Map<String, Written> written = byDeployment.get(deployment);
        if (written == null) {
            return false;
        }
        Map<String, Long> seen = new HashMap<>();
        for (ReplicaSet rs : cached) {
            seen.put(rs.metadata.uid, version(rs));
        }
        written.entrySet().removeIf(e -> seen.getOrDefault(e.getKey(), 0L) >= e.getValue().version()
                || e.getValue().at().plus(FORGET_AFTER).isBefore(now));
        if (written.isEmpty()) {
            byDeployment.remove(deployment);
            return false;
        }
        return true;
    }

    synchronized void forget(String deployment) {
        byDeployment.remove(deployment);
    }

    private static long version(ReplicaSet rs) {
        try {
            return Long.parseLong(rs.metadata.resourceVersion);
        } catch (NumberFormatException | NullPointerException e) {
            return 0;
        }
    }
}
