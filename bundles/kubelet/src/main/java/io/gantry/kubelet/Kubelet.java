package io.gantry.kubelet;

import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.runtime.ContainerRuntime;
import io.gantry.api.runtime.ContainerStatus;
import io.gantry.api.runtime.SandboxStatus;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
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
 * The node agent. Registers this node, keeps its status fresh, and runs the pods bound to it
 * through the {@link ContainerRuntime} plugin each pod names in {@code spec.runtimeClassName}
 * (the node's default otherwise). Pods are watched through an informer; every few seconds the
 * kubelet also looks at the runtime (as the Kubernetes kubelet's relist does) to notice
 * containers that exited, and removes what deleted pods left behind.
 *
 * <p>Stopping the kubelet leaves running pods alone: a new kubelet (or the same one after an
 * update) finds them by their labels and carries on.
 */
@Component(immediate = true, configurationPid = Kubelet.PID)
@Designate(ocd = Kubelet.Config.class)
public class Kubelet {

    public static final String PID = "io.gantry.kubelet";

    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);

    @ObjectClassDefinition(name = "Gantry kubelet")
    public @interface Config {

        @AttributeDefinition(description = "Name of this node; empty takes the host name")
        String nodeName() default "";

        @AttributeDefinition(description = "Pod IP range of this node, inside 127.0.0.0/8; nodes on one host need distinct ranges")
        String podCIDR() default "127.1.0.0/16";

        @AttributeDefinition(description = "Address of this node as pods and other nodes see it")
        String nodeIP() default "127.0.0.1";

        @AttributeDefinition(description = "Container runtime plugin (gantry.plugin name) for pods that name none")
        String defaultRuntime() default "docker";

        @AttributeDefinition(description = "Seconds between node status updates")
        int statusIntervalSeconds() default 10;

        @AttributeDefinition(description = "Seconds between looks at the runtime for exited containers")
        int syncIntervalSeconds() default 2;

        @AttributeDefinition(description = "Most pods this node runs")
        int maxPods() default 110;

        @AttributeDefinition(description = "Pods synced in parallel")
        int workers() default 4;
    }

    private final Map<String, ContainerRuntime> runtimes = new ConcurrentHashMap<>();
    private final ApiClient api;
    private final Config config;
    private final String nodeName;
    private final PodAddresses addresses;
    private final PodSync podSync;
    private final PodWorkers workers;
    private final ScheduledExecutorService timers;
    private final Informer<Pod> pods;

    @Activate
    public Kubelet(@Reference ApiClient api, Config config) {
        this.api = api;
        this.config = config;
        this.nodeName = config.nodeName().isBlank() ? hostname() : config.nodeName().trim();
        this.addresses = new PodAddresses(config.podCIDR());
        this.podSync = new PodSync(nodeName, config.nodeIP(), api, new PodSync.Runtimes() {
            @Override
            public Optional<ContainerRuntime> find(String name) {
                return Optional.ofNullable(runtimes.get(runtimeName(name)));
            }

            @Override
            public String describe(String name) {
                return "no container runtime '" + runtimeName(name) + "' is installed on node " + nodeName
                        + " (installed: " + String.join(", ", new TreeSet<>(runtimes.keySet())) + ")";
            }
        }, addresses);
        this.workers = new PodWorkers(this::syncPod, Math.max(1, config.workers()));
        this.timers = Executors.newScheduledThreadPool(1, r -> {
            Thread thread = new Thread(r, "gantry-kubelet-" + nodeName);
            thread.setDaemon(true);
            return thread;
        });
        this.pods = new Informer<>(api, ResourceKind.PODS, null, ListOptions.fields("spec.nodeName=" + nodeName),
                new Informer.Handler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        workers.update(key(pod));
                    }

                    @Override
                    public void onUpdate(Pod previous, Pod current) {
                        workers.update(key(current));
                    }

                    @Override
                    public void onDelete(Pod pod) {
                        workers.update(key(pod));
                    }
                });
        timers.execute(this::reportNodeStatus);
        timers.scheduleWithFixedDelay(this::reportNodeStatus, config.statusIntervalSeconds(),
                config.statusIntervalSeconds(), TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(this::relist, config.syncIntervalSeconds(),
                config.syncIntervalSeconds(), TimeUnit.SECONDS);
        pods.start();
        LOG.info("Kubelet of node {} started (pod range {}, default runtime {})", nodeName, addresses.cidr(),
                config.defaultRuntime());
    }

    @Deactivate
    void deactivate() {
        pods.close();
        timers.shutdownNow();
        workers.shutdown();
        LOG.info("Kubelet of node {} stopped; its pods keep running", nodeName);
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addRuntime(ContainerRuntime runtime, Map<String, Object> properties) {
        Object name = properties.get(Plugins.NAME);
        if (name != null) {
            runtimes.put(name.toString(), runtime);
            LOG.info("Container runtime '{}' available", name);
            reportNodeStatusSoon();
        }
    }

    void removeRuntime(ContainerRuntime runtime, Map<String, Object> properties) {
        Object name = properties.get(Plugins.NAME);
        if (name != null && runtimes.remove(name.toString(), runtime)) {
            LOG.info("Container runtime '{}' removed; its pods keep running and are looked after again when it is back", name);
            reportNodeStatusSoon();
        }
    }

    /** This node's name. */
    public String nodeName() {
        return nodeName;
    }

    private String runtimeName(String name) {
        return name == null || name.isEmpty() ? config.defaultRuntime() : name;
    }

    private void syncPod(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        podSync.sync(namespace, name, pods.get(namespace, name).orElse(null));
    }

    /** Syncs every pod, and removes sandboxes and containers of pods that are gone. */
    private void relist() {
        try {
            if (!pods.hasSynced()) {
                return;
            }
            List<Pod> current = pods.list();
            Set<String> uids = new HashSet<>();
            for (Pod pod : current) {
                uids.add(pod.metadata.uid);
                workers.update(key(pod));
            }
            for (ContainerRuntime runtime : runtimes.values()) {
                removeOrphans(runtime, uids);
            }
        } catch (RuntimeException e) {
            LOG.debug("Relist failed: {}", e.getMessage());
        }
    }

    private void removeOrphans(ContainerRuntime runtime, Set<String> liveUids) {
        Map<String, String> mine = Map.of(Labels.NODE, nodeName);
        Set<String> orphans = new HashSet<>();
        for (SandboxStatus sandbox : runtime.listPodSandboxes(mine)) {
            orphans.add(sandbox.labels().get(Labels.POD_UID));
        }
        for (ContainerStatus container : runtime.listContainers(mine)) {
            orphans.add(container.labels().get(Labels.POD_UID));
        }
        orphans.removeAll(liveUids);
        orphans.remove(null);
        for (String uid : orphans) {
            // Re-check: the pod may have arrived since the list was taken.
            if (pods.list().stream().noneMatch(p -> uid.equals(p.metadata.uid))) {
                LOG.info("Removing containers of pod {} which no longer exists", uid);
                PodSync.killPod(runtime, Map.of(Labels.POD_UID, uid), 0);
                addresses.release(uid);
            }
        }
    }

    /** Readiness follows the default runtime: report at once when a runtime comes or goes. */
    private void reportNodeStatusSoon() {
        try {
            timers.execute(this::reportNodeStatus);
        } catch (RejectedExecutionException e) {
            // deactivating: the node's status is no longer ours to report
        }
    }

    private void reportNodeStatus() {
        try {
            String runtimeVersion = null;
            String notReady;
            ContainerRuntime runtime = runtimes.get(config.defaultRuntime());
            if (runtime == null) {
                notReady = "container runtime '" + config.defaultRuntime() + "' is not installed";
            } else {
                try {
                    runtimeVersion = runtime.version();
                    notReady = null;
                } catch (RuntimeException e) {
                    notReady = "container runtime is down: " + e.getMessage();
                }
            }
            Optional<Node> existing = api.find(ResourceKind.NODES, null, nodeName);
            Node node = existing.orElseGet(this::newNode);
            node.status = NodeStatuses.status(existing.orElse(null), config.nodeIP(), nodeName, runtimeVersion,
                    notReady, config.maxPods());
            if (existing.isEmpty()) {
                Node created = api.create(ResourceKind.NODES, node);
                created.status = node.status;
                api.updateStatus(ResourceKind.NODES, created);
                LOG.info("Registered node {}", nodeName);
            } else {
                api.updateStatus(ResourceKind.NODES, node);
            }
        } catch (ApiException e) {
            LOG.warn("Cannot report the status of node {}: {}", nodeName, e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Cannot report the status of node {}", nodeName, e);
        }
    }

    private Node newNode() {
        Node node = new Node();
        node.metadata.name = nodeName;
        node.meta().labels().put("kubernetes.io/hostname", nodeName);
        node.meta().labels().put("kubernetes.io/os", "linux");
        node.meta().labels().put("kubernetes.io/arch", System.getProperty("os.arch").equals("aarch64") ? "arm64" : "amd64");
        node.spec.podCIDR = addresses.cidr();
        node.spec.podCIDRs = List.of(addresses.cidr());
        return node;
    }

    private static String key(Pod pod) {
        return pod.metadata.namespace + "/" + pod.metadata.name;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
