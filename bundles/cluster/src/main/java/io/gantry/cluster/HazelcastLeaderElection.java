package io.gantry.cluster;

import com.hazelcast.cluster.Member;
import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent.LifecycleState;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.coordination.v1.Lease;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leader election on Hazelcast membership, without Hazelcast's CP subsystem (Enterprise-only
 * since 5.5). The leader of every role is the oldest data member of the control plane on the side
 * that holds the quorum ({@link Leadership}); membership events re-decide at once, so a leader
 * that loses the quorum or stops being the oldest stops at once, and a member learns that it is
 * the new leader as soon as Hazelcast removes the dead one.
 *
 * <p>A new leader starts only after it published its term as the role's Lease in
 * {@code kube-system}, written compare-and-set ({@link LeasePublisher}); the Lease's
 * {@code leaseTransitions} is the term's epoch. It renews the Lease while it leads, and a renewal
 * that finds another holder ends the term. A node without an API client still elects; its terms
 * are numbered locally and published once a client appears.
 *
 * <p>Threads: every decision and every call of a candidate runs on one election thread; Lease
 * writes run on another, so that a slow API never delays a stop.
 */
@Component(service = LeaderElection.class, configurationPid = ClusterMember.PID,
        configurationPolicy = ConfigurationPolicy.OPTIONAL)
public class HazelcastLeaderElection implements LeaderElection {

    private static final Logger LOG = LoggerFactory.getLogger(HazelcastLeaderElection.class);
    /** After a failed Lease write (conflict with a racing writer, API unavailable), the next try. */
    private static final long RETRY_MILLIS = 200;
    /** How often a member checks that it still hears from a quorum. */
    private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(200);

    private final HazelcastInstance instance;
    private final String nodeName;
    private final int quorum;
    private final LeasePublisher leases;
    private final int renewSeconds;
    private final ScheduledExecutorService election;
    private final ExecutorService writer;
    private final Map<String, Role> roles = new ConcurrentHashMap<>();
    private final UUID membershipRegistration;
    private final UUID lifecycleRegistration;
    /** Null when heartbeats are not watched (one member, or heartbeatToleranceMillis 0). */
    private final RecentHeartbeats heartbeats;
    private final long toleranceNanos;
    private final long heartbeatIntervalNanos;
    /** The other member this member last saw lead; on the election thread. */
    private ClusterNode lastLeader;
    /** Before this time (System.nanoTime) this member must not start leading; 0 for none. */
    private long fencedUntil;
    private boolean heardQuorum = true;
    private volatile Thread electionThread;
    private volatile boolean merging;
    private volatile ApiClient api;

