package io.gantry.scheduler;

import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.scheduler.SchedulerPolicy;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * Binds each unscheduled pod to a node. Watches pods and nodes through the JVM's shared informers
 * ({@link SharedInformers}; nothing here lists the API), queues the
 * pods without a node, and places each with the {@link SchedulerPolicy} plugin the pod names in
 * {@code spec.schedulerName} ({@code default-scheduler} or empty: the configured default).
 * A pod that fits nowhere gets {@code PodScheduled=False} and is tried again later and whenever
 * a node changes.
 */
@Component(immediate = true, configurationPid = Scheduler.PID)
@Designate(ocd = Scheduler.Config.class)
public class Scheduler {

    public static final String PID = "io.gantry.scheduler";
    /** The scheduler name Kubernetes gives pods that name none. */
    public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    @ObjectClassDefinition(name = "Gantry scheduler")
    public @interface Config {

        @AttributeDefinition(description = "Scheduler policy plugin for pods that name none (gantry.plugin name)")
        String defaultPolicy() default "spread";

        @AttributeDefinition(description = "Seconds before an unschedulable pod is tried again")
        int retrySeconds() default 2;
    }

    private final Map<String, SchedulerPolicy> policies = new ConcurrentHashMap<>();
    private final ApiClient api;
    private final ScheduledExecutorService worker;
    private final Placement placement = new Placement();
    /** Pods with a turn queued, and when it is due ({@link System#nanoTime}). */
    private final Map<String, Long> queued = new ConcurrentHashMap<>();
    private volatile Config config;
    private final Informer<Pod> pods;
    private final Informer<Node> nodes;
    private final Informer.Registration podHandler;
    private final Informer.Registration nodeHandler;

    @Activate
    public Scheduler(@Reference ApiClient api, @Reference SharedInformers informers, Config config) {
        this.api = api;
        this.config = config;
        this.worker = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "gantry-scheduler"));
        this.pods = informers.informer(ResourceKind.PODS);
        this.nodes = informers.informer(ResourceKind.NODES);
        // the shared informers are started already: a handler added now is told about every cached object first
        this.nodeHandler = nodes.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(Node node) {
                retryPending();
            }

            @Override
            public void onUpdate(Node previous, Node current) {
                if (Placement.isReady(current) != Placement.isReady(previous)) {
                    retryPending();
                }
            }
        });
        this.podHandler = pods.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(Pod pod) {
                enqueue(pod, 0);
            }

            @Override
            public void onUpdate(Pod previous, Pod current) {
                enqueue(current, 0);
            }
        });
    }

    @Modified
    void modified(Config config) {
        this.config = config;
        retryPending();
    }

    @Deactivate
    void deactivate() {
        podHandler.close();
        nodeHandler.close();
        worker.shutdownNow();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    void addPolicy(SchedulerPolicy policy, Map<String, Object> properties) {
        Object name = properties.get(Plugins.NAME);
        if (name != null) {
            policies.put(name.toString(), policy);
            LOG.info("Scheduler policy '{}' available", name);
            retryPending();
        }
    }

    void removePolicy(SchedulerPolicy policy, Map<String, Object> properties) {
        Object name = properties.get(Plugins.NAME);
        if (name != null && policies.remove(name.toString(), policy)) {
            LOG.info("Scheduler policy '{}' removed{}", name,
                    name.equals(config.defaultPolicy()) ? "; pods wait until a default policy is back" : "");
        }
    }

    private static boolean needsNode(Pod pod) {
        return (pod.spec.nodeName == null || pod.spec.nodeName.isEmpty()) && pod.metadata.deletionTimestamp == null;
    }

    private void enqueue(Pod pod, long delaySeconds) {
        if (!needsNode(pod)) {
            return;
        }
        String key = pod.metadata.namespace + "/" + pod.metadata.name;
        long due = System.nanoTime() + TimeUnit.SECONDS.toNanos(delaySeconds);
        // Once per pod, unless this turn comes sooner than the one queued: a pod waiting out its
        // retry is tried at once when a node becomes ready, as Kubernetes' scheduling queue moves
        // unschedulable pods back to active on node events. A later turn left queued finds the
        // pod bound (or tries it once more): harmless.
        if (queued.merge(key, due, Math::min) == due) {
            try {
                worker.schedule(() -> schedule(pod.metadata.namespace, pod.metadata.name), delaySeconds, TimeUnit.SECONDS);
            } catch (RuntimeException rejected) {
                queued.remove(key, due);
            }
        }
    }

    /** Queues every pod without a node again; the informer's node index finds them without a scan. */
    private void retryPending() {
        Informer<Pod> current = pods;
        if (current != null) {
            current.byIndex(Indexes.NODE_NAME, "").forEach(pod -> enqueue(pod, 0));
        }
    }

    /** Places one pod; runs on the worker thread only. */
    private void schedule(String namespace, String name) {
        queued.remove(namespace + "/" + name);
        Optional<Pod> cached = pods.get(namespace, name);
        if (cached.isEmpty() || !needsNode(cached.get())) {
            return;
        }
        Pod pod = cached.get();
        String policyName = policyName(pod);
        SchedulerPolicy policy = policies.get(policyName);
        Placement.Decision decision = policy == null
                ? Placement.Decision.none("no scheduler policy '" + policyName + "' is installed (installed: "
                        + String.join(", ", policies.keySet()) + ")")
                : placement.choose(pod, nodes.list(), pods.list(), policy);
        if (decision.node() == null) {
            markUnschedulable(pod, decision.message());
            enqueue(pod, config.retrySeconds());
            return;
        }
        try {
            Binding binding = new Binding();
            binding.metadata.name = name;
            binding.metadata.namespace = namespace;
            binding.metadata.uid = pod.metadata.uid;
            binding.target.kind = "Node";
            binding.target.name = decision.node();
            api.bind(binding);
            placement.assume(pod, decision.node());
            LOG.info("Bound pod {}/{} to node {} (policy {})", namespace, name, decision.node(), policyName);
        } catch (ApiException e) {
            if (e.code() == 409 || e.isNotFound()) {
                return; // bound or deleted meanwhile
            }
            LOG.warn("Cannot bind pod {}/{}: {}", namespace, name, e.getMessage());
            enqueue(pod, config.retrySeconds());
        } catch (RuntimeException e) {
            LOG.warn("Cannot bind pod {}/{}", namespace, name, e);
            enqueue(pod, config.retrySeconds());
        }
    }

    private String policyName(Pod pod) {
        String name = pod.spec.schedulerName;
        return name == null || name.isEmpty() || name.equals(DEFAULT_SCHEDULER_NAME) ? config.defaultPolicy() : name;
    }

    private void markUnschedulable(Pod cached, String message) {
        Pod pod = Json.copy(cached);
        if (!Placement.setUnschedulable(pod, message)) {
            return; // already says so
        }
        try {
            api.updateStatus(ResourceKind.PODS, pod);
        } catch (ApiException e) {
            LOG.debug("Cannot mark pod {}/{} unschedulable: {}", pod.metadata.namespace, pod.metadata.name, e.getMessage());
        }
    }
}
