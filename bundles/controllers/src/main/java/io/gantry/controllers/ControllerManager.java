package io.gantry.controllers;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.DynamicClient;
import io.gantry.api.client.SharedInformers;
import io.gantry.api.cluster.LeaderElection;
import io.gantry.controllers.deployment.DeploymentController;
import io.gantry.controllers.gc.GarbageCollector;
import io.gantry.controllers.replication.ReplicaSetController;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Reference;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gantry's kube-controller-manager: runs every {@link Controller} while this node leads the role
 * {@value LeaderElection#CONTROLLER_MANAGER}, and none otherwise, so that each control loop runs
 * once in the cluster. Each term of leadership gets fresh controllers; stopping a term closes them
 * before another node can be told to lead.
 */
@Component(immediate = true, configurationPid = ControllerManager.PID)
@Designate(ocd = ControllerManager.Config.class)
public class ControllerManager {

    public static final String PID = "io.gantry.controllers";

    private static final Logger LOG = LoggerFactory.getLogger(ControllerManager.class);

    @ObjectClassDefinition(name = "Gantry controller manager")
    public @interface Config {

        @AttributeDefinition(description = "Objects each controller reconciles at once")
        int workers() default 4;

        @AttributeDefinition(description = "Seconds a pod stays on a node that is not ready or unreachable when the pod "
                + "names no toleration for it (Kubernetes adds 300 s; replacements elsewhere come this much sooner)")
        int defaultTolerationSeconds() default 2;
    }

    /** Every controller the manager runs; one line each. */
    static List<Controller.Factory> controllers() {
        return List.of(
                ReplicaSetController::replicaSets,
                ReplicaSetController::replicationControllers,
                DeploymentController::new,
                GarbageCollector::new,
                io.gantry.controllers.endpoints.EndpointsController::new,
                io.gantry.controllers.endpoints.EndpointSliceController::new,
                io.gantry.controllers.nodes.NodeLifecycleController::new,
                io.gantry.controllers.nodes.TaintEvictionController::new);
    }

    private final ApiClient api;
    private final SharedInformers informers;
    private final Config config;
    private final List<Controller.Factory> factories;
    /** Starts and stops terms, off the election's thread; one term at a time. */
    private final ExecutorService terms = Executors.newSingleThreadExecutor(r -> {
        Thread thread = new Thread(r, "gantry-controller-manager");
        thread.setDaemon(true);
        return thread;
    });
    private final LeaderElection.Campaign campaign;
    private final List<Controller> running = new ArrayList<>();
    private ControllerContext context;

    @Activate
    public ControllerManager(@Reference ApiClient api, @Reference SharedInformers informers,
            @Reference LeaderElection election, Config config) {
        this(api, informers, election, config, controllers());
    }

    /** A manager of the given controllers; for tests. */
    public ControllerManager(ApiClient api, SharedInformers informers, LeaderElection election, Config config,
            List<Controller.Factory> factories) {
        this.api = api;
        this.informers = informers;
        this.config = config;
        this.factories = factories;
        // an election may call startLeading before campaign() returns: begin() (synchronized) waits for the field
        synchronized (this) {
            this.campaign = election.campaign(LeaderElection.CONTROLLER_MANAGER, new LeaderElection.Candidate() {
                @Override
                public void startLeading(LeaderElection.Term term) {
                    terms.execute(() -> begin(term));
                }

                @Override
                public void stopLeading() {
                    // stop here, on the election's thread, so no controller writes once this returns
                    end();
                }
            });
        }
    }

    @Deactivate
    public void close() {
        campaign.close();
        end();
        terms.shutdownNow();
        try {
            terms.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** True while this node's controllers run. */
    public synchronized boolean isRunning() {
        return !running.isEmpty();
    }

    private synchronized void begin(LeaderElection.Term term) {
        if (!campaign.isLeading() || !running.isEmpty()) {
            return;
        }
        LOG.info("Leading {} (term {}): starting {} controller(s)", term.role(), term.epoch(), factories.size());
        context = new ControllerContext(api.fencedBy(term),
                api instanceof DynamicClient served ? served.resources() : List.of(), informers, config, term.holder());
        for (Controller.Factory factory : factories) {
            Controller controller = factory.create(context);
            try {
                controller.start();
                running.add(controller);
            } catch (RuntimeException e) {
                LOG.error("Controller {} did not start", controller.name(), e);
                controller.close();
            }
        }
    }

    private synchronized void end() {
        if (running.isEmpty()) {
            return;
        }
        LOG.info("No longer leading {}: stopping the controllers", LeaderElection.CONTROLLER_MANAGER);
        for (Controller controller : running) {
            try {
                controller.close();
            } catch (RuntimeException e) {
                LOG.warn("Controller {} did not stop cleanly", controller.name(), e);
            }
        }
        running.clear();
        context.close();
        context = null;
    }
}
