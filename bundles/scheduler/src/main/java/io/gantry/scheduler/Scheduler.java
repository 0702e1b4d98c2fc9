package io.gantry.scheduler;

import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.EventRecorder;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.scheduler.SchedulerPolicy;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
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
 * Binds each unscheduled pod to a node, as kube-scheduler does, while this node leads the role
 * {@value LeaderElection#SCHEDULER}: each term of leadership runs a {@link SchedulingLoop} built
 * afresh from the JVM's shared informers, and losing the role stops it at once.
 *
 * <p>A pod's {@code spec.schedulerName} picks the {@link SchedulerPolicy} plugin that scores
 * nodes for it: {@code default-scheduler} (or none) the configured {@code defaultPolicy}, the
 * name of an installed policy that policy; pods naming any other scheduler are left to it. The
 * policy is looked up for each pod, so installing, updating or removing a policy bundle takes
 * effect at the next pod. While the default policy is not installed, default-scheduler pods are
 * placed by another installed policy ({@code spread} first), and the log says so.
 */
@Component(immediate = true, configurationPid = Scheduler.PID, service = {})
@Designate(ocd = Scheduler.Config.class)
public class Scheduler implements PolicyChooser {

    public static final String PID = "io.gantry.scheduler";
    /** The scheduler name Kubernetes gives pods that name none. */
    public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";
    /** The policy default-scheduler pods fall back to first when the configured one is missing. */
    static final String FALLBACK_POLICY = "spread";

    private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

    @ObjectClassDefinition(name = "Gantry scheduler")
    public @interface Config {

        @AttributeDefinition(description = "Scheduler policy plugin for pods whose schedulerName is default-scheduler or empty (gantry.plugin name)")
        String defaultPolicy() default "spread";

        @AttributeDefinition(description = "Seconds a pod waits after its first failed attempt; doubled per attempt up to maxBackoffSeconds")
        int initialBackoffSeconds() default 1;

        @AttributeDefinition(description = "Longest wait between attempts to place a pod, in seconds")
        int maxBackoffSeconds() default 10;

        @AttributeDefinition(description = "Bindings written in parallel")
        int bindWorkers() default 4;

        @AttributeDefinition(description = "Share of nodes (percent) to find feasible before scoring; 0 adapts to the cluster's size as Kubernetes does")
        int percentageOfNodesToScore() default 0;
    }

    private final Map<String, SchedulerPolicy> policies = new ConcurrentHashMap<>();
    private final ApiClient api;
    private final Informer<Pod> pods;
    private final Informer<Node> nodes;
    private final EventRecorder events;
    private final LeaderElection.Campaign campaign;
    private volatile Config config;
    private volatile SchedulingLoop loop;
    /** The policy default-scheduler pods get now, as last logged. */
    private volatile String defaultInUse;

    @Activate
    public Scheduler(@Reference ApiClient api, @Reference SharedInformers informers,
                     @Reference LeaderElection election, Config config) {
        this.api = api;
        this.config = config;
        this.pods = informers.informer(ResourceKind.PODS);
        this.nodes = informers.informer(ResourceKind.NODES);
        this.events = new EventRecorder(api, DEFAULT_SCHEDULER_NAME, null);
        // the election may call back at once, from inside campaign(): everything above is set by then
        this.campaign = election.campaign(LeaderElection.SCHEDULER, new LeaderElection.Candidate() {
            @Override
            public void startLeading(LeaderElection.Term term) {
                begin(term);
            }

            @Override
            public void stopLeading() {
                end();
            }
        });
    }

    @Modified
    void modified(Config config) {
        this.config = config;
        logDefault();
        SchedulingLoop current = loop;
        if (current != null) {
            current.rescan();
        }
    }

    /** Stops: gives up the role and places no more pods. */
    @Deactivate
    public void deactivate() {
        campaign.close();
        end();
        events.close();
    }

    @Reference(cardinality = ReferenceCardinality.MULTIPLE, policy = ReferencePolicy.DYNAMIC,
            policyOption = ReferencePolicyOption.GREEDY)
    public void addPolicy(SchedulerPolicy policy, Map<String, Object> properties) {
        Object name = properties.get(Plugins.NAME);
        if (name != null) {
            policies.put(name.toString(), policy);
            LOG.info("Scheduler policy '{}' available", name);
            logDefault();
            SchedulingLoop current = loop;
            if (current != null) {
                current.rescan(); // its pods that waited for it
            }
        }
    }

    public void removePolicy(SchedulerPolicy policy, Map<String, Object> properties) {
        Object name = properties.get(Plugins.NAME);
        if (name != null && policies.remove(name.toString(), policy)) {
            LOG.info("Scheduler policy '{}' removed", name);
            logDefault();
        }
    }

    @Override
    public SchedulerPolicy policyFor(String schedulerName) {
        if (isDefault(schedulerName)) {
            String name = defaultPolicyName();
            return name == null ? null : policies.get(name);
        }
        return policies.get(schedulerName);
    }

    @Override
    public boolean serves(String schedulerName) {
        return isDefault(schedulerName) || policies.containsKey(schedulerName);
    }

    /**
     * The policy default-scheduler pods get now: the configured default if installed, else
     * {@value #FALLBACK_POLICY}, else the first installed by name; null if none is installed.
     */
    public String defaultPolicyName() {
        String configured = config.defaultPolicy();
        if (policies.containsKey(configured)) {
            return configured;
        }
        if (policies.containsKey(FALLBACK_POLICY)) {
            return FALLBACK_POLICY;
        }
        return new TreeMap<>(policies).keySet().stream().findFirst().orElse(null);
    }

    /** True while this node leads the scheduler role and places pods. */
    public boolean isLeading() {
        return loop != null;
    }

    private static boolean isDefault(String schedulerName) {
        return schedulerName == null || schedulerName.isEmpty() || DEFAULT_SCHEDULER_NAME.equals(schedulerName);
    }

    /** Says which policy default-scheduler pods get, when that changes. */
    private synchronized void logDefault() {
        String now = defaultPolicyName();
        if (Objects.equals(now, defaultInUse)) {
            return;
        }
        defaultInUse = now;
        String configured = config.defaultPolicy();
        if (now == null) {
            LOG.warn("No scheduler policy is installed (the default is '{}', {} defaultPolicy): pods wait until one is",
                    configured, "etc/" + PID + ".cfg");
        } else if (!now.equals(configured)) {
            LOG.warn("Scheduler policy '{}' (the default, {} defaultPolicy) is not installed: pods of {} are placed by '{}' until it is",
                    configured, "etc/" + PID + ".cfg", DEFAULT_SCHEDULER_NAME, now);
        } else {
            LOG.info("Pods of {} are placed by scheduler policy '{}'", DEFAULT_SCHEDULER_NAME, now);
        }
    }

    private synchronized void begin(LeaderElection.Term term) {
        if (loop != null) {
            return;
        }
        Config current = config;
        SchedulingLoop.Settings settings = new SchedulingLoop.Settings(
                TimeUnit.SECONDS.toNanos(Math.max(0, current.initialBackoffSeconds())),
                TimeUnit.SECONDS.toNanos(Math.max(current.initialBackoffSeconds(), current.maxBackoffSeconds())),
                current.bindWorkers(), current.percentageOfNodesToScore());
        LOG.info("Leading {} (term {} of {}): placing pods", LeaderElection.SCHEDULER, term.epoch(), term.holder());
        logDefault();
        loop = new SchedulingLoop(api.fencedBy(term), pods, nodes, this, events, settings).start();
    }

    private synchronized void end() {
        SchedulingLoop current = loop;
        loop = null;
        if (current != null) {
            current.stop();
            LOG.info("No longer leading {}: stopped placing pods", LeaderElection.SCHEDULER);
        }
    }
}
