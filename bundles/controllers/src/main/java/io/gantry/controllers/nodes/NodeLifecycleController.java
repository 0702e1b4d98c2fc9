package io.gantry.controllers.nodes;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.EventRecorder;
import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodCondition;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.Times;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerContext;
import io.gantry.controllers.WorkQueue;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' node lifecycle controller ({@code pkg/controller/nodelifecycle}) with taint-based
 * eviction: keeps each node's condition taints ({@link NodeTaints}) in step with its conditions,
 * and when a node stops being Ready marks its pods not ready (so they leave their services'
 * endpoints at once) and records {@code NodeNotReady}. Evicting the pods is the
 * {@link TaintEvictionController}'s part.
 *
 * <p>Whether a node is Ready comes from elsewhere: its kubelet reports True or False, and the
 * cluster bundle sets Unknown when the node's Hazelcast member leaves.
 */
public final class NodeLifecycleController implements Controller {

    /** The component name events carry, as Kubernetes'. */
    public static final String NAME = "node-controller";

    private static final Logger LOG = LoggerFactory.getLogger(NodeLifecycleController.class);

    private final ControllerContext context;
    private final ApiClient api;
    private final int workers;
    private final List<Informer.Registration> registrations = new ArrayList<>();
    /** The Ready status each node had when last reconciled in this term, for the transition events. */
    private final Map<String, String> observed = new ConcurrentHashMap<>();
    private EventRecorder events;
    private Informer<Node> nodes;
    private Informer<Pod> pods;
    private WorkQueue queue;

    public NodeLifecycleController(ControllerContext context) {
        this.context = context;
        this.api = context.api();
        this.workers = Math.max(1, context.config().workers());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void start() {
        events = context.events(NAME);
        nodes = context.informers().informer(ResourceKind.NODES);
        pods = context.informers().informer(ResourceKind.PODS);
        queue = new WorkQueue("nodelifecycle", workers, this::reconcile);
        registrations.add(nodes.addHandler(Informer.Handler.onEvery(node -> queue.add(node.metadata.name))));
    }

    @Override
    public void close() {
        registrations.forEach(Informer.Registration::close);
        registrations.clear();
        if (queue != null) {
            queue.close();
        }
    }

    /** Brings one node's taints in step with its conditions and tells what changed. */
    void reconcile(String name) {
        if (!nodes.hasSynced() || !pods.hasSynced()) {
            queue.addAfter(name, 100);
            return;
        }
        Node node = nodes.get(null, name).orElse(null);
        if (node == null) {
            observed.remove(name);
            return;
        }
        String ready = NodeTaints.ready(node);
        List<Taint> taints = NodeTaints.desired(node, Instant.now());
        if (!NodeTaints.sameTaints(taints, node.spec == null ? null : node.spec.taints)) {
            Node tainted = Json.copy(node);
            tainted.spec.taints = taints.isEmpty() ? null : taints;
            api.update(ResourceKind.NODES, tainted); // a conflict comes back after a back-off, from a fresher cache
            LOG.info("Node {} (Ready {}): taints now {}", name, ready, describe(taints));
        }
        String before = observed.get(name);
        boolean wasReady = "True".equals(before);
        boolean isReady = "True".equals(ready);
        // as Kubernetes: pods are marked when the node stops being ready (or is first seen so in
        // this term), not on every heartbeat of a node that stays not ready, whose kubelet may
        // report its pods itself
        if (ready != null && !isReady && (before == null || wasReady)) {
            markPodsNotReady(name);
        }
        if (wasReady && !isReady) {
            events.normal(node, "NodeNotReady", "Node " + name + " status is now: NodeNotReady");
        } else if (before != null && !wasReady && isReady) {
            events.normal(node, "NodeReady", "Node " + name + " status is now: NodeReady");
        }
        observed.put(name, Objects.toString(ready, ""));
    }

    /** Sets the Ready condition of the node's pods to False (MarkPodsNotReady), with an event on each. */
    private void markPodsNotReady(String node) {
        for (Pod pod : pods.byIndex(Indexes.NODE_NAME, node)) {
            if (pod.status == null || pod.status.conditions == null) {
                continue;
            }
            PodCondition condition = pod.status.conditions.stream().filter(c -> "Ready".equals(c.type)).findFirst().orElse(null);
            if (condition == null || !"True".equals(condition.status)) {
                continue;
            }
            Pod marked = Json.copy(pod);
            for (PodCondition c : marked.status.conditions) {
                if ("Ready".equals(c.type)) {
                    c.status = "False";
                    c.lastTransitionTime = Times.now();
                }
            }
            try {
                api.updateStatus(ResourceKind.PODS, marked);
            } catch (ApiException e) {
                if (e.isNotFound()) {
                    continue;
                }
                throw e;
            }
            events.warning(pod, "NodeNotReady", "Node is not ready");
        }
    }

    private static String describe(List<Taint> taints) {
        return taints.isEmpty() ? "none" : String.join(", ", taints.stream().map(t -> t.key + ":" + t.effect).toList());
    }
}
