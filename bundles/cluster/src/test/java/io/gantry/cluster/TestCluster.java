package io.gantry.cluster;

import com.hazelcast.core.HazelcastInstance;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.annotation.Annotation;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
            ports.add(freePort());
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
        MemberConfig config = config(index, nodeName, false, MemberAttributes.CONTROL_PLANE, MemberAttributes.NODE_ROLE);
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

    MemberConfig config(int index, String nodeName, boolean lite, String... roles) {
        return new MemberConfig(name, ports.get(index), ports.stream().map(p -> "127.0.0.1:" + p).toArray(String[]::new),
                nodeName, lite, roles, quorum, 15, 5);
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

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The member's configuration as etc/io.gantry.cluster.cfg gives it. */
    record MemberConfig(String clusterName, int port, String[] members, String nodeName, boolean liteMember,
                        String[] roles, int quorum, int leaseDurationSeconds, int leaseRenewSeconds)
            implements ClusterMember.Config {

        @Override
        public int heartbeatToleranceMillis() {
            return 1500;
        }

        @Override
        public int nodeMonitorGracePeriodSeconds() {
            return 40;
        }

        @Override
        public String clusterCIDR() {
            return "127.64.0.0/11";
        }

        @Override
        public int nodeCIDRMaskSize() {
            return 20;
        }

        @Override
        public String address() {
            return "127.0.0.1";
        }

        @Override
        public String apiUrl() {
            return "";
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
        public int[] pluginFactoryIds() {
            return new int[0];
        }

        @Override
        public Class<? extends Annotation> annotationType() {
            return ClusterMember.Config.class;
        }
    }

    /** The settings the leader election and node IPAM read, with the Lease's duration and renewal given. */
    static MemberConfig electionConfig(int durationSeconds, int renewSeconds) {
        return new MemberConfig("unused", 0, new String[0], "unused", false, new String[0], 0, durationSeconds, renewSeconds);
    }
}
