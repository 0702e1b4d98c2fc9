package io.gantry.benchmarks;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.Configs;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.InMemoryApiClient;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.meta.v1.Times;
import io.gantry.cluster.ClusterMember;
import io.gantry.cluster.HazelcastLeaderElection;
import io.gantry.cluster.NodeMonitor;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BooleanSupplier;

/**
 * Failover of the cluster bundle in this JVM: per run, five real Hazelcast members as the cluster
 * bundle starts them (three control-plane data members, two lite workers, quorum 2), each with
 * its leader election and node monitor over one in-memory API. A worker's member is terminated:
 * time to its Node's Ready=Unknown. Then the leader's member is terminated: time until its
 * successor leads (and until the lost leader's Node is Unknown). The peer is Hazelcast's own
 * detection in the same run: the member-removed event on the member that acts next, so the ratio
 * shows what the election and the Lease or status write add.
 *
 * <p>{@code terminate()} closes the member's sockets as the kernel closes a SIGKILLed process's;
 * a silent member (network cut) is only noticed after maxNoHeartbeatSeconds.
 */
final class LeaderFailover {

    private static final long TIMEOUT_MILLIS = 30_000;

    /**
     * @param processes the leader and one worker run as separate JVMs, killed with SIGKILL;
     *                  otherwise every member is in this JVM and dies by terminate()
     */
    void run(int runs, boolean processes) throws Exception {
        // Hazelcast warns of every connection refused by a killed member: expected here
        if (System.getProperty("gantry.log") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.com.hazelcast", "error");
        }
        System.out.printf(Locale.ROOT, "leader: %d runs of 5 members (3 control planes, 2 lite workers, quorum 2), "
                + "heartbeat 1 s, max no heartbeat 2 s; %s%n", runs, processes
                ? "the leader and a worker in JVMs of their own, killed with SIGKILL"
                : "all in this JVM, killed with terminate()");
        Latencies newLeader = new Latencies();
        Latencies leaderDetected = new Latencies();
        Latencies leaderNodeUnknown = new Latencies();
        Latencies nodeUnknown = new Latencies();
        Latencies workerDetected = new Latencies();
        for (int run = 0; run < runs; run++) {
            System.out.printf(Locale.ROOT, "  run %2d:", run + 1);
            oneRun(processes, newLeader, leaderDetected, leaderNodeUnknown, nodeUnknown, workerDetected);
        }
        newLeader.print("leader death -> new leader", Double.NaN);
        leaderDetected.print("peer: member removed event", Double.NaN);
        newLeader.printRatio("new leader", leaderDetected, Double.NaN, Double.NaN);
        leaderNodeUnknown.print("leader death -> its Node Unknown", Double.NaN);
        nodeUnknown.print("member death -> Node Unknown", Double.NaN);
        workerDetected.print("peer: member removed event", Double.NaN);
        nodeUnknown.printRatio("Node Unknown", workerDetected, Double.NaN, Double.NaN);
    }

    /** A member that the run kills: in this JVM, or a process of its own. */
    private interface Victim {
        void kill();
    }

