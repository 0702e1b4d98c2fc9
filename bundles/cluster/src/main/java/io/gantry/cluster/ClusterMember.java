package io.gantry.cluster;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.SplitBrainProtectionConfig;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.nio.serialization.DataSerializableFactory;
import com.hazelcast.splitbrainprotection.SplitBrainProtectionOn;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.Map;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.ConfigurationPolicy;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.component.annotations.ReferenceCardinality;
import org.osgi.service.component.annotations.ReferencePolicy;
import org.osgi.service.component.annotations.ReferencePolicyOption;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's Hazelcast member. Every Gantry node is one member of one cluster, joined over
 * TCP/IP from the members listed in configuration; the member is offered as a
 * {@link HazelcastInstance} service for the storage backend, membership and leader election.
 *
 * <p>The member is registered by hand rather than by DS so that its service goes away before
 * the member shuts down, and so that a configuration change restarts it cleanly.
 */
@Component(immediate = true, configurationPid = ClusterMember.PID, configurationPolicy = ConfigurationPolicy.OPTIONAL)
@Designate(ocd = ClusterMember.Config.class)
public class ClusterMember {

    public static final String PID = "io.gantry.cluster";

    /**
     * The split-brain protection every member defines: structures that name it (the hazelcast
     * store's map) refuse writes on a member that sees fewer than the quorum of members.
     */
    public static final String MAJORITY = "gantry.majority";

    private static final Logger LOG = LoggerFactory.getLogger(ClusterMember.class);

    @ObjectClassDefinition(name = "Gantry cluster member", description = "This node's Hazelcast member")
    public @interface Config {

        @AttributeDefinition(description = "Name of the Hazelcast cluster; nodes join only their own cluster")
        String clusterName() default "gantry";

        @AttributeDefinition(description = "Address the member binds and announces")
        String address() default "127.0.0.1";

        @AttributeDefinition(description = "Port of the member; the next free one is taken if it is busy")
        int port() default 5701;

        @AttributeDefinition(description = "Members to join, host:port, TCP/IP join (multicast is off)")
        String[] members() default {"127.0.0.1:5701"};

        @AttributeDefinition(description = "Name of this node, published as member attribute " + MemberAttributes.NODE
                + "; empty takes the host name, as the kubelet's nodeName does")
        String nodeName() default "";

        @AttributeDefinition(description = "URL of this node's API server (http://host:port), published as member attribute "
                + MemberAttributes.API + " so that nodes without one find it; empty on nodes without an API server")
        String apiUrl() default "";

        @AttributeDefinition(description = "Roles of this node, published as member attribute " + MemberAttributes.ROLES
                + ": control-plane (may lead the scheduler and the controller manager), node (runs pods)")
        String[] roles() default {MemberAttributes.CONTROL_PLANE, MemberAttributes.NODE_ROLE};

        @AttributeDefinition(description = "Seconds between heartbeats")
        int heartbeatIntervalSeconds() default 1;

        @AttributeDefinition(description = "Seconds without heartbeat after which a silent member (network cut, frozen "
                + "process) is taken as gone; a killed process is noticed sooner, through its closed connections")
        int maxNoHeartbeatSeconds() default 2;

        @AttributeDefinition(description = "Seconds before the first and between later searches for the other side "
                + "of a split cluster, which then merges")
        int mergeDelaySeconds() default 5;

        @AttributeDefinition(description = "A lite member holds no cluster state (no partitions): for worker-only "
                + "nodes, which run no storage plugin that could serve the state's operations")
        boolean liteMember() default false;

        @AttributeDefinition(description = "Members a member must see for the structures protected by the split-brain "
                + "protection '" + MAJORITY + "' to accept writes; 0: a majority of the members listed")
        int quorum() default 0;

        @AttributeDefinition(description = "Seconds a leader's Lease is valid after its last renewal, as others read it "
                + "(the Lease's leaseDurationSeconds)")
        int leaseDurationSeconds() default 15;

        @AttributeDefinition(description = "Seconds between renewals of a held Lease")
        int leaseRenewSeconds() default 5;

        @AttributeDefinition(description = "A leader that has heard no heartbeat from a quorum for this long stops, before "
                + "the others can remove it; a successor of a leader that vanished waits until that leader has surely "
                + "stopped, unless its port refuses connections. Longer than the heartbeat interval; 0 turns both off")
        int heartbeatToleranceMillis() default 1500;

