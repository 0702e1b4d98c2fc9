package io.gantry.scheduler;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.ApiException;
import io.gantry.api.client.EventRecorder;
import io.gantry.api.client.Indexes;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.json.Json;
import io.gantry.api.scheduler.SchedulerPolicy;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler at work for one term of leadership: a cache and a queue built from the shared
 * informers, one thread that places pods one after another, and binders that write the bindings
 * in parallel (the next pod is placed while the last binding is still being stored: the cache
 * assumes it). The informers' handlers only compute what the scheduler needs of each change and
 * hand it to the scheduling thread, which alone touches the cache and the queue.
 *
 * <p>Stopping drops the cache and the queue at once and binds nothing more; a binding already
 * sent completes, and the next leader sees it in the store.
 */
final class SchedulingLoop {

    private static final Logger LOG = LoggerFactory.getLogger(SchedulingLoop.class);

    /** The settings of one loop. */
    record Settings(long initialBackoffNanos, long maxBackoffNanos, int bindWorkers, int percentageOfNodesToScore) {
    }

    private final ApiClient api;
    private final Informer<Pod> pods;
    private final Informer<Node> nodes;
    private final PolicyChooser policies;
    private final EventRecorder events;
    private final SchedulerCache cache = new SchedulerCache();
    private final SchedulingQueue queue;
    private final Placement placement;
    private final BlockingQueue<Runnable> inbox = new LinkedBlockingQueue<>();
    private final ExecutorService binders;
    private final ExecutorService reporter;
    private final Thread thread;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean running = true;
    private Informer.Registration podHandler;
    private Informer.Registration nodeHandler;

    SchedulingLoop(ApiClient api, Informer<Pod> pods, Informer<Node> nodes, PolicyChooser policies,
                   EventRecorder events, Settings settings) {
        this.api = api;
        this.pods = pods;
        this.nodes = nodes;
        this.policies = policies;
        this.events = events;
        this.queue = new SchedulingQueue(settings.initialBackoffNanos(), settings.maxBackoffNanos());
        this.placement = new Placement(settings.percentageOfNodesToScore());
        AtomicInteger binderIds = new AtomicInteger();
        this.binders = Executors.newFixedThreadPool(Math.max(1, settings.bindWorkers()), r -> {
            Thread binder = new Thread(r, "gantry-scheduler-binder-" + binderIds.incrementAndGet());
            binder.setDaemon(true);
            return binder;
        });
        this.reporter = Executors.newSingleThreadExecutor(r -> {
            Thread report = new Thread(r, "gantry-scheduler-status");
            report.setDaemon(true);
            return report;
        });
        this.thread = new Thread(this::run, "gantry-scheduler");
        this.thread.setDaemon(true);
    }

