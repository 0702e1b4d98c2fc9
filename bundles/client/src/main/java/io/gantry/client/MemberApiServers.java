package io.gantry.client;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.HazelcastInstanceNotActiveException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API servers of the cluster as Hazelcast membership shows them: every member that serves
 * the API announces its base URL in the member attribute {@value #ATTRIBUTE}; the list follows
 * members as they join and leave, oldest member first (the order Hazelcast keeps), so that every
 * worker prefers the same server while it lives.
 */
final class MemberApiServers implements MembershipListener, AutoCloseable {

    /** The member attribute with the base URL of a member's API server, {@code http://host:port}. */
    static final String ATTRIBUTE = "gantry.api";

    private static final Logger LOG = LoggerFactory.getLogger(MemberApiServers.class);

    private final HazelcastInstance hazelcast;
    private final ApiServers servers;
    private final Runnable changed;
    private final UUID registration;

    /** Fills {@code servers} from the members now, and again at every membership change. */
    MemberApiServers(HazelcastInstance hazelcast, ApiServers servers) {
        this(hazelcast, servers, () -> {
        });
    }

    /** The same, telling {@code changed} after each refill. */
    MemberApiServers(HazelcastInstance hazelcast, ApiServers servers, Runnable changed) {
        this.hazelcast = hazelcast;
        this.servers = servers;
        this.changed = changed;
        this.registration = hazelcast.getCluster().addMembershipListener(this);
        refresh();
    }

    @Override
    public void memberAdded(MembershipEvent event) {
        refresh();
    }

    @Override
    public void memberRemoved(MembershipEvent event) {
        refresh();
    }

    private void refresh() {
        List<URI> found = new ArrayList<>();
        for (Member member : hazelcast.getCluster().getMembers()) {
            String url = member.getAttribute(ATTRIBUTE);
            if (url == null || url.isBlank()) {
                continue;
            }
            try {
                found.add(ApiServers.server(url));
            } catch (IllegalArgumentException e) {
                LOG.warn("Member {} announces {}={}, which is no API server URL: {}", member.getAddress(), ATTRIBUTE, url,
                        e.getMessage());
            }
        }
        servers.replace(found);
        LOG.info("API servers from the cluster's members: {}", found.isEmpty() ? "none yet" : found);
        changed.run();
    }

    @Override
    public void close() {
        try {
            hazelcast.getCluster().removeMembershipListener(registration);
        } catch (HazelcastInstanceNotActiveException gone) {
            // the member shut down first: its listeners went with it
        }
    }
}
