package io.gantry.client;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import io.gantry.api.client.ResourceKind;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A worker finds the API servers through real Hazelcast members: control planes announce theirs
 * in the member attribute {@code gantry.api}, and the worker's list follows them as they join and
 * leave, with the client's calls going to a server so found.
 */
class MemberApiServersTest {

    private static final Duration DEADLINE = Duration.ofSeconds(60);

    private final String cluster = "client-test-" + UUID.randomUUID();
    private final int basePort = 6100 + ThreadLocalRandom.current().nextInt(0, 60) * 10;
    private final List<HazelcastInstance> members = new ArrayList<>();

    @AfterEach
    void stop() {
        members.forEach(HazelcastInstance::shutdown);
    }

    @Test
    void theListFollowsTheControlPlanesThatJoinAndLeave() throws Exception {
        try (TestApiServer server = TestApiServer.start()) {
            HazelcastInstance plane = member(server.uri().toString(), false);
            HazelcastInstance worker = member(null, true);
            ApiServers servers = new ApiServers();

            try (MemberApiServers found = new MemberApiServers(worker, servers);
                 HttpApiClient client = new HttpApiClient(servers)) {
                assertEquals(List.of(server.uri()), servers.inOrder());
                server.registry.create(ResourceKind.CONFIG_MAPS, HttpApiClientTest.configMap("found", Map.of()));
                assertEquals("found", client.get(ResourceKind.CONFIG_MAPS, "default", "found").metadata.name);

                URI other = URI.create("http://127.0.0.1:18999");
                HazelcastInstance secondPlane = member(other + "/ignored/path", false);
                await().atMost(DEADLINE).until(() -> servers.inOrder().equals(List.of(server.uri(), other)));

                plane.shutdown();
                await().atMost(DEADLINE).until(() -> servers.inOrder().equals(List.of(other)));
                secondPlane.shutdown();
                await().atMost(DEADLINE).until(servers::isEmpty);
            }
        }
    }

    /** A member on loopback; a control plane announces its API server, a worker is a lite member. */
    private HazelcastInstance member(String api, boolean lite) {
        Config config = new Config()
                .setClusterName(cluster)
                .setProperty("hazelcast.phone.home.enabled", "false")
                .setProperty("hazelcast.shutdownhook.enabled", "false")
                .setProperty("hazelcast.logging.type", "slf4j")
                .setProperty("hazelcast.wait.seconds.before.join", "0")
                .setLiteMember(lite);
        config.getJetConfig().setEnabled(false);
        if (api != null) {
            config.getMemberAttributeConfig().setAttribute(MemberApiServers.ATTRIBUTE, api);
        }
        NetworkConfig network = config.getNetworkConfig().setPort(basePort).setPortAutoIncrement(true);
        network.getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        network.getRestApiConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        for (int port = basePort; port < basePort + 4; port++) {
            join.getTcpIpConfig().setEnabled(true).addMember("127.0.0.1:" + port);
        }
        HazelcastInstance member = Hazelcast.newHazelcastInstance(config);
        members.add(member);
        return member;
    }
}