        @AttributeDefinition(description = "Seconds a Node without a member of its name may go without a kubelet "
                + "heartbeat before the leader marks it Unknown (Kubernetes: --node-monitor-grace-period). A member "
                + "seen leaving marks its Node at once; this covers Nodes whose member was never seen, at the start "
                + "of a term")
        int nodeMonitorGracePeriodSeconds() default 40;

        @AttributeDefinition(description = "The cluster's pod range, inside 127.0.0.0/8, from which node IPAM gives each "
                + "Node its spec.podCIDR (Kubernetes: --cluster-cidr)")
        String clusterCIDR() default "127.64.0.0/11";

        @AttributeDefinition(description = "The prefix length of each Node's pod range (Kubernetes: --node-cidr-mask-size); "
                + "a /20 holds 4094 pods")
        int nodeCIDRMaskSize() default 20;

        @AttributeDefinition(description = "Ids of the Hazelcast serialization factories plugin bundles publish as "
                + "services (1700: the hazelcast store's entry processors)")
        int[] pluginFactoryIds() default {1700};
    }

    private final PluginSerializers pluginSerializers = new PluginSerializers();
    private HazelcastInstance instance;
    private ServiceRegistration<HazelcastInstance> registration;

    @Reference(service = DataSerializableFactory.class, cardinality = ReferenceCardinality.MULTIPLE,
            policy = ReferencePolicy.DYNAMIC, policyOption = ReferencePolicyOption.GREEDY,
            target = "(" + PluginSerializers.FACTORY_ID + "=*)")
    void bindFactory(DataSerializableFactory factory, Map<String, Object> properties) {
        pluginSerializers.publish(factoryId(properties), factory);
    }

    void unbindFactory(DataSerializableFactory factory, Map<String, Object> properties) {
        pluginSerializers.withdraw(factoryId(properties), factory);
    }

    private static int factoryId(Map<String, Object> properties) {
        return Integer.parseInt(String.valueOf(properties.get(PluginSerializers.FACTORY_ID)));
    }

    @Activate
    void activate(BundleContext context, Config config) {
        instance = start(config, pluginSerializers);
        Dictionary<String, Object> properties = new Hashtable<>();
        properties.put("gantry.cluster.name", config.clusterName());
        properties.put("gantry.member.address", instance.getCluster().getLocalMember().getAddress().toString());
        properties.put(MemberAttributes.NODE, instance.getCluster().getLocalMember().getAttribute(MemberAttributes.NODE));
        registration = context.registerService(HazelcastInstance.class, instance, properties);
        LOG.info("Hazelcast member {} of node {} joined cluster '{}' ({} member(s))",
                instance.getCluster().getLocalMember().getAddress(),
                instance.getCluster().getLocalMember().getAttribute(MemberAttributes.NODE), config.clusterName(),
                instance.getCluster().getMembers().size());
    }

    @Deactivate
    void deactivate() {
        if (registration != null) {
            registration.unregister();
            registration = null;
        }
        if (instance != null) {
            instance.shutdown();
            instance = null;
        }
    }

    /** The members a side must see to hold the quorum: configured, or a majority of the members listed. */
    static int quorum(Config config) {
        return config.quorum() > 0 ? config.quorum() : config.members().length / 2 + 1;
    }

    /** The quorum a running member was configured with (1 when it has no split-brain protection). */
    static int quorum(HazelcastInstance instance) {
        SplitBrainProtectionConfig protection = instance.getConfig().getSplitBrainProtectionConfigs().get(MAJORITY);
        return protection == null ? 1 : protection.getMinimumClusterSize();
    }

    /** The heartbeats a running member heard, or null when it has no quorum to keep (one member). */
    static RecentHeartbeats heartbeats(HazelcastInstance instance) {
        SplitBrainProtectionConfig config = instance.getConfig().getSplitBrainProtectionConfigs().get(RecentHeartbeats.NAME);
        return config != null && config.getFunctionImplementation() instanceof RecentHeartbeats heartbeats ? heartbeats : null;
    }

