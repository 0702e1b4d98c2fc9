package io.gantry.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.Configs;
import io.gantry.api.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Real Hazelcast members in this JVM, started as the cluster bundle starts them
 * ({@link ClusterMember#start}): a cluster name of the test's own, loopback ports found free
 * beforehand, every port listed as a member to join (so the quorum is a majority of them).
 */
final class TestCluster implements AutoCloseable {

    private final String name = "gantry-test-" + UUID.randomUUID().toString().substring(0, 8);
    private final List<Integer> ports = new ArrayList<>();
    private final List<HazelcastInstance> started = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
    /** 0: a majority of the ports. */
    int quorum;

    /** A cluster of {@code size} listed members. */
    TestCluster(int size) {
        for (int i = 0; i < size; i++) {
            ports.add(FreePorts.next());
        }
    }

    /** Starts member {@code index} (0-based) as a data member of the control plane and node roles. */
    HazelcastInstance start(int index, String nodeName) {
        return start(index, nodeName, false, MemberAttributes.CONTROL_PLANE, MemberAttributes.NODE_ROLE);
    }

    HazelcastInstance start(int index, String nodeName, boolean lite, String... roles) {
        HazelcastInstance member = ClusterMember.start(config(index, nodeName, lite, roles));
        started.add(member);
        return member;
    }

    /**
     * Starts member {@code index} as a data member of the control plane in a JVM of its own
     * ({@link MemberMain}), once it has joined.
     */
    Process startProcess(int index, String nodeName) throws IOException {
        ClusterMember.Config config = config(index, nodeName, false, MemberAttributes.CONTROL_PLANE, MemberAttributes.NODE_ROLE);
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx192m", "-XX:+UseSerialGC", "-cp", System.getProperty("java.class.path"), MemberMain.class.getName(),
                name, String.valueOf(config.port()), String.join(",", config.members()), nodeName, String.valueOf(config.quorum()));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(process);
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        for (String line = out.readLine(); line != null; line = out.readLine()) {
            if (line.startsWith("STARTED")) {
                return process;
            }
        }
        throw new IllegalStateException("the member process of " + nodeName + " ended before it started");
    }

    /** Member {@code index}'s configuration as etc/io.gantry.cluster.cfg gives it. */
    ClusterMember.Config config(int index, String nodeName, boolean lite, String... roles) {
        return Configs.of(ClusterMember.Config.class, Map.of(
                "clusterName", name,
                "port", ports.get(index),
                "members", ports.stream().map(p -> "127.0.0.1:" + p).toArray(String[]::new),
                "nodeName", nodeName,
                "liteMember", lite,
                "roles", roles,
                "quorum", quorum,
                "pluginFactoryIds", new int[0])); // no plugin bundle here publishes a serialization factory
    }

    @Override
    public void close() {
        for (Process process : processes) {
            process.destroyForcibly();
        }
        for (HazelcastInstance member : started) {
            if (member.getLifecycleService().isRunning()) {
                member.getLifecycleService().terminate();
            }
        }
    }

    /** The settings the leader election and node IPAM read, with the Lease's duration and renewal given. */
    static ClusterMember.Config electionConfig(int durationSeconds, int renewSeconds) {
        return Configs.of(ClusterMember.Config.class,
                Map.of("leaseDurationSeconds", durationSeconds, "leaseRenewSeconds", renewSeconds));
    }
}
