package io.gantry.controllers.nodes;

import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.EventRecorder;
import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.Taint;
import io.gantry.api.json.Json;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.controllers.Controller;
import io.gantry.controllers.ControllerContext;
import io.gantry.controllers.WorkQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' taint eviction controller ({@code pkg/controller/tainteviction}): deletes the pods
 * of a node with NoExecute taints they do not tolerate, at once or when their toleration runs out
 * ({@link TaintEviction}), and cancels a planned eviction when the taint goes first.
 *
 * <p>A pod on an unreachable node is deleted with a zero grace period: its kubelet cannot confirm
 * the stop, so waiting would only keep the replacement away (the replica set controller creates
 * it as soon as the pod is gone). If the node comes back, its kubelet stops the containers of
 * pods no longer bound to it. A pod on a node that is merely not ready is deleted gracefully,
 * for its kubelet to stop.
 */
public final class TaintEvictionController implements Controller {

    /** The component name events carry, as Kubernetes'. */
    public static final String NAME = "taint-eviction-controller";

    private static final Logger LOG = LoggerFactory.getLogger(TaintEvictionController.class);

    private final ControllerContext context;
    private final ApiClient api;
    private final int workers;
    private final long defaultTolerationSeconds;
    private final List<Informer.Registration> registrations = new ArrayList<>();
    /** Evictions planned for later, by pod key: for the event when one is cancelled. */
    private final Map<String, Instant> planned = new ConcurrentHashMap<>();
    /**
     * When this controller first saw each NoExecute taint (node, key, effect, timeAdded): timeAdded
     * has whole seconds only, and a toleration of 2 s must not become 1 s.
     */
    private final Map<String, Instant> seen = new ConcurrentHashMap<>();
    private EventRecorder events;
    private Informer<Node> nodes;
    private Informer<Pod> pods;
    private WorkQueue queue;