    /** Milliseconds between heartbeats of a running member. */
    static long heartbeatIntervalMillis(HazelcastInstance instance) {
        String seconds = instance.getConfig().getProperty("hazelcast.heartbeat.interval.seconds");
        return seconds == null ? 5000 : Long.parseLong(seconds) * 1000;
    }

    static String nodeName(Config config) {
        if (!config.nodeName().isBlank()) {
            return config.nodeName().trim();
        }
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }

    /** Starts a member as configured; public so tests can start real members without OSGi. */
    public static HazelcastInstance start(Config config) {
        return start(config, new PluginSerializers());
    }

    private static HazelcastInstance start(Config config, PluginSerializers pluginSerializers) {
        ClassLoader hazelcastLoader = HazelcastInstance.class.getClassLoader();
        com.hazelcast.config.Config hz = new com.hazelcast.config.Config()
                .setClusterName(config.clusterName())
                .setClassLoader(hazelcastLoader)
                .setProperty("hazelcast.phone.home.enabled", "false")
                .setProperty("hazelcast.shutdownhook.enabled", "false")
                .setProperty("hazelcast.logging.type", "slf4j")
                .setProperty("hazelcast.heartbeat.interval.seconds", String.valueOf(config.heartbeatIntervalSeconds()))
                .setProperty("hazelcast.max.no.heartbeat.seconds", String.valueOf(config.maxNoHeartbeatSeconds()))
                // a closed connection to a member (its process died) is retried this often, and after
                // this many failures the member is suspected and removed: about 3 x 100 ms
                .setProperty("hazelcast.connection.monitor.interval", "100")
                .setProperty("hazelcast.connection.monitor.max.faults", "3")
                .setProperty("hazelcast.merge.first.run.delay.seconds", String.valueOf(config.mergeDelaySeconds()))
                .setProperty("hazelcast.merge.next.run.delay.seconds", String.valueOf(config.mergeDelaySeconds()))
                .setProperty("hazelcast.wait.seconds.before.join", "0")
                // A write whose backups do not answer (a member cut off with the partition's primary)
                // fails instead of being acknowledged: the other side may replace that member, and
                // its unconfirmed writes are dropped when the halves merge again.
                .setProperty("hazelcast.operation.fail.on.indeterminate.state", "true");
        hz.getJetConfig().setEnabled(false);
        hz.setLiteMember(config.liteMember());
        hz.getMemberAttributeConfig()
                .setAttribute(MemberAttributes.NODE, nodeName(config))
                .setAttribute(MemberAttributes.ROLES, String.join(",", config.roles()));
        if (!config.apiUrl().isBlank()) {
            hz.getMemberAttributeConfig().setAttribute(MemberAttributes.API, config.apiUrl().trim());
        }
        int quorum = quorum(config);
        if (quorum > 1) {
            // Hazelcast refuses protected writes until a membership change shows the quorum, which
            // never comes to a lone member: a quorum of one is no protection to configure.
            hz.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(MAJORITY, true, quorum)
                    .setFunctionImplementation(new DataMemberQuorum(quorum))
                    .setProtectOn(SplitBrainProtectionOn.WRITE));
            // protects nothing: it is how Hazelcast tells the leader election of each heartbeat
            hz.addSplitBrainProtectionConfig(new SplitBrainProtectionConfig(RecentHeartbeats.NAME, true, quorum)
                    .setFunctionImplementation(new RecentHeartbeats()));
        }
        for (int factoryId : config.pluginFactoryIds()) {
            hz.getSerializationConfig().addDataSerializableFactory(factoryId, pluginSerializers.delegate(factoryId));
        }
        NetworkConfig network = hz.getNetworkConfig()
                .setPort(config.port())
                .setPortAutoIncrement(true);
        network.getInterfaces().setEnabled(true).addInterface(config.address());
        network.getRestApiConfig().setEnabled(false);
        JoinConfig join = network.getJoin();
        join.getMulticastConfig().setEnabled(false);
        join.getAutoDetectionConfig().setEnabled(false);
        join.getTcpIpConfig().setEnabled(true).setMembers(Arrays.asList(config.members()));

        // Hazelcast looks up its own services through the context class loader.
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(hazelcastLoader);
        try {
            return Hazelcast.newHazelcastInstance(hz);
        } finally {
            thread.setContextClassLoader(previous);
        }
    }
}