    private void oneRun(boolean processes, Latencies newLeader, Latencies leaderDetected, Latencies leaderNodeUnknown,
                        Latencies nodeUnknown, Latencies workerDetected) throws Exception {
        String cluster = "bench-leader-" + UUID.randomUUID().toString().substring(0, 8);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ports.add(freePort());
        }
        String[] seeds = ports.subList(0, 3).stream().map(p -> "127.0.0.1:" + p).toArray(String[]::new);
        ApiClient api = new InMemoryApiClient();
        List<HazelcastInstance> members = new ArrayList<>();
        List<Process> children = new ArrayList<>();
        Victim[] victims = new Victim[5];
        List<HazelcastLeaderElection> elections = new ArrayList<>();
        List<NodeMonitor> monitors = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                readyNode(api, "node-" + (i + 1));
                ClusterMember.Config config = memberConfig(cluster, ports.get(i), seeds, "node-" + (i + 1), i >= 3);
                if (processes && (i == 0 || i == 4)) {
                    Process child = MemberProcess.start(config);
                    children.add(child);
                    victims[i] = child::destroyForcibly; // SIGKILL on Linux
                    if (i == 0) {
                        MemberProcess.awaitReady(child); // the oldest member: the others join it
                    }
                } else {
                    HazelcastInstance member = ClusterMember.start(config);
                    members.add(member);
                    victims[i] = () -> member.getLifecycleService().terminate();
                    HazelcastLeaderElection election = new HazelcastLeaderElection(member, config);
                    election.setApi(api);
                    elections.add(election);
                    monitors.add(new NodeMonitor(election, member, api, config));
                    Candidate candidate = new Candidate();
                    election.campaign(LeaderElection.SCHEDULER, candidate);
                    candidates.add(candidate);
                }
            }
            HazelcastInstance successor = processes ? members.get(0) : members.get(1);
            Candidate successorCandidate = processes ? candidates.get(0) : candidates.get(1);
            await(() -> successor.getCluster().getMembers().size() == 5);
            HazelcastLeaderElection view = processes ? elections.get(0) : elections.get(1);
            await(() -> view.current(LeaderElection.SCHEDULER) != null
                    && "node-1".equals(view.current(LeaderElection.SCHEDULER).holder()));
            // the member-removed events, as Hazelcast reports them to the member that acts next
            AtomicLongArray removedAt = new AtomicLongArray(2);
            successor.getCluster().addMembershipListener(removal(removedAt, 0));

            long killed = System.nanoTime();
            victims[0].kill();
            await(() -> successorCandidate.leading);
            long led = successorCandidate.startedAt;
            await(() -> !"True".equals(ready(api, "node-1")));
            long leaderMarked = System.nanoTime();
            await(() -> removedAt.get(0) != 0);
            newLeader.add(led - killed);
            leaderDetected.add(removedAt.get(0) - killed);
            leaderNodeUnknown.add(leaderMarked - killed);
            if (candidates.stream().filter(c -> c.leading).count() != 1) {
                throw new IllegalStateException("not one leader");
            }

            successor.getCluster().addMembershipListener(removal(removedAt, 1));
            long workerKilled = System.nanoTime();
            victims[4].kill();
            await(() -> !"True".equals(ready(api, "node-5")));
            long marked = System.nanoTime();
            await(() -> removedAt.get(1) != 0);
            nodeUnknown.add(marked - workerKilled);
            workerDetected.add(removedAt.get(1) - workerKilled);
            System.out.printf(Locale.ROOT, " new leader %.0f ms (removed event %.0f ms), lost leader's Node Unknown %.0f ms; "
                    + "worker's Node Unknown %.0f ms (removed event %.0f ms)%n", (led - killed) / 1e6,
                    (removedAt.get(0) - killed) / 1e6, (leaderMarked - killed) / 1e6, (marked - workerKilled) / 1e6,
                    (removedAt.get(1) - workerKilled) / 1e6);
        } finally {
            monitors.forEach(NodeMonitor::deactivate);
            elections.forEach(HazelcastLeaderElection::deactivate);
            for (HazelcastInstance member : members) {
                if (member.getLifecycleService().isRunning()) {
                    member.getLifecycleService().terminate();
                }
            }
            for (Process child : children) {
                child.destroyForcibly().waitFor();
            }
        }
    }

    /** Records the first member-removed event a member gets. */
    private static MembershipListener removal(AtomicLongArray at, int index) {
        return new MembershipListener() {
            @Override
            public void memberAdded(MembershipEvent event) {
            }

            @Override
            public void memberRemoved(MembershipEvent event) {
                at.compareAndSet(index, 0, System.nanoTime());
            }
        };
    }

    private static void readyNode(ApiClient api, String name) {
        Node node = new Node();
        node.metadata.name = name;
        NodeCondition ready = new NodeCondition();
        ready.type = "Ready";
        ready.status = "True";
        ready.reason = "KubeletReady";
        ready.lastHeartbeatTime = Times.now();
        ready.lastTransitionTime = Times.now();
        node.status().conditions = List.of(ready);
        api.create(ResourceKind.NODES, node);
    }

    private static String ready(ApiClient api, String node) {
        Node found = api.get(ResourceKind.NODES, null, node);
        return found.status.conditions.stream().filter(c -> "Ready".equals(c.type)).map(c -> c.status).findFirst().orElse(null);
    }

    /** Polls a condition every millisecond: the benchmark's clock, not a synchronisation. */
    private static void await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no change within " + TIMEOUT_MILLIS + " ms");
            }
            Thread.sleep(1);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static final class Candidate implements LeaderElection.Candidate {
        volatile boolean leading;
        volatile long startedAt;

        @Override
        public void startLeading(LeaderElection.Term term) {
            startedAt = System.nanoTime();
            leading = true;
        }

        @Override
        public void stopLeading() {
            leading = false;
        }
    }

    /** The defaults of etc/io.gantry.cluster.cfg, for one member of the run. */
    static ClusterMember.Config memberConfig(String clusterName, int port, String[] members, String nodeName,
            boolean liteMember) {
        return Configs.of(ClusterMember.Config.class, Map.of(
                "clusterName", clusterName,
                "port", port,
                "members", members,
                "nodeName", nodeName,
                "liteMember", liteMember,
                "roles", liteMember ? new String[] {"node"} : new String[] {"control-plane", "node"},
                "quorum", 2,
                "pluginFactoryIds", new int[0]));
    }
}