    public TaintEvictionController(ControllerContext context) {
        this.context = context;
        this.api = context.api();
        this.workers = Math.max(1, context.config().workers());
        this.defaultTolerationSeconds = Math.max(0, context.config().defaultTolerationSeconds());
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
        queue = new WorkQueue("tainteviction", workers, this::reconcile);
        registrations.add(nodes.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(Node node) {
                noteTaints(node);
                if (!NodeTaints.noExecute(node).isEmpty()) {
                    queuePodsOf(node.metadata.name);
                }
            }

            @Override
            public void onUpdate(Node previous, Node current) {
                noteTaints(current);
                if (!Json.tree(NodeTaints.noExecute(previous)).equals(Json.tree(NodeTaints.noExecute(current)))) {
                    queuePodsOf(current.metadata.name);
                }
            }
        }));
        registrations.add(pods.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(Pod pod) {
                queueIfTainted(pod);
            }

            @Override
            public void onUpdate(Pod previous, Pod current) {
                queueIfTainted(current);
            }

            @Override
            public void onDelete(Pod pod) {
                planned.remove(key(pod));
            }
        }));
    }

    @Override
    public void close() {
        registrations.forEach(Informer.Registration::close);
        registrations.clear();
        if (queue != null) {
            queue.close();
        }
    }

    /** Notes when each NoExecute taint of the node was first seen, and forgets the node's taints that went. */
    private void noteTaints(Node node) {
        Instant now = Instant.now();
        List<String> current = NodeTaints.noExecute(node).stream().map(t -> seenKey(node, t)).toList();
        current.forEach(key -> seen.putIfAbsent(key, now));
        String prefix = node.metadata.name + "\u0000";
        seen.keySet().removeIf(key -> key.startsWith(prefix) && !current.contains(key));
    }

    private static String seenKey(Node node, Taint taint) {
        return String.join("\u0000", node.metadata.name, taint.key, taint.effect, String.valueOf(taint.timeAdded));
    }

    /**
     * When the taint came, as closely as known: when this controller first saw it, but no later
     * than the end of the second its timeAdded names (a controller that started after the taint
     * came does not restart its clock) and no earlier than that second.
     */
    private Instant came(Node node, Taint taint, Instant now) {
        Instant stamped = TaintEviction.stamped(taint, now);
        Instant first = seen.computeIfAbsent(seenKey(node, taint), k -> now);
        if (taint.timeAdded == null) {
            return first;
        }
        Instant latest = stamped.plusSeconds(1);
        Instant came = first.isBefore(latest) ? first : latest;
        return came.isBefore(stamped) ? stamped : came;
    }

    /** True while the pod's eviction is planned for later; for tests. */
    boolean planned(String podKey) {
        return planned.containsKey(podKey);
    }

    private void queuePodsOf(String node) {
        for (Pod pod : pods.byIndex(Indexes.NODE_NAME, node)) {
            queue.add(key(pod));
        }
    }

    private void queueIfTainted(Pod pod) {
        String node = pod.spec == null ? null : pod.spec.nodeName;
        if (node == null || node.isEmpty()) {
            return;
        }
        boolean tainted = nodes.get(null, node).map(n -> !NodeTaints.noExecute(n).isEmpty()).orElse(false);
        if (tainted || planned.containsKey(key(pod))) {
            queue.add(key(pod));
        }
    }

    /** Evicts the pod under the key now, plans it for later, or cancels a plan. */
    void reconcile(String key) {
        if (!nodes.hasSynced() || !pods.hasSynced()) {
            queue.addAfter(key, 100);
            return;
        }
        int slash = key.indexOf('/');
        Pod pod = pods.get(key.substring(0, slash), key.substring(slash + 1)).orElse(null);
        Node node = pod == null || pod.spec.nodeName == null ? null : nodes.get(null, pod.spec.nodeName).orElse(null);
        if (pod == null || node == null) {
            planned.remove(key);
            return;
        }
        List<Taint> taints = NodeTaints.noExecute(node);
        boolean unreachable = taints.stream().anyMatch(t -> NodeTaints.UNREACHABLE.equals(t.key));
        if (pod.metadata.deletionTimestamp != null && !unreachable) {
            planned.remove(key);
            return; // being deleted already, and its kubelet will confirm it
        }
        Instant now = Instant.now();
        TaintEviction.Decision decision = TaintEviction.decide(pod, taints, defaultTolerationSeconds, now,
                taint -> came(node, taint, now));
        if (decision.action() == TaintEviction.Action.KEEP) {
            if (planned.remove(key) != null) {
                events.normal(pod, "TaintManagerEviction", "Cancelling deletion of Pod " + key);
            }
            return;
        }
        if (decision.at() != null) {
            planned.put(key, decision.at());
            queue.addAfter(key, Math.max(1, Duration.between(now, decision.at()).toMillis() + 1));
            return;
        }
        evict(key, pod, unreachable);
    }

    private void evict(String key, Pod pod, boolean unreachable) {
        planned.remove(key);
        if (pod.metadata.deletionTimestamp == null) {
            events.normal(pod, "TaintManagerEviction", "Marking for deletion Pod " + key);
        }
        DeleteOptions options = unreachable ? DeleteOptions.immediately() : new DeleteOptions();
        options.preconditions = new DeleteOptions.Preconditions();
        options.preconditions.uid = pod.metadata.uid; // never a newer pod of the same name
        try {
            api.delete(ResourceKind.PODS, pod.metadata.namespace, pod.metadata.name, options);
            LOG.info("Evicted pod {} from node {}{}", key, pod.spec.nodeName, unreachable ? " (unreachable: deleted with no grace period)" : "");
        } catch (ApiException e) {
            if (!e.isNotFound() && !e.isConflict()) {
                throw e;
            }
        }
    }

    private static String key(Pod pod) {
        return pod.metadata.namespace + "/" + pod.metadata.name;
    }
}
