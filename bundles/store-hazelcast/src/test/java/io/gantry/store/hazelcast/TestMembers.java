package io.gantry.store.hazelcast;

import com.hazelcast.config.Config;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import static org.awaitility.Awaitility.await;

import io.gantry.api.Configs;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Real Hazelcast members on loopback for the store's tests: TCP/IP join on ports of the range
 * 15700-15799 given to these tests, multicast off, the store's processor factory registered as
 * the cluster bundle registers it in Gantry.
 */
final class TestMembers {

    private TestMembers() {
    }

    /** The member that owns the store's partition, once every member knows the same owner. */
    static HazelcastInstance owner(List<HazelcastInstance> members, String store) {
        await().atMost(Duration.ofSeconds(30)).until(() -> members.stream()
                .map(m -> m.getPartitionService().getPartition(store).getOwner())
                .allMatch(owner -> owner != null && owner.equals(members.get(0).getPartitionService().getPartition(store).getOwner())));
        return members.stream().filter(m -> m.getPartitionService().getPartition(store).getOwner().localMember())
                .findFirst().orElseThrow();
    }

    static final String MAJORITY = "gantry.majority";

    static Config config(String cluster, List<Integer> ports, int index) {
        return configOnPort(cluster, ports, ports.get(index));
    }

    /** The configuration of a member on {@code port} that joins the members on {@code ports}. */
    static Config configOnPort(String cluster, List<Integer> ports, int port) {
        Config config = new Config().setClusterName(cluster)
                .setProperty("hazelcast.phone.home.enabled", "false")
                .setProperty("hazelcast.shutdownhook.enabled", "false")
                .setProperty("hazelcast.logging.type", "slf4j")
                .setProperty("hazelcast.wait.seconds.before.join", "0")
                .setProperty("hazelcast.heartbeat.interval.seconds", "1")
                .setProperty("hazelcast.max.no.heartbeat.seconds", "5");
        config.getJetConfig().setEnabled(false);
        config.getNetworkConfig().setPort(port).setPortAutoIncrement(false);
        config.getNetworkConfig().getInterfaces().setEnabled(true).addInterface("127.0.0.1");
        config.getNetworkConfig().getRestApiConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
        config.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true)
                .setMembers(ports.stream().map(p -> "127.0.0.1:" + p).toList());
        // as the cluster bundle does: writes need a majority of the members listed
        if (ports.size() > 1) {
            config.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(MAJORITY, true, ports.size() / 2 + 1)
                    .setProtectOn(SplitBrainProtectionOn.WRITE));
        }
        config.getSerializationConfig().addDataSerializableFactory(StoreSerialization.FACTORY_ID, new StoreSerialization());
        return config;
    }

    static List<HazelcastInstance> start(int count, int firstPort, ClassLoader loader) {
        String cluster = "store-test-" + UUID.randomUUID();
        List<Integer> ports = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            ports.add(firstPort + i);
        }
        List<HazelcastInstance> members = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            Config config = config(cluster, ports, i);
            if (loader != null) {
                config.setClassLoader(loader);
            }
            members.add(Hazelcast.newHazelcastInstance(config));
        }
        awaitQuorum(members);
        return members;
    }

    /**
     * Waits until every member's split-brain protection has seen its quorum: Hazelcast refuses
     * protected writes until the first membership change after start shows it.
     */
    static void awaitQuorum(List<HazelcastInstance> members) {
        List<HazelcastInstance> protectedMembers = members.stream()
                .filter(m -> m.getConfig().getSplitBrainProtectionConfigs().containsKey(MAJORITY)).toList();
        await().atMost(Duration.ofSeconds(60)).until(() -> protectedMembers.stream().allMatch(m ->
                m.getSplitBrainProtectionService().getSplitBrainProtection(MAJORITY).hasMinimumSize()));
    }

    /** The store's configuration for tests: its defaults, with a watch history of 10,000 changes. */
    static HazelcastStore.Config defaults() {
        return Configs.of(HazelcastStore.Config.class, Map.of("watchHistory", 10_000));
    }
}
