package io.gantry.cluster;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.meta.v1.Times;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node health from membership, the part of Kubernetes' node lifecycle controller that notices
 * lost kubelets, but driven by Hazelcast membership instead of heartbeat timeouts: while this node
 * leads the controller manager, a Node whose member ({@value MemberAttributes#NODE}) left the
 * cluster gets its conditions set to {@code Unknown} ({@link NodeStatusUnknown}) at once; when it
 * starts leading, every Node without a member gets the same. Taints and evictions follow from the
 * condition (the node lifecycle controller). A node that comes back is Ready again when its
 * kubelet posts its status.
 *
 * <p>A Node is matched to its member by name: the kubelet's {@code nodeName} and the cluster
 * member's {@code nodeName} must be the same (both default to the host name).
 */
@Component(immediate = true)
public class NodeMonitor {

    private static final Logger LOG = LoggerFactory.getLogger(NodeMonitor.class);
    private static final int CONFLICT_RETRIES = 5;

    private final HazelcastInstance instance;
    private final ApiClient api;
    private final ScheduledExecutorService executor;
    private final UUID registration;
    private final LeaderElection.Campaign campaign;
    /** Between startLeading and stopLeading (the campaign's own flag, readable before the constructor returns). */
    private volatile boolean leading;

    @Activate
    public NodeMonitor(@Reference LeaderElection election, @Reference HazelcastInstance instance, @Reference ApiClient api) {
        this.instance = instance;
        this.api = api;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "gantry-node-monitor");
            thread.setDaemon(true);
            return thread;
        });
        this.registration = instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                String node = event.getMember().getAttribute(MemberAttributes.NODE);
                if (node != null && !node.isEmpty() && isLeading()) {
                    submit(() -> markUnknown(node));
                }
            }
        });
        this.campaign = election.campaign(LeaderElection.CONTROLLER_MANAGER, new LeaderElection.Candidate() {
            @Override
            public void startLeading(LeaderElection.Term term) {
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

    /** Every stored Node without a member in the cluster is marked. */
    private void reconcile() {
        if (!isLeading()) {
            return;
        }
        try {
            Set<String> present = memberNodes();
            for (Node node : api.list(ResourceKind.NODES, null, ListOptions.ALL).items) {
                if (!present.contains(node.metadata.name)) {
                    markUnknown(node.metadata.name);
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot check the nodes for lost members ({}); trying again in 1 s", e.getMessage());
            try {
                executor.schedule(() -> submit(this::reconcile), 1, TimeUnit.SECONDS);
            } catch (RejectedExecutionException stopping) {
                // deactivated
            }
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
                api.updateStatus(ResourceKind.NODES, node);
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
