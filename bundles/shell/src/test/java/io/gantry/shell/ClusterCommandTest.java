package io.gantry.shell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.hazelcast.config.Config;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.client.InMemoryApiClient;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * gantry:cluster on a real Hazelcast member with the attributes the cluster bundle publishes, a
 * leader election that names a leader for one role only, and Nodes in an in-memory API.
 */
class ClusterCommandTest {

    private final HazelcastInstance member = member();
    private final InMemoryApiClient api = new InMemoryApiClient();
    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();

    @AfterEach
    void stop() {
        member.getLifecycleService().terminate();
    }

    @Test
    void showsMembersLeadersAndNodes() {
        node("node-1", "True", "KubeletReady");
        node("node-2", "Unknown", "NodeStatusUnknown");
        String address = member.getCluster().getLocalMember().getAddress().getHost() + ":"
                + member.getCluster().getLocalMember().getAddress().getPort();

        run(null);

        String[] lines = printed().split("\n");
        assertEquals(List.of("MEMBER", "NODE", "ROLES", "TYPE", "THIS"), List.of(lines[0].split("\\s+")));
        assertEquals(List.of(address, "node-1", "control-plane,node", "data", "*"), List.of(lines[1].split("\\s+")));
        assertEquals("", lines[2]);
        assertEquals(List.of("ROLE", "LEADER", "TERM"), List.of(lines[3].split("\\s+")));
        assertEquals(List.of("kube-controller-manager", "node-1", "7"), List.of(lines[4].split("\\s+")));
        assertTrue(lines[5].startsWith("kube-scheduler") && lines[5].endsWith("<none: no quorum>   -"), lines[5]);
        assertEquals("", lines[6]);
        assertEquals(List.of("NODE", "STATUS", "REASON", "MEMBER"), List.of(lines[7].split("\\s+")));
        assertEquals(List.of("node-1", "Ready", "KubeletReady", "yes"), List.of(lines[8].split("\\s+")));
        assertEquals(List.of("node-2", "Unknown", "NodeStatusUnknown", "no"), List.of(lines[9].split("\\s+")));
    }

    @Test
    void jsonNamesEveryField() {
        node("node-1", "True", "KubeletReady");
        run("json");
        String json = printed();
        assertTrue(json.contains("\"node\" : \"node-1\"") && json.contains("\"type\" : \"data\"")
                && json.contains("\"holder\" : \"node-1\"") && json.contains("\"status\" : \"Ready\""), json);
    }

    private void run(String output) {
        ClusterCommand command = new ClusterCommand();
        command.member = member;
        command.api = api;
        command.election = new LeaderElection() {
            @Override
            public Campaign campaign(String role, Candidate candidate) {
                throw new UnsupportedOperationException();
            }

            @Override
            public Term current(String role) {
                return role.equals(CONTROLLER_MANAGER) ? new Term(role, "node-1", 7) : null;
            }
        };
        command.output = output;
        command.out = new PrintStream(printed, true, StandardCharsets.UTF_8);
        command.execute();
    }

    private String printed() {
        return printed.toString(StandardCharsets.UTF_8);
    }

    private void node(String name, String status, String reason) {
        Node node = new Node();
        node.metadata.name = name;
        NodeCondition ready = new NodeCondition();
        ready.type = "Ready";
        ready.status = status;
        ready.reason = reason;
        node.status().conditions = List.of(ready);
        api.create(ResourceKind.NODES, node);
    }

    /** A lone member as the cluster bundle configures one: loopback, no join, its attributes. */
    private static HazelcastInstance member() {
        Config config = new Config().setClusterName("shell-test-" + UUID.randomUUID())
                .setProperty("hazelcast.phone.home.enabled", "false")
                .setProperty("hazelcast.shutdownhook.enabled", "false")
                .setProperty("hazelcast.logging.type", "slf4j")
                .setProperty("hazelcast.wait.seconds.before.join", "0");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(0).getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getMemberAttributeConfig().setAttribute(ClusterCommand.NODE_ATTRIBUTE, "node-1")
                .setAttribute(ClusterCommand.ROLES_ATTRIBUTE, "control-plane,node");
        return Hazelcast.newHazelcastInstance(config);
    }
}