    @Activate
    public HazelcastLeaderElection(@Reference HazelcastInstance instance, ClusterMember.Config config) {
        this.instance = instance;
        this.nodeName = instance.getCluster().getLocalMember().getAttribute(MemberAttributes.NODE);
        this.quorum = ClusterMember.quorum(instance);
        this.leases = new LeasePublisher(config.leaseDurationSeconds(), Clock.systemUTC());
        this.renewSeconds = Math.max(1, config.leaseRenewSeconds());
        this.heartbeats = config.heartbeatToleranceMillis() > 0 ? ClusterMember.heartbeats(instance) : null;
        this.toleranceNanos = TimeUnit.MILLISECONDS.toNanos(config.heartbeatToleranceMillis());
        this.heartbeatIntervalNanos = TimeUnit.MILLISECONDS.toNanos(ClusterMember.heartbeatIntervalMillis(instance));
        this.election = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "gantry-leader-election");
            thread.setDaemon(true);
            electionThread = thread;
            return thread;
        });
        this.writer = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "gantry-lease-writer");
            thread.setDaemon(true);
            return thread;
        });
        this.membershipRegistration = instance.getCluster().addMembershipListener(new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
                onElection(HazelcastLeaderElection.this::decide);
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                onElection(HazelcastLeaderElection.this::decide);
            }
        });
        this.lifecycleRegistration = instance.getLifecycleService().addLifecycleListener(event -> {
            // while a split side merges into the other, its members restart their cluster state
            if (event.getState() == LifecycleState.MERGING) {
                merging = true;
            } else if (event.getState() == LifecycleState.MERGED || event.getState() == LifecycleState.MERGE_FAILED) {
                merging = false;
            }
            onElection(this::decide);
        });
        if (heartbeats != null) {
            election.scheduleWithFixedDelay(this::checkHeartbeats, CHECK_NANOS, CHECK_NANOS, TimeUnit.NANOSECONDS);
        }
    }

    @Reference(cardinality = ReferenceCardinality.OPTIONAL, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void setApi(ApiClient api) {
        this.api = api;
        // a term that began without an API publishes its Lease now
        onElection(() -> roles.values().forEach(this::renew));
    }

    public void unsetApi(ApiClient api) {
        if (this.api == api) {
            this.api = null;
        }
    }

    @Deactivate
    public void deactivate() {
        if (instance.getLifecycleService().isRunning()) {
            try {
                instance.getCluster().removeMembershipListener(membershipRegistration);
                instance.getLifecycleService().removeLifecycleListener(lifecycleRegistration);
            } catch (RuntimeException e) {
                LOG.debug("The member stopped first: {}", e.toString());
            }
        }
        Future<?> done = election.submit(() -> roles.values().forEach(this::end));
        try {
            done.get(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            LOG.warn("Stopping the leaders of this node did not finish: {}", e.toString());
        }
        election.shutdownNow();
        writer.shutdownNow();
    }

    @Override
    public Campaign campaign(String role, Candidate candidate) {
        Role state = roles.computeIfAbsent(role, Role::new);
        RoleCampaign campaign = new RoleCampaign(state, candidate);
        onElection(() -> {
            if (campaign.closed) {
                return;
            }
            state.campaigns.add(campaign);
            if (state.term != null) {
                start(campaign, state.term);
            } else {
                decide();
            }
        });
        return campaign;
    }

    /**
     * The term this node leads, else the leader this node's side of the cluster agrees on, with the
     * epoch of its Lease when the Lease names it (-1 while it is not yet published, or when this
     * node cannot read it); null when this side has no leader.
     */
    @Override
    public Term current(String role) {
        Role state = roles.get(role);
        Term own = state == null ? null : state.term;
        if (own != null) {
            return own;
        }
        Optional<ClusterNode> leader = leader();
        if (leader.isEmpty()) {
            return null;
        }
        String holder = leader.get().nodeName();
        long epoch = -1;
        ApiClient client = api;
        if (client != null) {
            try {
                Optional<Lease> lease = client.find(ResourceKind.LEASES, LeasePublisher.NAMESPACE, role);
                if (lease.isPresent() && holder.equals(lease.get().spec.holderIdentity)
                        && lease.get().spec.leaseTransitions != null) {
                    epoch = lease.get().spec.leaseTransitions;
                }
            } catch (RuntimeException e) {
                LOG.debug("Cannot read the Lease of {}: {}", role, e.getMessage());
            }
        }
        return new Term(role, holder, epoch);
    }

    /** The leader this member's side agrees on. */
    Optional<ClusterNode> leader() {
        if (merging || !instance.getLifecycleService().isRunning()) {
            return Optional.empty();
        }
        return Leadership.leader(view(), quorum);
    }

    private List<ClusterNode> view() {
        Member local = instance.getCluster().getLocalMember();
        List<ClusterNode> view = new ArrayList<>();
        for (Member member : instance.getCluster().getMembers()) {
            view.add(ClusterNode.of(member, local));
        }
        return view;
    }

    /**
     * Re-decides every role from the membership as it is now: this member leads if membership
     * names it and it still hears from a quorum; a member that takes over from a leader that
     * vanished waits until that leader has surely stopped. On the election thread.
     */
    private void decide() {
        Optional<ClusterNode> leader;
        boolean heard;
        try {
            leader = leader();
            heard = heardFromQuorum();
        } catch (RuntimeException e) {
            // the member is stopping under us: nobody leads here any more
            LOG.debug("No view of the cluster: {}", e.toString());
            leader = Optional.empty();
            heard = false;
        }
        if (leader.isPresent() && !leader.get().local()) {
            lastLeader = leader.get();
        }
        boolean leadsHere = leader.map(ClusterNode::local).orElse(false) && heard;
        if (leadsHere && lastLeader != null) {
            try {
                fenceAfter(lastLeader);
            } catch (RuntimeException e) {
                LOG.debug("No view of the cluster: {}", e.toString());
            }
            lastLeader = null;
        }
        long wait = fencedUntil - System.nanoTime();
        boolean fenced = leadsHere && fencedUntil != 0 && wait > 0;
        for (Role role : roles.values()) {
            if (!leadsHere) {
                end(role);
            } else if (!fenced && role.term == null && !role.acquiring && !role.campaigns.isEmpty()) {
                acquire(role);
            }
        }
        if (fenced) {
            schedule(this::decide, TimeUnit.NANOSECONDS.toMillis(wait) + 1);
        }
    }

    private boolean heardFromQuorum() {
        return heartbeats == null
                || Leadership.heardFromQuorum(view(), heartbeats.lastHeard(), System.nanoTime(), toleranceNanos, quorum);
    }

    /** Every CHECK_NANOS: a member that stops hearing from a quorum stops leading before it is removed. */
    private void checkHeartbeats() {
        boolean heard;
        try {
            heard = heardFromQuorum();
        } catch (RuntimeException e) {
            heard = false; // the member is stopping
        }
        if (heard != heardQuorum) {
            heardQuorum = heard;
            if (!heard) {
                LOG.warn("Node {} has heard no heartbeat from a quorum of {} members for {} ms", nodeName, quorum,
                        TimeUnit.NANOSECONDS.toMillis(toleranceNanos));
            }
            decide();
        }
    }

    /**
     * This member takes over from a leader that vanished. Cut off rather than dead, that leader
     * goes on until it misses the quorum's heartbeats, so the successor waits for that, unless
     * the lost leader's port refuses connections: its process is gone and writes nothing more.
     */
    private void fenceAfter(ClusterNode lost) {
        if (heartbeats == null || view().stream().anyMatch(member -> member.uuid().equals(lost.uuid()))) {
            return; // it is still a member: it stopped because it lost the lead by membership, as this one sees it
        }
        Long heardAt = heartbeats.lastHeard().get(lost.uuid());
        if (heardAt == null) {
            return;
        }
        long safeAt = Leadership.safeToStartAt(heardAt, heartbeatIntervalNanos, toleranceNanos, CHECK_NANOS);
        long wait = safeAt - System.nanoTime();
        if (wait <= 0) {
            return;
        }
        fencedUntil = safeAt;
        int colon = lost.address().lastIndexOf(':');
        String host = lost.address().substring(0, colon);
        int port = Integer.parseInt(lost.address().substring(colon + 1));
        Thread probe = new Thread(() -> {
            try (java.net.Socket socket = new java.net.Socket()) {
                socket.connect(new java.net.InetSocketAddress(host, port),
                        (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait)));
            } catch (java.net.ConnectException refused) {
                onElection(() -> {
                    if (fencedUntil == safeAt) {
                        LOG.info("The member of node {} refuses connections: it is gone, node {} takes over at once",
                                lost.nodeName(), nodeName);
                        fencedUntil = 0;
                        decide();
                    }
                });
            } catch (java.io.IOException | RuntimeException e) {
                // no answer (a cut) or an answer (it lives): wait the full time
            }
        }, "gantry-leader-probe");
        probe.setDaemon(true);
        probe.start();
        LOG.info("Node {} takes over from node {} once that one has surely stopped (in {} ms, or when its port refuses "
                + "connections)", nodeName, lost.nodeName(), TimeUnit.NANOSECONDS.toMillis(wait));
    }

    /** Starts a term: publish it (compare-and-set), then tell the candidates. On the election thread. */
    private void acquire(Role role) {
        role.acquiring = true;
        long attempt = ++role.attempt;
        ApiClient client = api;
        if (client == null) {
            acquired(role, attempt, null, null);
            return;
        }
        write(() -> leases.acquire(client, role.name, nodeName), (lease, failure) -> acquired(role, attempt, lease, failure));
    }

    private void acquired(Role role, long attempt, Lease lease, RuntimeException failure) {
        if (attempt != role.attempt) {
            return; // given up while the Lease was written: the next leader's write supersedes it
        }
        role.acquiring = false;
        if (failure != null) {
            if (failure instanceof ApiException api && (api.code() == 409)) {
                LOG.debug("The Lease of {} changed while this node took it; trying again", role.name);
            } else {
                LOG.warn("Node {} leads {} but cannot publish its Lease ({}); trying again", nodeName, role.name,
                        failure.getMessage());
            }
            schedule(this::decide, RETRY_MILLIS);
            return;
        }
        if (!leader().map(ClusterNode::local).orElse(false) || role.campaigns.isEmpty()) {
            decide();
            return;
        }
        long epoch = lease != null ? lease.spec.leaseTransitions : role.localEpoch + 1;
        role.localEpoch = epoch;
        role.lease = lease;
        role.term = new Term(role.name, nodeName, epoch);
        LOG.info("Node {} leads {} (term {})", nodeName, role.name, epoch);
        for (RoleCampaign campaign : List.copyOf(role.campaigns)) {
            start(campaign, role.term);
        }
        role.renewal = election.scheduleWithFixedDelay(() -> renew(role), renewSeconds, renewSeconds, TimeUnit.SECONDS);
    }

    /** Renews the Lease of a held term (or publishes it if the term began without an API). */
    private void renew(Role role) {
        ApiClient client = api;
        if (role.term == null || role.acquiring || role.renewing || client == null) {
            return;
        }
        long attempt = role.attempt;
        Lease held = role.lease;
        role.renewing = true;
        write(() -> held == null ? Optional.of(leases.acquire(client, role.name, nodeName)) : leases.renew(client, held),
                (renewed, failure) -> {
                    role.renewing = false;
                    if (attempt != role.attempt) {
                        return;
                    }
                    if (failure != null) {
                        // membership, not the Lease, decides who leads: keep leading, try at the next renewal
                        LOG.warn("Cannot renew the Lease of {}: {}", role.name, failure.getMessage());
                    } else if (renewed.isEmpty()) {
                        LOG.warn("Another node took the Lease of {}: node {} stops leading it", role.name, nodeName);
                        end(role);
                        schedule(this::decide, 1000);
                    } else {
                        role.lease = renewed.get();
                    }
                });
    }

    /** Ends this node's term of a role, if any: every candidate stops. On the election thread. */
    private void end(Role role) {
        role.attempt++;
        role.acquiring = false;
        if (role.renewal != null) {
            role.renewal.cancel(false);
            role.renewal = null;
        }
        if (role.term != null) {
            LOG.info("Node {} no longer leads {} (term {})", nodeName, role.name, role.term.epoch());
            role.term = null;
            role.lease = null;
            for (RoleCampaign campaign : List.copyOf(role.campaigns)) {
                stop(campaign);
            }
        }
    }

    private void start(RoleCampaign campaign, Term term) {
        if (campaign.leading) {
            return;
        }
        campaign.leading = true;
        try {
            campaign.candidate.startLeading(term);
        } catch (RuntimeException e) {
            LOG.error("A candidate for {} failed to start leading", term.role(), e);
        }
    }

    private void stop(RoleCampaign campaign) {
        if (!campaign.leading) {
            return;
        }
        campaign.leading = false;
        try {
            campaign.candidate.stopLeading();
        } catch (RuntimeException e) {
            LOG.error("A candidate for {} failed to stop leading", campaign.role.name, e);
        }
    }

    private interface Write<T> {
        T run();
    }

    private interface Written<T> {
        void accept(T result, RuntimeException failure);
    }

    /** Runs an API write on the writer thread and its outcome back on the election thread. */
    private <T> void write(Write<T> write, Written<T> then) {
        try {
            writer.execute(() -> {
                T result = null;
                RuntimeException failure = null;
                try {
                    result = write.run();
                } catch (RuntimeException e) {
                    failure = e;
                }
                T r = result;
                RuntimeException f = failure;
                onElection(() -> then.accept(r, f));
            });
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void onElection(Runnable task) {
        try {
            election.execute(task);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    private void schedule(Runnable task, long millis) {
        try {
            election.schedule(task, millis, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // stopping
        }
    }

    /** One role on this node; its fields belong to the election thread, term is read by others. */
    private static final class Role {
        final String name;
        final List<RoleCampaign> campaigns = new ArrayList<>();
        volatile Term term;
        Lease lease;
        /** Bumped whenever a write in flight for this role is to be ignored. */
        long attempt;
        boolean acquiring;
        boolean renewing;
        long localEpoch = -1;
        ScheduledFuture<?> renewal;

        Role(String name) {
            this.name = name;
        }
    }

    private final class RoleCampaign implements Campaign {
        final Role role;
        final Candidate candidate;
        volatile boolean leading;
        volatile boolean closed;

        RoleCampaign(Role role, Candidate candidate) {
            this.role = role;
            this.candidate = candidate;
        }

        @Override
        public boolean isLeading() {
            return leading;
        }

        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            Runnable withdraw = () -> {
                role.campaigns.remove(this);
                stop(this);
                if (role.campaigns.isEmpty()) {
                    end(role);
                }
            };
            if (Thread.currentThread() == electionThread) {
                withdraw.run();
                return;
            }
            try {
                election.submit(withdraw).get();
            } catch (RejectedExecutionException e) {
                withdraw.run(); // the election has stopped: nothing else calls the candidate now
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException e) {
                LOG.warn("Closing a campaign for {} failed", role.name, e.getCause());
            }
        }
    }
}
