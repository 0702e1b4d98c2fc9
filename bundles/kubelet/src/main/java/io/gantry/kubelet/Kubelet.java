package io.gantry.kubelet;

import io.gantry.api.Daemons;
import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.runtime.ContainerRuntime;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.net.UnknownHostException;
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
 * (the node's default otherwise; a pod stays with the runtime that started it). Pods come from an
 * informer; what runs comes from the runtimes' events and a periodic relist ({@link PodRelister});
 * each change gives the pod a turn of its worker ({@link PodSync}); containers of pods that no
 * longer exist are removed.
 *
 * <p>Stopping the kubelet leaves running pods alone: a new kubelet (or the same one after an
 * update) finds them by their labels and carries on.
 */
@Component(immediate = true, configurationPid = Kubelet.PID)
@Designate(ocd = Kubelet.Config.class)
public class Kubelet {

    public static final String PID = "io.gantry.kubelet";

    private static final Logger LOG = LoggerFactory.getLogger(Kubelet.class);
    /** When a pod's sync failed (the API or the engine did not answer), the next try. */
    private static final Duration RETRY = Duration.ofSeconds(2);
    /** How long after a runtime's events it is listed again, for what its state showed late. */
    static final Duration EVENT_SETTLE = Duration.ofMillis(250);

    @ObjectClassDefinition(name = "Gantry kubelet")
    public @interface Config {

        @AttributeDefinition(description = "Name of this node; empty takes the host name")
        String nodeName() default "";

        @AttributeDefinition(description = "Pod IP range of this node, inside 127.0.0.0/8; nodes on one host need distinct ranges. "
                + "Empty: the range the control plane gives the Node (spec.podCIDR); pods wait for it")
        String podCIDR() default "127.1.0.0/16";

        @AttributeDefinition(description = "Address of this node as pods and other nodes see it")
        String nodeIP() default "127.0.0.1";

        @AttributeDefinition(description = "Port of the kubelet's own HTTP endpoint (logs, exec) on nodeIP; 0 takes a free one. "
                + "Nodes on one host need distinct ports")
        int port() default 10250;

        @AttributeDefinition(description = "Container runtime plugin (gantry.plugin name) for pods that name none")
        String defaultRuntime() default "docker";

        @AttributeDefinition(description = "Runtime classes, as RuntimeClass objects map a pod's spec.runtimeClassName to a "
                + "handler: entries CLASS=RUNTIME (sandboxed=process). A class not listed names a runtime plugin itself")
        String[] runtimeClasses() default {};

        @AttributeDefinition(description = "Seconds between node status updates")
        int statusIntervalSeconds() default 10;

        @AttributeDefinition(description = "Seconds between relists of the runtimes, which catch what their events missed")
        int relistIntervalSeconds() default 5;

        @AttributeDefinition(description = "Most pods this node runs")
        int maxPods() default 110;

        @AttributeDefinition(description = "CPU this node offers (cores, or millicores such as 1500m); empty takes the host's")
        String cpu() default "";

        @AttributeDefinition(description = "Memory this node offers (such as 8Gi); empty takes the host's")
        String memory() default "";

        @AttributeDefinition(description = "CPU kept for the system: allocatable is capacity minus this")
        String systemReservedCpu() default "100m";

        @AttributeDefinition(description = "Memory kept for the system: allocatable is capacity minus this")
        String systemReservedMemory() default "256Mi";

        @AttributeDefinition(description = "First crash loop back-off in milliseconds (Kubernetes: 10 s), doubled per restart")
        long crashLoopBackOffMillis() default 10_000;

        @AttributeDefinition(description = "Longest crash loop back-off in seconds (Kubernetes: 300)")
        int crashLoopBackOffMaxSeconds() default 300;

        @AttributeDefinition(description = "Folder of pod volumes; empty takes kubelet/ in Karaf's data folder")
        String rootDir() default "";

        @AttributeDefinition(description = "Seconds between updates of secret, configMap and downwardAPI volume files")
        int volumeRefreshSeconds() default 10;

        @AttributeDefinition(description = "Threads that run probes")
        int probeThreads() default 2;
    }

    private final Map<String, ContainerRuntime> runtimes = new ConcurrentHashMap<>();
    /** The kubelet's folder (volumes); its file system is the node's for DiskPressure. */
    private final Path root;
    private final Map<String, AutoCloseable> subscriptions = new ConcurrentHashMap<>();
    /** Pod keys by uid, for what the relister reports by uid. */
    private final Map<String, String> keysByUid = new ConcurrentHashMap<>();
    private final AtomicBoolean relistPending = new AtomicBoolean();
    /** The relist that follows a burst of runtime events by {@link #EVENT_SETTLE}. */
    private final AtomicBoolean settlePending = new AtomicBoolean();
    /** Pods whose leftovers are being removed. */
    private final Set<String> removing = ConcurrentHashMap.newKeySet();
    private final ApiClient api;
    private final Config config;
    private final String nodeName;
    private final NodeResources resources;
    private final PodAddresses addresses;
    private final PodRelister relister;
    private final PodSync podSync;
    private final PodWorkers workers;
    private final ScheduledExecutorService timers;
    private final ScheduledExecutorService probeThreads;
    private final ExecutorService stoppers;
    private final Informer<Pod> pods;
    /** This node's Node, watched for the pod range the control plane gives it; null with a configured range. */
    private final Informer<Node> ownNode;
    private final ApiConfigSource ownConfigSource;
    private final KubeletServer server;

    @Activate
    public Kubelet(@Reference ApiClient api, @Reference SharedInformers informers, Config config) {
        this(api, informers, config, null);
    }

    /**
     * @param informers    the JVM's shared informers; not used when a config source is given
     * @param configSource secrets and config maps; null reads them through the shared informers
     */
    Kubelet(ApiClient api, SharedInformers informers, Config config, ConfigSource configSource) {
        if (configSource == null) {
            ApiConfigSource informed = new ApiConfigSource(api, informers, this::configChanged);
            this.ownConfigSource = informed;
            configSource = informed;
        } else {
            this.ownConfigSource = null;
        }
        this.api = api;
        this.config = config;
        this.nodeName = config.nodeName().isBlank() ? hostname() : config.nodeName().trim();
        this.resources = NodeResources.of(config.cpu(), config.memory(), config.maxPods(), config.systemReservedCpu(),
                config.systemReservedMemory());
        this.addresses = new PodAddresses(config.podCIDR());
        this.timers = Executors.newScheduledThreadPool(1, Daemons.threads("gantry-kubelet-" + nodeName));
        this.probeThreads = Executors.newScheduledThreadPool(Math.max(1, config.probeThreads()), Daemons.threads("gantry-prober"));
        this.stoppers = Daemons.pool("gantry-container-stopper", PodWorkers.IDLE);
        this.workers = new PodWorkers(this::syncPod);
        this.relister = new PodRelister(nodeName, () -> Map.copyOf(runtimes), this::podChanged);
        ProbeManager probes = new ProbeManager(probeThreads, this::podChanged, this::unhealthy);
        this.root = config.rootDir().isBlank()
                ? Path.of(System.getProperty("karaf.data", System.getProperty("java.io.tmpdir")), "kubelet", nodeName)
                : Path.of(config.rootDir());
        this.podSync = new PodSync(nodeName, config.nodeIP(), api, new PodSync.Runtimes() {
            @Override
            public Optional<ContainerRuntime> find(String name) {
                return Optional.ofNullable(runtimes.get(runtimeName(name)));
            }

            @Override
            public String nameFor(Pod pod) {
                return runtimeName(pod.spec.runtimeClassName);
            }

            @Override
            public String describe(String name) {
                return "container runtime '" + runtimeName(name) + "' of this pod is not installed or does not answer on node "
                        + nodeName + " (installed: " + String.join(", ", new TreeSet<>(runtimes.keySet())) + ")";
            }
        }, addresses, relister, probes, new PodVolumes(root, configSource), configSource, resources.allocatable(),
                new CrashLoopBackOff(Duration.ofMillis(config.crashLoopBackOffMillis()),
                        Duration.ofSeconds(config.crashLoopBackOffMaxSeconds())),
                stoppers, Clock.systemUTC(), this::requeue);
        // private, not shared: only this node's pods, selected by the API server (a node of a large
        // cluster must not cache every pod of it)
        this.pods = new Informer<>(api, ResourceKind.PODS, null, ListOptions.fields("spec.nodeName=" + nodeName),
                new Informer.Handler<>() {
                    @Override
                    public void onAdd(Pod pod) {
                        keysByUid.put(pod.metadata.uid, PodSync.key(pod));
                        workers.update(PodSync.key(pod));
                    }

                    @Override
                    public void onUpdate(Pod previous, Pod current) {
                        keysByUid.put(current.metadata.uid, PodSync.key(current));
                        workers.update(PodSync.key(current));
                    }

                    @Override
                    public void onDelete(Pod pod) {
                        keysByUid.remove(pod.metadata.uid);
                        podChanged(pod.metadata.uid); // removed without a graceful stop: its containers go now
                    }
                });
        this.ownNode = addresses.cidr() != null ? null
                : new Informer<>(api, ResourceKind.NODES, null, ListOptions.fields("metadata.name=" + nodeName),
                        new Informer.Handler<>() {
                            @Override
                            public void onAdd(Node node) {
                                rangeAssigned(node);
                            }

                            @Override
                            public void onUpdate(Node previous, Node current) {
                                rangeAssigned(current);
                            }
                        });
        this.server = startServer(config);
        timers.execute(this::reportNodeStatus);
        timers.scheduleWithFixedDelay(this::reportNodeStatus, config.statusIntervalSeconds(),
                config.statusIntervalSeconds(), TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(this::relist, 0, Math.max(1, config.relistIntervalSeconds()), TimeUnit.SECONDS);
        timers.scheduleWithFixedDelay(this::refreshVolumes, config.volumeRefreshSeconds(),
                Math.max(1, config.volumeRefreshSeconds()), TimeUnit.SECONDS);
        pods.start();
        if (ownNode != null) {
            ownNode.start();
        }
        if (ownConfigSource != null) {
            ownConfigSource.start();
        }
        LOG.info("Kubelet of node {} started (pod range {}, default runtime {})", nodeName,
                addresses.cidr() != null ? addresses.cidr() : "from the control plane", config.defaultRuntime());
    }

    private KubeletServer startServer(Config config) {
        NodeContainers containers = new NodeContainers(pods::get, relister::get,
                name -> Optional.ofNullable(runtimes.get(name)));
        try {
            return new KubeletServer(config.nodeIP(), config.port(), Map.of(
                    "containerLogs", new ContainerLogs(containers, Clock.systemUTC()),
                    "exec", new ContainerExec(containers),
                    "attach", new ContainerAttach(containers),
                    "portForward", new PortForward(containers)));
        } catch (java.io.IOException e) {
            // pods still run; only logs and exec through the API are missing
            LOG.error("The kubelet endpoint cannot listen on {}:{} ({}): kubectl logs and exec will not reach node {}. "
                    + "Set another port in etc/{}.cfg", config.nodeIP(), config.port(), e.getMessage(), nodeName, PID);
            return null;
        }
    }

    /** The port of this kubelet's HTTP endpoint, or 0 when it could not listen. */
    public int port() {
        return server == null ? 0 : server.port();
    }

    @Deactivate
    void deactivate() {
        if (server != null) {
            server.close();
        }
        pods.close();
        if (ownNode != null) {
            ownNode.close();
        }
        if (ownConfigSource != null) {
            ownConfigSource.close();
        }
        timers.shutdownNow();
        probeThreads.shutdownNow();
        subscriptions.values().forEach(Kubelet::close);
        subscriptions.clear();
        workers.shutdown();
        stoppers.shutdownNow();
        podSync.close();
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
            relistSoon();
            if (pods != null && pods.hasSynced()) {
                pods.list().forEach(pod -> workers.update(PodSync.key(pod)));
            }
        }
    }

    void removeRuntime(ContainerRuntime runtime, Map<String, Object> properties) {
        Object name = properties.get(Plugins.NAME);
        if (name != null && runtimes.remove(name.toString(), runtime)) {
            close(subscriptions.remove(name.toString()));
            LOG.info("Container runtime '{}' removed; its pods keep running and are looked after again when it is back", name);
            reportNodeStatusSoon();
        }
    }

    /** This node's name. */
    public String nodeName() {
        return nodeName;
    }

    /** The runtime plugin of a runtime class: the node's default for none, the configured handler, else the name. */
    private String runtimeName(String runtimeClass) {
        if (runtimeClass == null || runtimeClass.isEmpty()) {
            return config.defaultRuntime();
        }
        // a .cfg file gives one string for the whole list: entries may come comma-separated
        for (String entry : String.join(",", config.runtimeClasses()).split(",")) {
            int equals = entry.indexOf('=');
            if (equals > 0 && entry.substring(0, equals).trim().equals(runtimeClass)) {
                return entry.substring(equals + 1).trim();
            }
        }
        return runtimeClass;
    }

    /** The control plane gave this node its pod range: the pods that waited for it go ahead. */
    private void rangeAssigned(Node node) {
        String cidr = node.spec == null ? null : node.spec.podCIDR;
        if (nodeName.equals(node.metadata.name) && cidr != null && !cidr.isEmpty() && addresses.assign(cidr)) {
            LOG.info("Node {} has pod range {}", nodeName, cidr);
            reportNodeStatusSoon();
            if (pods.hasSynced()) {
                pods.list().forEach(pod -> workers.update(PodSync.key(pod)));
            }
        }
    }

    private void syncPod(String key) {
        if (addresses.cidr() == null) {
            return; // no pod IPs before the range is known; every pod gets its turn when it is (rangeAssigned)
        }
        int slash = key.indexOf('/');
        try {
            pods.get(key.substring(0, slash), key.substring(slash + 1)).ifPresent(podSync::sync);
        } catch (RuntimeException e) {
            if (timers.isShutdown()) {
                return; // stopping: a sync cut short is taken up by the next kubelet
            }
            LOG.warn("Sync of pod {} failed; trying again in {} s", key, RETRY.toSeconds(), e);
            requeue(key, RETRY);
        }
    }

    /** A probe failed: podSync records it (a probe runs only once podSync has started its container). */
    private void unhealthy(Pod pod, String container, String message) {
        podSync.unhealthy(pod, container, message);
    }

    /** The relister saw a change of this pod (or a probe result changed). */
    private void podChanged(String uid) {
        String key = keysByUid.get(uid);
        if (key != null) {
            workers.update(key);
        } else if (pods.hasSynced() && relister.get(uid) != null && !owned(uid) && removing.add(uid)) {
            // nothing in the API owns it any more
            stoppers.execute(() -> {
                try {
                    if (!owned(uid)) {
                        podSync.removeOrphan(uid);
                        relistSoon();
                    }
                } catch (RuntimeException e) {
                    LOG.warn("Cannot remove the containers of pod {}: {}", uid, e.getMessage());
                } finally {
                    removing.remove(uid);
                }
            });
        }
    }

    /** Whether a pod with this uid is bound to this node in the API (as the informer has it). */
    private boolean owned(String uid) {
        return keysByUid.containsKey(uid) || pods.list().stream().anyMatch(pod -> uid.equals(pod.metadata.uid));
    }

    private void requeue(String key, Duration after) {
        try {
            timers.schedule(() -> workers.update(key), Math.max(1, after.toMillis()), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            // deactivating
        }
    }

    /**
     * A runtime reported a change: relist now, once for a burst of events, and once more a little
     * later. The engine may send an event before its own state shows it: a container's die came
     * while a list and an inspect still said running, and then no event came until the container
     * was removed, so its exit waited for the periodic relist, seconds later.
     */
    private void relistSoon() {
        if (relistPending.compareAndSet(false, true)) {
            try {
                timers.execute(this::relist);
            } catch (RejectedExecutionException e) {
                relistPending.set(false);
            }
        }
        if (settlePending.compareAndSet(false, true)) {
            try {
                timers.schedule(() -> {
                    settlePending.set(false);
                    relist();
                }, EVENT_SETTLE.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException e) {
                settlePending.set(false);
            }
        }
    }

    private void relist() {
        relistPending.set(false);
        try {
            subscribe();
            if (relister.relist() && pods.hasSynced()) {
                pods.list().forEach(pod -> workers.update(PodSync.key(pod)));
            }
            if (pods.hasSynced()) {
                // what runs for pods the API no longer has (deleted while this kubelet was away)
                relister.podUids().stream().filter(uid -> !keysByUid.containsKey(uid)).forEach(this::podChanged);
            }
        } catch (RuntimeException e) {
            LOG.debug("Relist failed: {}", e.getMessage());
        }
    }

    /** Listens to the events of every runtime that has no listener yet (new, or back after being down). */
    private void subscribe() {
        for (Map.Entry<String, ContainerRuntime> runtime : runtimes.entrySet()) {
            subscriptions.computeIfAbsent(runtime.getKey(), name -> {
                try {
                    return runtime.getValue().watch(nodeName, uid -> relistSoon());
                } catch (RuntimeException e) {
                    LOG.debug("No events from runtime {}: {}", name, e.getMessage());
                    return null;
                }
            });
        }
    }

    /**
     * Pods whose volumes show secrets, config maps or the pod itself get a turn, which rewrites what
     * changed. A safety resync over the informer's cache (never a read of the API): changes reach
     * the files at once through {@link #configChanged} and the pod informer; this catches a file
     * write that failed, as the Kubernetes kubelet's periodic pod sync does.
     */
    private void refreshVolumes() {
        if (!pods.hasSynced()) {
            return;
        }
        for (Pod pod : pods.list()) {
            if (PodVolumes.hasGeneratedVolumes(pod) && pod.metadata.deletionTimestamp == null) {
                workers.update(PodSync.key(pod));
            }
        }
    }

    /** A secret or config map changed: pods of its namespace with generated volumes rewrite their files. */
    private void configChanged(String namespace, String name) {
        if (pods == null || !pods.hasSynced()) {
            return;
        }
        for (Pod pod : pods.list()) {
            if (pod.metadata.namespace.equals(namespace) && PodVolumes.hasGeneratedVolumes(pod)) {
                workers.update(PodSync.key(pod));
            }
        }
    }

    private static void close(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception e) {
                LOG.debug("Closing runtime events: {}", e.getMessage());
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
            if (addresses.cidr() == null) {
                notReady = "network not ready: node " + nodeName + " has no pod range (spec.podCIDR) yet";
            } else if (runtime == null) {
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
                    notReady, resources, port(), NodePressure.observe(root));
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
        if (addresses.cidr() != null) { // configured; else the control plane gives one
            node.spec.podCIDR = addresses.cidr();
            node.spec.podCIDRs = List.of(addresses.cidr());
        }
        return node;
    }

    private static String hostname() {
        try {
            return InetAddress.getLocalHost().getHostName().toLowerCase();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