    /** Fills the cache and the queue from the informers (every cached object comes as an add first) and starts placing. */
    SchedulingLoop start() {
        nodeHandler = nodes.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(Node node) {
                post(() -> nodeChanged(node));
            }

            @Override
            public void onUpdate(Node previous, Node current) {
                post(() -> nodeChanged(current));
            }

            @Override
            public void onDelete(Node node) {
                post(() -> cache.removeNode(node.metadata.name));
            }
        });
        podHandler = pods.addHandler(new Informer.Handler<>() {
            @Override
            public void onAdd(Pod pod) {
                podChanged(pod);
            }

            @Override
            public void onUpdate(Pod previous, Pod current) {
                if (isPending(previous) && isPending(current) && !schedulingChanged(previous, current)) {
                    return; // a status change of a waiting pod (ours, say): nothing to place anew
                }
                podChanged(current);
            }

            @Override
            public void onDelete(Pod pod) {
                String key = PodProfile.key(namespace(pod), pod.metadata.name);
                post(() -> podGone(key));
            }
        });
        thread.start();
        return this;
    }

    /** Stops at once: nothing more is bound; the cache and the queue are dropped. */
    void stop() {
        running = false;
        if (podHandler != null) {
            podHandler.close();
        }
        if (nodeHandler != null) {
            nodeHandler.close();
        }
        thread.interrupt();
        binders.shutdownNow();
        reporter.shutdownNow();
    }

    /** Asks the scheduling thread to look at every pending pod again (a policy came or the default changed). */
    void rescan() {
        for (Pod pod : pods.byIndex(Indexes.NODE_NAME, "")) {
            podChanged(pod);
        }
    }

    /** Pods queued, bindings in flight; for tests and logs. */
    int pending() {
        return queue.size() + inFlight.get();
    }

    private void post(Runnable task) {
        if (running) {
            inbox.add(task);
        }
    }

    private void run() {
        try {
            while (running) {
                Runnable task;
                while ((task = inbox.poll()) != null) {
                    task.run();
                }
                long now = System.nanoTime();
                queue.flush(now);
                SchedulingQueue.Entry entry = queue.pop();
                if (entry != null) {
                    scheduleOne(entry, now);
                    continue;
                }
                task = inbox.poll(queue.nanosToNext(now), TimeUnit.NANOSECONDS);
                if (task != null) {
                    task.run();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.error("The scheduling loop failed; the scheduler stops placing pods until it leads again", e);
        }
    }

    /** One scheduling cycle: choose, assume, hand the binding to a binder. */
    private void scheduleOne(SchedulingQueue.Entry entry, long now) {
        PodProfile pod = entry.pod;
        SchedulerPolicy policy = policies.policyFor(pod.schedulerName);
        if (policy == null) {
            return; // its policy is not installed now: it waits for the policy (rescan) like another scheduler's pod
        }
        Placement.Decision decision;
        try {
            decision = placement.choose(pod, cache, policy);
        } catch (RuntimeException e) {
            LOG.warn("Cannot place pod {}: {}", pod.key, e.toString());
            queue.backoff(entry, now);
            return;
        }
        if (decision.node() == null) {
            queue.unschedulable(entry, now);
            String message = decision.message();
            reporter.execute(() -> reportUnschedulable(pod, message));
            return;
        }
        cache.assume(pod, decision.node());
        inFlight.incrementAndGet();
        try {
            binders.execute(() -> bind(entry, decision.node()));
        } catch (RuntimeException stopped) {
            inFlight.decrementAndGet();
        }
    }

    /** On a binder: stores the binding; a failure forgets the assumption and queues the pod again after its back-off. */
    private void bind(SchedulingQueue.Entry entry, String node) {
        PodProfile pod = entry.pod;
        try {
            if (!running) {
                return; // no longer leading: the pod stays unbound in the store for the next leader
            }
            Binding binding = new Binding();
            binding.metadata.name = pod.name;
            binding.metadata.namespace = pod.namespace;
            binding.metadata.uid = pod.uid;
            binding.target.kind = "Node";
            binding.target.name = node;
            api.bind(binding);
            LOG.debug("Bound pod {} to node {}", pod.key, node);
            if (events != null) {
                events.normal(reference(pod), "Scheduled",
                        "Successfully assigned " + pod.namespace + "/" + pod.name + " to " + node);
            }
        } catch (ApiException e) {
            if (e.isNotFound()) {
                post(() -> cache.forget(pod.key)); // deleted meanwhile
            } else {
                // 409: bound already (by an earlier leader), being deleted, recreated, or contended; the
                // watch tells which: a bound pod leaves the queue when its binding arrives
                LOG.debug("Cannot bind pod {} to {}: {}", pod.key, node, e.getMessage());
                post(() -> {
                    cache.forget(pod.key);
                    queue.backoff(entry, System.nanoTime());
                });
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot bind pod {} to {}", pod.key, node, e);
            post(() -> {
                cache.forget(pod.key);
                queue.backoff(entry, System.nanoTime());
            });
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** PodScheduled=False with kube-scheduler's message, and a FailedScheduling event. */
    private void reportUnschedulable(PodProfile profile, String message) {
        if (!running) {
            return;
        }
        Optional<Pod> cached = pods.get(profile.namespace, profile.name);
        if (cached.isEmpty() || !isPending(cached.get()) || !Objects.equals(cached.get().metadata.uid, profile.uid)) {
            return;
        }
        Pod pod = Json.copy(cached.get());
        if (events != null) {
            events.warning(pod, "FailedScheduling", message);
        }
        if (Placement.setUnschedulable(pod, message)) {
            try {
                api.updateStatus(ResourceKind.PODS, pod);
            } catch (ApiException e) {
                LOG.debug("Cannot mark pod {} unschedulable: {}", profile.key, e.getMessage());
            }
        }
        LOG.debug("Pod {} is unschedulable: {}", profile.key, message);
    }

    // --- the informers' changes, applied on the scheduling thread ---

    private void nodeChanged(Node node) {
        String before = signature(cache.node(node.metadata.name));
        cache.updateNode(node);
        if (!Objects.equals(before, signature(cache.node(node.metadata.name)))) {
            queue.moveAllToActiveOrBackoff(System.nanoTime());
        }
    }

    /** On the informer's thread: computes the pod's profile, then hands the change over. */
    private void podChanged(Pod pod) {
        PodProfile profile;
        try {
            profile = PodProfile.of(pod);
        } catch (RuntimeException e) {
            LOG.warn("Cannot read the requests of pod {}/{}: {}", namespace(pod), pod.metadata.name, e.getMessage());
            return;
        }
        String node = pod.spec.nodeName;
        boolean finished = isFinished(pod);
        boolean deleting = pod.metadata.deletionTimestamp != null;
        post(() -> {
            if (node != null && !node.isEmpty()) {
                queue.delete(profile.key);
                if (finished) {
                    if (cache.removePod(profile.key)) {
                        queue.moveAllToActiveOrBackoff(System.nanoTime());
                    }
                } else {
                    cache.addPod(profile, node);
                }
            } else if (finished || deleting || !policies.serves(profile.schedulerName)) {
                queue.delete(profile.key);
            } else if (!cache.isPlaced(profile.key)) {
                queue.add(profile); // an assumed pod's binding is in flight: not queued twice
            }
        });
    }

    private void podGone(String key) {
        queue.delete(key);
        if (cache.removePod(key)) {
            queue.moveAllToActiveOrBackoff(System.nanoTime());
        }
    }

    /** What of a node matters to placement: a change of it may let waiting pods fit. */
    private static String signature(CachedNode node) {
        if (node == null || !node.present) {
            return null;
        }
        StringBuilder signature = new StringBuilder().append(node.unschedulable).append('|').append(node.allocatableMilliCpu)
                .append('|').append(node.allocatableMemory).append('|').append(node.allocatableEphemeralStorage)
                .append('|').append(node.allocatablePods).append('|').append(node.labels);
        node.taints.forEach(t -> signature.append('|').append(t.key).append('=').append(t.value).append(':').append(t.effect));
        return signature.toString();
    }

    private static boolean schedulingChanged(Pod previous, Pod current) {
        if (!Objects.equals(previous.metadata.labels, current.metadata.labels)
                || !Objects.equals(previous.metadata.deletionTimestamp, current.metadata.deletionTimestamp)) {
            return true;
        }
        JsonNode before = Json.tree(previous.spec);
        JsonNode after = Json.tree(current.spec);
        return !before.equals(after);
    }

    private static boolean isPending(Pod pod) {
        return (pod.spec.nodeName == null || pod.spec.nodeName.isEmpty()) && !isFinished(pod);
    }

    private static boolean isFinished(Pod pod) {
        String phase = pod.status == null ? null : pod.status.phase;
        return "Succeeded".equals(phase) || "Failed".equals(phase);
    }

    private static String namespace(Pod pod) {
        return pod.metadata.namespace == null ? "default" : pod.metadata.namespace;
    }

    private static Pod reference(PodProfile profile) {
        Pod pod = new Pod();
        pod.metadata.namespace = profile.namespace;
        pod.metadata.name = profile.name;
        pod.metadata.uid = profile.uid;
        return pod;
    }
}
