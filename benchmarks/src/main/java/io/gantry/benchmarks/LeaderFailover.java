package io.gantry.benchmarks;

import com.hazelcast.cluster.MembershipEvent;
import com.hazelcast.cluster.MembershipListener;
import com.hazelcast.core.HazelcastInstance;
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
import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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

    void run(int runs) throws Exception {
        // Hazelcast warns of every connection refused by a killed member: expected here
        if (System.getProperty("gantry.log") == null) {
            System.setProperty("org.slf4j.simpleLogger.log.com.hazelcast", "error");
        }
        System.out.printf(Locale.ROOT, "leader: %d runs of 5 members in one JVM (3 control planes, 2 lite workers, quorum 2), "
                + "heartbeat 1 s, max no heartbeat 2 s; kill = terminate()%n", runs);
        Latencies nodeUnknown = new Latencies();
        Latencies workerDetected = new Latencies();
        Latencies newLeader = new Latencies();
        Latencies leaderDetected = new Latencies();
        Latencies leaderNodeUnknown = new Latencies();
        for (int run = 0; run < runs; run++) {
            System.out.printf(Locale.ROOT, "  run %2d:", run + 1);
            oneRun(nodeUnknown, workerDetected, newLeader, leaderDetected, leaderNodeUnknown);
        }
        nodeUnknown.print("member death -> Node Unknown", Double.NaN);
        workerDetected.print("peer: member removed event", Double.NaN);
        nodeUnknown.printRatio("Node Unknown", workerDetected, Double.NaN, Double.NaN);
        newLeader.print("leader death -> new leader", Double.NaN);
        leaderDetected.print("peer: member removed event", Double.NaN);
        newLeader.printRatio("new leader", leaderDetected, Double.NaN, Double.NaN);
        leaderNodeUnknown.print("leader death -> its Node Unknown", Double.NaN);
    }

    private void oneRun(Latencies nodeUnknown, Latencies workerDetected, Latencies newLeader, Latencies leaderDetected,
                        Latencies leaderNodeUnknown) throws Exception {
        String cluster = "bench-leader-" + UUID.randomUUID().toString().substring(0, 8);
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ports.add(freePort());
        }
        String[] seeds = ports.subList(0, 3).stream().map(p -> "127.0.0.1:" + p).toArray(String[]::new);
        ApiClient api = new InMemoryApiClient();
        List<HazelcastInstance> members = new ArrayList<>();
        List<HazelcastLeaderElection> elections = new ArrayList<>();
        List<NodeMonitor> monitors = new ArrayList<>();
        List<Candidate> candidates = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                readyNode(api, "node-" + (i + 1));
                members.add(ClusterMember.start(new MemberConfig(cluster, ports.get(i), seeds, "node-" + (i + 1), i >= 3)));
            }
            for (HazelcastInstance member : members) {
                HazelcastLeaderElection election = new HazelcastLeaderElection(member, electionConfig());
                election.setApi(api);
                elections.add(election);
                monitors.add(new NodeMonitor(election, member, api));
                Candidate candidate = new Candidate();
                election.campaign(LeaderElection.SCHEDULER, candidate);
                candidates.add(candidate);
            }
            await(() -> candidates.get(0).leading);
            // the member-removed event, as Hazelcast reports it to the member that acts on it
            AtomicLongArray removedAt = new AtomicLongArray(2);
            members.get(0).getCluster().addMembershipListener(removal(removedAt, 0));

            long workerKilled = System.nanoTime();
            members.get(4).getLifecycleService().terminate();
            await(() -> !"True".equals(ready(api, "node-5")));
            long marked = System.nanoTime();
            await(() -> removedAt.get(0) != 0);
            nodeUnknown.add(marked - workerKilled);
            workerDetected.add(removedAt.get(0) - workerKilled);

            members.get(1).getCluster().addMembershipListener(removal(removedAt, 1));
            long killed = System.nanoTime();
            members.get(0).getLifecycleService().terminate();
            await(() -> candidates.get(1).leading);
            long led = candidates.get(1).startedAt;
            await(() -> !"True".equals(ready(api, "node-1")));
            long leaderMarked = System.nanoTime();
            await(() -> removedAt.get(1) != 0);
            newLeader.add(led - killed);
            leaderDetected.add(removedAt.get(1) - killed);
            leaderNodeUnknown.add(leaderMarked - killed);
            if (candidates.get(2).leading) {
                throw new IllegalStateException("two leaders");
            }
            System.out.printf(Locale.ROOT, " worker's Node Unknown %.0f ms (removed event %.0f ms); new leader %.0f ms "
                    + "(removed event %.0f ms); lost leader's Node Unknown %.0f ms%n", (marked - workerKilled) / 1e6,
                    (removedAt.get(0) - workerKilled) / 1e6, (led - killed) / 1e6, (removedAt.get(1) - killed) / 1e6,
                    (leaderMarked - killed) / 1e6);
        } finally {
            monitors.forEach(NodeMonitor::deactivate);
            elections.forEach(HazelcastLeaderElection::deactivate);
            for (HazelcastInstance member : members) {
                if (member.getLifecycleService().isRunning()) {
                    member.getLifecycleService().terminate();
                }
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

    private static HazelcastLeaderElection.Config electionConfig() {
        return new HazelcastLeaderElection.Config() {
            @Override
            public int leaseDurationSeconds() {
                return 15;
            }

            @Override
            public int leaseRenewSeconds() {
                return 5;
            }

            @Override
            public Class<? extends Annotation> annotationType() {
                return HazelcastLeaderElection.Config.class;
            }
        };
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
    private record MemberConfig(String clusterName, int port, String[] members, String nodeName, boolean liteMember)
            implements ClusterMember.Config {

        @Override
        public String address() {
            return "127.0.0.1";
        }

        @Override
        public String apiUrl() {
            return "";
        }

        @Override
        public String[] roles() {
            return liteMember ? new String[] {"node"} : new String[] {"control-plane", "node"};
        }

        @Override
        public int heartbeatIntervalSeconds() {
            return 1;
        }

        @Override
        public int maxNoHeartbeatSeconds() {
            return 2;
        }

        @Override
        public int mergeDelaySeconds() {
            return 5;
        }

        @Override
        public int quorum() {
            return 2;
        }

        @Override
        public int[] pluginFactoryIds() {
            return new int[0];
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return ClusterMember.Config.class;
        }
    }
}
