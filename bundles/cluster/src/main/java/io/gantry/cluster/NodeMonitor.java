package io.gantry.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.Daemons;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.meta.v1.Times;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node health from membership, the part of Kubernetes' node lifecycle controller that notices
 * lost kubelets, but driven by Hazelcast membership instead of heartbeat timeouts: while this node
 * leads the controller manager, a Node whose member ({@value MemberAttributes#NODE}) left the
 * cluster gets its conditions set to {@code Unknown} ({@link NodeStatusUnknown}) at once. Taints and
 * evictions follow from the condition (the node lifecycle controller). A node that comes back is
 * Ready again when its kubelet posts its status.
 *
 * <p>When it starts leading, a Node without a member is marked at once if this member saw its
 * member leave (the lost leader's own Node, say). A Node whose member was never seen is judged by
 * its kubelet's heartbeat instead, as Kubernetes judges every node: it is marked once the Ready
 * condition's lastHeartbeatTime is older than {@code nodeMonitorGracePeriodSeconds}. A worker's
 * kubelet reaches the API over HTTP and may register before its member joins, and a restarted
 * cluster finds Nodes stored by the one before; only the second kind is stale.
 *
 * <p>A Node is matched to its member by name: the kubelet's {@code nodeName} and the cluster
 * member's {@code nodeName} must be the same (both default to the host name). A Node that keeps
 * posting status without a member of its name is reported in the log, and never marked while
 * it posts.
 */
@Component(immediate = true, configurationPid = ClusterMember.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class NodeMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(NodeMonitor.class);
    private static final int CONFLICT_RETRIES = 5;

    private final HazelcastInstance instance;
    private final ApiClient api;
    private final ScheduledExecutorService executor;
    private final UUID registration;
    private final LeaderElection.Campaign campaign;
    private final Duration grace;
    /** Node names whose member this member saw leave, and has not seen back since. */
    private final Set<String> departed = ConcurrentHashMap.newKeySet();
    /** Nodes reported as posting status without a member, so that the log says it once. */
    private final Set<String> reportedWithoutMember = ConcurrentHashMap.newKeySet();
    /** Between startLeading and stopLeading (the campaign's own flag, readable before the constructor returns). */
    private volatile boolean leading;
    /** The API as this term writes it: fenced by the term. */
    private volatile ApiClient writer;

    @Activate
    public NodeMonitor(@Reference LeaderElection election, @Reference HazelcastInstance instance, @Reference ApiClient api,
                       ClusterMember.Config config) {
        this(election, instance, api, Duration.ofSeconds(config.nodeMonitorGracePeriodSeconds()));
    }

    NodeMonitor(LeaderElection election, HazelcastInstance instance, ApiClient api, Duration grace) {
        this.instance = instance;
        this.api = api;
        this.grace = grace;
        this.executor = Daemons.scheduler("gantry-node-monitor");
        this.registration = instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                String node = event.getMember().getAttribute(MemberAttributes.NODE);
                if (node != null) {
                    departed.remove(node);
                }
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                String node = event.getMember().getAttribute(MemberAttributes.NODE);
                if (node != null && !node.isEmpty()) {
                    departed.add(node);
                    if (isLeading()) {
                        submit(() -> markUnknown(node));
                    }
                }
            }
        });
        this.campaign = election.campaign(LeaderElection.CONTROLLER_MANAGER, new LeaderElection.Candidate() {
            @Override
            public void startLeading(LeaderElection.Term term) {
                writer = api.fencedBy(term);
                leading = true;
                submit(NodeMonitor.this::reconcile);
            }

            @Override
            public void stopLeading() {
                leading = false; // every write checks it right before
            }
        });
    }

    @Deactivate
    public void deactivate() {
        campaign.close();
        if (instance.getLifecycleService().isRunning()) {
            try {
                instance.getCluster().removeMembershipListener(registration);
            } catch (RuntimeException e) {
                LOG.debug("The member stopped first: {}", e.toString());
            }
        }
        executor.shutdownNow();
    }

    private boolean isLeading() {
        return leading;
    }

    /**
     * Every stored Node without a member in the cluster is marked: at once when its member was
     * seen leaving or its heartbeat is older than the grace period, else when it stays silent
     * that long.
     */
    private void reconcile() {
        if (!isLeading()) {
            return;
        }
        try {
            Set<String> present = memberNodes();
            for (Node node : api.list(ResourceKind.NODES, null, ListOptions.ALL).items) {
                String name = node.metadata.name;
                if (present.contains(name)) {
                    continue;
                }
                if (departed.contains(name)) {
                    markUnknown(name);
                } else {
                    judgeByHeartbeat(node, null);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot check the nodes for lost members ({}); trying again in 1 s", e.getMessage());
            schedule(() -> submit(this::reconcile), Duration.ofSeconds(1));
        }
    }

    /**
     * Marks a Node without a member whose last heartbeat is older than the grace period, or
     * looks again when it would be.
     *
     * @param lastSeen the heartbeat seen when this Node was last looked at, or null the first time
     */
    private void judgeByHeartbeat(Node node, Instant lastSeen) {
        String name = node.metadata.name;
        Instant heartbeat = lastHeartbeat(node);
        Duration silent = Duration.between(heartbeat, Instant.now());
        if (silent.compareTo(grace) >= 0) {
            markUnknown(name);
            return;
        }
        if (lastSeen != null && heartbeat.isAfter(lastSeen) && reportedWithoutMember.add(name)) {
            LOG.warn("Node {} posts status but no cluster member is named {}: the kubelet's nodeName and the nodeName "
                    + "of io.gantry.cluster.cfg must be the same, or its loss is noticed only after {} s without "
                    + "status", name, name, grace.toSeconds());
        }
        schedule(() -> submit(() -> lookAgain(name, heartbeat)), grace.minus(silent));
    }

    private void lookAgain(String name, Instant lastSeen) {
        if (!isLeading() || memberNodes().contains(name)) {
            return;
        }
        api.find(ResourceKind.NODES, null, name).ifPresent(node -> judgeByHeartbeat(node, lastSeen));
    }

    /** The Ready condition's lastHeartbeatTime, else the Node's creation; the epoch when neither reads. */
    private static Instant lastHeartbeat(Node node) {
        String time = node.metadata.creationTimestamp;
        if (node.status != null && node.status.conditions != null) {
            for (NodeCondition condition : node.status.conditions) {
                if ("Ready".equals(condition.type) && condition.lastHeartbeatTime != null) {
                    time = condition.lastHeartbeatTime;
                }
            }
        }
        try {
            return time == null ? Instant.EPOCH : Times.parse(time);
        } catch (RuntimeException e) {
            return Instant.EPOCH;
        }
    }

    private void markUnknown(String name) {
        for (int attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
            if (!isLeading() || memberNodes().contains(name)) {
                return; // deposed, or the node is back
            }
            Optional<Node> found = api.find(ResourceKind.NODES, null, name);
            if (found.isEmpty()) {
                return;
            }
            Node node = found.get();
            Optional<List<NodeCondition>> unknown = NodeStatusUnknown.conditions(node.status, Times.now());
            if (unknown.isEmpty()) {
                return;
            }
            node.status().conditions = unknown.get();
            if (!isLeading()) {
                return;
            }
            try {
                writer.updateStatus(ResourceKind.NODES, node);
                LOG.info("Node {} left the cluster: its status is Unknown", name);
                return;
            } catch (ApiException e) {
                if (!e.isConflict()) {
                    LOG.warn("Cannot mark node {} as lost: {}", name, e.getMessage());
                    return;
                }
            }
        }
        LOG.warn("Cannot mark node {} as lost: its status kept changing", name);
    }

    private Set<String> memberNodes() {
        return instance.getCluster().getMembers().stream().map(m -> m.getAttribute(MemberAttributes.NODE))
                .filter(n -> n != null && !n.isEmpty()).collect(Collectors.toSet());
    }

    private void schedule(Runnable task, Duration delay) {
        try {
            executor.schedule(task, Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // deactivated
        }
    }

    private void submit(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("Node health check failed: {}", e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }
}
