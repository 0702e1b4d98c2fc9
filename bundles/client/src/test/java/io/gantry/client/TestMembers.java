package io.gantry.client;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Real Hazelcast members of a cluster of the test's own, on loopback: control planes announce their
 * API server in the member attribute {@code gantry.api}; workers are lite members, as worker nodes are.
 */
final class TestMembers implements AutoCloseable {

    private final String cluster = "client-test-" + UUID.randomUUID();
    private final int basePort = 6100 + ThreadLocalRandom.current().nextInt(0, 60) * 10;
    private final List<HazelcastInstance> members = new ArrayList<>();

    /** A control plane announcing {@code api}. */
    HazelcastInstance controlPlane(String api) {
        return member(api, false);
    }

    /** A worker: a lite member, announcing nothing. */
    HazelcastInstance worker() {
        return member(null, true);
    }

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

    @Override
    public void close() {
        members.forEach(HazelcastInstance::shutdown);
    }
}
