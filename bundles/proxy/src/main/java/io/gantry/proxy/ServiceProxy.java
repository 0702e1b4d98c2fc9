package io.gantry.proxy;

import io.gantry.api.Plugins;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.core.v1.Endpoints;
import io.gantry.api.core.v1.Service;
import io.gantry.api.lb.KernelAlgorithm;
import io.gantry.api.lb.LoadBalancer;
import io.gantry.api.lb.LoadBalancerStatus;
import io.gantry.api.meta.v1.KubeObject;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
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
 * The node's service proxy, as kube-proxy in userspace mode: for every Service it listens on
 * each cluster IP and port (and, for NodePort services, on the node's address and node port),
 * and sends each new connection to a ready endpoint chosen by the service's {@link LoadBalancer}
 * plugin ({@code gantry.io/load-balancer} annotation, else the configured default).
 *
 * <p>Services and Endpoints come from the JVM's shared informers; every change of either queues
 * a sync of that one service, which computes its rules ({@link ProxyRules}) and then applies them:
 * listeners opened and closed, ready endpoints replaced. Nothing a sync does cuts an established
 * connection.
 */
@Component(immediate = true, configurationPid = ServiceProxy.PID, service = LoadBalancerStatus.class)
@Designate(ocd = ServiceProxy.Config.class)
public class ServiceProxy implements LoadBalancerStatus {

    public static final String PID = "io.gantry.proxy";

    private static final Logger LOG = LoggerFactory.getLogger(ServiceProxy.class);

    @ObjectClassDefinition(name = "Gantry service proxy")
    public @interface Config {

        @AttributeDefinition(description = "Load balancer plugin (gantry.plugin name) of services whose"
                + " gantry.io/load-balancer annotation names none")
        String defaultLoadBalancer() default "roundrobin";

        @AttributeDefinition(description = "The node's address on which NodePort services listen")
        String nodePortAddress() default "127.0.0.1";

        @AttributeDefinition(description = "IO threads of the datapath; 0 for one per core")
        int ioThreads() default 0;

        @AttributeDefinition(description = "Seconds after which an idle UDP flow is forgotten")
        int udpIdleSeconds() default 30;

        @AttributeDefinition(description = "auto: the kernel (nftables DNAT) serves the ports whose plugin has a kernel"
                + " form (roundrobin, random), with their ClientIP affinity, userspace the others; userspace: every port in"
                + " userspace (refused connects retried on another endpoint)")
        String datapath() default AUTO;
    }

    /** {@link Config#datapath}: the kernel where it can, userspace elsewhere. */
    public static final String AUTO = "auto";
    /** {@link Config#datapath}: userspace only. */
    public static final String USERSPACE = "userspace";

    private final Balancers balancers;
    private final Datapath datapath;
    private final Informer<Service> services;
    private final Informer<Endpoints> endpoints;
    private final ExecutorService sync;
    private final List<Informer.Registration> handlers = new ArrayList<>();
    /** Below: touched by the sync thread only. */
    private final Map<String, Map<String, ServicePortState>> ports = new HashMap<>();
    private final Map<Frontend, Listener> listeners = new HashMap<>();
    private final Map<Frontend, String> owners = new HashMap<>();
    /** The services that name a plugin, by plugin, for the log line when it goes. */
    private final Map<String, String> annotated = new ConcurrentHashMap<>();
    /** The kernel datapath, null where nft does not work or the configuration says userspace. */
    private Nftables kernel;
    private Set<Frontend> kernelServed = Set.of();
    private final AtomicBoolean kernelDirty = new AtomicBoolean();
    private volatile Config config;

    @Activate
    public ServiceProxy(@Reference SharedInformers informers, Config config) {
        this.config = config;
        this.balancers = new Balancers(config.defaultLoadBalancer());
        this.datapath = new Datapath(config.ioThreads(), Math.max(1, config.udpIdleSeconds()));
        this.sync = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "gantry-proxy-sync");
            thread.setDaemon(true);
            return thread;
        });
        datapath.onTick(now -> {
            try {
                sync.execute(() -> ports.values().forEach(byPort -> byPort.values().forEach(port -> port.expire(now))));
            } catch (RejectedExecutionException stopping) {
                // the last tick of a proxy being stopped
            }
        });
        sync.execute(() -> datapath(config));
        this.services = informers.informer(ResourceKind.SERVICES);
        this.endpoints = informers.informer(ResourceKind.ENDPOINTS);
        handlers.add(services.addHandler(handler()));
        handlers.add(endpoints.addHandler(handler()));
        LOG.info("Service proxy started: default load balancer '{}', node ports on {}, datapath {}",
                config.defaultLoadBalancer(), config.nodePortAddress(), config.datapath());
    }

    @Modified
    public void modified(Config config) {
        Config before = this.config;
        this.config = config;
        balancers.setDefault(config.defaultLoadBalancer());
        if (!before.datapath().equals(config.datapath())) {
            sync.execute(() -> datapath(config));
        }
        if (!before.nodePortAddress().equals(config.nodePortAddress())) {
            sync.execute(() -> new ArrayList<>(ports.keySet()).forEach(this::syncService));
        }
        kernelChanged();
    }

    @Deactivate
    public void deactivate() {
        handlers.forEach(Informer.Registration::close);
        sync.shutdownNow();
        try {
            sync.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (kernel != null) {
            kernel.close();
        }
        datapath.close();
    }

    /** Opens or closes the kernel datapath as configured. On the sync thread. */
    private void datapath(Config config) {
        boolean wanted = !USERSPACE.equals(config.datapath());
        if (wanted && kernel == null) {
            kernel = Nftables.open();
        } else if (!wanted && kernel != null) {
            kernel.close(); // the userspace listeners take the new connections; conntrack keeps the others
            kernel = null;
            kernelServed = Set.of();
            LOG.info("Kernel datapath off: every service is proxied in userspace");
        }
        kernelChanged();
    }

    /** Queues one recomputation of the kernel's rules after what is queued now. */
    private void kernelChanged() {
        if (kernelDirty.compareAndSet(false, true)) {
            try {
                sync.execute(this::applyKernel);
            } catch (RuntimeException rejected) {
                kernelDirty.set(false); // stopping
            }
        }
    }

    /**
     * The kernel serves a port when its plugin has a kernel form and it has at least one ready
     * endpoint, with or without ClientIP affinity; userspace the others. On the sync thread.
     */
    private void applyKernel() {
        kernelDirty.set(false);
        if (kernel == null) {
            return;
        }
        List<KernelRule> rules = new ArrayList<>();
        for (Map<String, ServicePortState> byPort : ports.values()) {
            for (ServicePortState port : byPort.values()) {
                PortRule rule = port.rule();
                Optional<KernelAlgorithm> algorithm = kernelAlgorithm(port);
                if (rule == null || algorithm.isEmpty() || rule.endpoints().isEmpty()) {
                    continue;
                }
                List<Frontend> frontends = rule.frontends().stream().filter(listeners::containsKey).toList();
                if (!frontends.isEmpty()) {
                    rules.add(new KernelRule(port.toString(), frontends, rule.endpoints(), algorithm.get(),
                            rule.affinitySeconds()));
                }
            }
        }
        rules.sort(Comparator.comparing(KernelRule::port)); // a stable script: unchanged, not applied again
        try {
            kernel.apply(rules);
            Set<Frontend> served = new HashSet<>();
            rules.forEach(rule -> served.addAll(rule.frontends()));
            for (Frontend frontend : served) {
                if (!kernelServed.contains(frontend)) {
                    LOG.info("{} {}: in the kernel (nftables table {})", owners.get(frontend), frontend, kernel.table());
                }
            }
            for (Frontend frontend : kernelServed) {
                if (!served.contains(frontend)) {
                    LOG.info("{} {}: in userspace", owners.getOrDefault(frontend, "(deleted)"), frontend);
                }
            }
            kernelServed = served;
        } catch (IOException e) {
            LOG.warn("Cannot update the kernel datapath ({}); its ports keep their last rules", e.getMessage());
        }
    }

    private Optional<KernelAlgorithm> kernelAlgorithm(ServicePortState port) {
        LoadBalancer plugin = balancers.peek(port.loadBalancer());
        if (plugin == null) {
            return Optional.empty();
        }
        try {
            return plugin.kernelAlgorithm();
        } catch (RuntimeException e) {
            return Optional.empty(); // a plugin being stopped: userspace asks it per connection, with its fallback
        }
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void addLoadBalancer(LoadBalancer plugin, Map<String, Object> properties) {
        Object name = properties.get(Plugins.NAME);
        if (name != null) {
            balancers.add(name.toString(), plugin);
            kernelChanged();
        }
    }

    public void removeLoadBalancer(LoadBalancer plugin, Map<String, Object> properties) {
        Object name = properties.get(Plugins.NAME);
        if (name != null) {
            Set<String> users = new TreeSet<>();
            annotated.forEach((service, wanted) -> {
                if (wanted.equals(name.toString())) {
                    users.add(service);
                }
            });
            balancers.remove(name.toString(), plugin, users);
            kernelChanged();
        }
    }

    @Override
    public String defaultInUse() {
        return balancers.inUse(null);
    }

    @Override
    public Map<String, String> fallbacks() {
        Map<String, String> missing = new java.util.TreeMap<>();
        annotated.forEach((service, wanted) -> {
            if (!balancers.inUse(wanted).equals(wanted)) {
                missing.put(service, wanted);
            }
        });
        return missing;
    }

    private <T extends KubeObject> Informer.Handler<T> handler() {
        return new Informer.Handler<>() {
            @Override
            public void onAdd(T object) {
                queue(object.metadata.namespace, object.metadata.name);
            }

            @Override
            public void onUpdate(T previous, T current) {
                queue(current.metadata.namespace, current.metadata.name);
            }

            @Override
            public void onDelete(T object) {
                queue(object.metadata.namespace, object.metadata.name);
            }
        };
    }

    private void queue(String namespace, String name) {
        try {
            sync.execute(() -> syncService(namespace + "/" + name));
        } catch (RuntimeException rejected) {
            // stopping
        }
    }

    /** Computes one service's rules from the caches, then applies them. On the sync thread. */
    private void syncService(String key) {
        int slash = key.indexOf('/');
        String namespace = key.substring(0, slash);
        String name = key.substring(slash + 1);
        Service service = services.get(namespace, name).orElse(null);
        Endpoints endpointsOf = endpoints.get(namespace, name).orElse(null);
        List<PortRule> rules = ProxyRules.of(service, endpointsOf, config.nodePortAddress());
        apply(key, namespace, name, rules);
        kernelChanged();
    }

    private void apply(String key, String namespace, String name, List<PortRule> rules) {
        Map<String, ServicePortState> current = ports.getOrDefault(key, Map.of());
        Map<String, ServicePortState> next = new HashMap<>();
        Map<Frontend, ServicePortState> wanted = new HashMap<>();
        String plugin = null;
        for (PortRule rule : rules) {
            ServicePortState port = current.get(rule.id());
            if (port == null) {
                port = new ServicePortState(namespace, name, rule.portName(), rule.protocol(), balancers);
            }
            port.update(rule);
            next.put(rule.id(), port);
            for (Frontend frontend : rule.frontends()) {
                wanted.put(frontend, port);
            }
            plugin = rule.loadBalancer();
        }
        if (plugin == null) {
            annotated.remove(key);
        } else {
            annotated.put(key, plugin);
        }
        // listeners this service has and no longer wants: closed (their connections go on)
        for (Frontend frontend : new ArrayList<>(owners.keySet())) {
            if (key.equals(owners.get(frontend)) && !wanted.containsKey(frontend)) {
                owners.remove(frontend);
                Listener listener = listeners.remove(frontend);
                if (listener != null) {
                    listener.close();
                }
                LOG.info("Service {}: stopped listening on {}", key, frontend);
            }
        }
        for (Map.Entry<Frontend, ServicePortState> entry : wanted.entrySet()) {
            Frontend frontend = entry.getKey();
            Listener listener = listeners.get(frontend);
            if (listener != null) {
                listener.route(entry.getValue());
                owners.put(frontend, key);
                continue;
            }
            try {
                listeners.put(frontend, datapath.listen(frontend, entry.getValue()));
                owners.put(frontend, key);
                LOG.info("Service {}: listening on {} ({} ready endpoint(s))", key, frontend,
                        entry.getValue().ready().size());
            } catch (IOException e) {
                LOG.warn("Service {}: cannot listen on {}: {}; trying again at its next change", key, frontend,
                        e.toString());
            }
        }
        if (next.isEmpty()) {
            ports.remove(key);
        } else {
            ports.put(key, next);
        }
    }

    /** The connections open per endpoint of a service's ports ({@code ip:port}), ready or draining. */
    Map<String, Integer> connections(String namespace, String name) {
        try {
            return sync.submit(() -> {
                Map<String, Integer> counts = new java.util.TreeMap<>();
                ports.getOrDefault(namespace + "/" + name, Map.of()).values()
                        .forEach(port -> port.connections().forEach((endpoint, count) -> counts.merge(endpoint, count, Integer::sum)));
                return counts;
            }).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The nftables table of the kernel datapath, or null without one. */
    String kernelTable() {
        try {
            return sync.submit(() -> kernel == null ? null : kernel.table()).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The frontends the kernel serves now. */
    Set<Frontend> kernelFrontends() {
        try {
            return sync.submit(() -> Set.copyOf(kernelServed)).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The frontends served now. */
    Set<Frontend> frontends() {
        try {
            return sync.submit(() -> (Set<Frontend>) new HashSet<>(listeners.keySet())).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
