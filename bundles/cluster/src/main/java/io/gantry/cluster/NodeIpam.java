package io.gantry.cluster;

import io.gantry.api.Daemons;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.core.v1.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Node IPAM, as the range allocator of Kubernetes' node IPAM controller: while this node leads the
 * controller manager, every Node without {@code spec.podCIDR} gets the lowest free block of the
 * cluster range ({@code spec.podCIDR} and {@code spec.podCIDRs}). Which blocks are taken is derived
 * from the stored Nodes at the start of every term, so ranges survive restarts and changes of
 * leader; a range set by hand is respected. The write is compare-and-set on the Node, and the API
 * server lets a pod range be set once only, so no Node ever changes range or gets two.
 */
@Component(immediate = true, configurationPid = ClusterMember.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class NodeIpam {

    private static final Logger LOG = LoggerFactory.getLogger(NodeIpam.class);
    private static final int CONFLICT_RETRIES = 5;

    private final ApiClient api;
    private final SharedInformers informers;
    private final ClusterMember.Config config;
    private final ScheduledExecutorService executor;
    private final LeaderElection.Campaign campaign;
    private volatile boolean leading;
    /** The API as this term writes it: fenced by the term. */
    private volatile ApiClient writer;
    /** The term's view of the taken blocks; on the executor only. */
    private PodRanges ranges;
    private Informer.Registration registration;

    @Activate
    public NodeIpam(@Reference LeaderElection election, @Reference ApiClient api, @Reference SharedInformers informers,
                    ClusterMember.Config config) {
        new PodRanges(config.clusterCIDR(), config.nodeCIDRMaskSize()); // a bad setting fails here, not in a term
        this.api = api;
        this.informers = informers;
        this.config = config;
        this.executor = Daemons.scheduler("gantry-node-ipam");
        this.campaign = election.campaign(LeaderElection.CONTROLLER_MANAGER, new LeaderElection.Candidate() {
            @Override
            public void startLeading(LeaderElection.Term term) {
                writer = api.fencedBy(term);
                leading = true;
                submit(NodeIpam.this::start);
            }

            @Override
            public void stopLeading() {
                leading = false;
                submit(NodeIpam.this::stop);
            }
        });
    }

    @Deactivate
    public void deactivate() {
        campaign.close();
        submit(this::stop);
        executor.shutdown();
    }

    /** A term begins: the taken blocks from the stored Nodes, then every Node's turn. */
    private void start() {
        if (!leading) {
            return;
        }
        PodRanges fresh = new PodRanges(config.clusterCIDR(), config.nodeCIDRMaskSize());
        try {
            for (Node node : api.list(ResourceKind.NODES, null, ListOptions.ALL).items) {
                cidrs(node).forEach(fresh::occupy);
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the nodes' pod ranges ({}); trying again in 1 s", e.getMessage());
            try {
                executor.schedule(this::start, 1, TimeUnit.SECONDS);
            } catch (RejectedExecutionException stopping) {
                // deactivated
            }
            return;
        }
        ranges = fresh;
        LOG.info("Pod ranges from {}: {} free", fresh, fresh.free());
        // the handler is first told of every cached Node, so Nodes without a range get one now
        registration = informers.informer(ResourceKind.NODES).addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(Node node) {
                submit(() -> sync(node));
            }

            @Override
            public void onUpdate(Node previous, Node current) {
                submit(() -> sync(current));
            }

            @Override
            public void onDelete(Node node) {
                submit(() -> {
                    if (ranges != null) {
                        cidrs(node).forEach(ranges::release);
                    }
                });
            }
        });
    }

    private void stop() {
        if (registration != null) {
            registration.close();
            registration = null;
        }
        ranges = null;
    }

    private void sync(Node cached) {
        if (ranges == null || !leading) {
            return;
        }
        if (!cidrs(cached).isEmpty()) {
            cidrs(cached).forEach(ranges::occupy);
            return;
        }
        allocate(cached.metadata.name);
    }

    private void allocate(String name) {
        for (int attempt = 0; attempt < CONFLICT_RETRIES; attempt++) {
            Optional<Node> found = api.find(ResourceKind.NODES, null, name);
            if (found.isEmpty() || !leading) {
                return;
            }
            Node node = found.get();
            if (!cidrs(node).isEmpty()) {
                cidrs(node).forEach(ranges::occupy);
                return;
            }
            Optional<String> block = ranges.allocate();
            if (block.isEmpty()) {
                LOG.warn("No pod range left in {} for node {}: set a larger clusterCIDR or a longer nodeCIDRMaskSize"
                        + " in etc/{}.cfg", config.clusterCIDR(), name, ClusterMember.PID);
                return;
            }
            node.spec.podCIDR = block.get();
            node.spec.podCIDRs = List.of(block.get());
            if (!leading) {
                ranges.release(block.get());
                return;
            }
            try {
                writer.update(ResourceKind.NODES, node);
                LOG.info("Node {} gets pod range {}", name, block.get());
                return;
            } catch (ApiException e) {
                ranges.release(block.get());
                if (!e.isConflict()) {
                    LOG.warn("Cannot give node {} pod range {}: {}", name, block.get(), e.getMessage());
                    return;
                }
            }
        }
    }

    private static List<String> cidrs(Node node) {
        List<String> cidrs = new ArrayList<>();
        if (node.spec != null) {
            if (node.spec.podCIDR != null && !node.spec.podCIDR.isEmpty()) {
                cidrs.add(node.spec.podCIDR);
            }
            if (node.spec.podCIDRs != null) {
                node.spec.podCIDRs.stream().filter(c -> c != null && !c.isEmpty() && !cidrs.contains(c)).forEach(cidrs::add);
            }
        }
        return cidrs;
    }

    private void submit(Runnable task) {
        try {
            executor.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.warn("Node IPAM: {}", e.getMessage());
                }
            });
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }
}
