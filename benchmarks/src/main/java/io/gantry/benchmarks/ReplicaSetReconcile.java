package io.gantry.benchmarks;

import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.apps.v1.ReplicaSet;
import io.gantry.api.client.Informer;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.SoleLeader;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.PodTemplateSpec;
import io.gantry.api.meta.v1.DeleteOptions;
import io.gantry.api.meta.v1.LabelSelector;
import io.gantry.apiserver.Registry;
import io.gantry.controllers.PodStates;
import io.gantry.controllers.gc.GarbageCollector;
import io.gantry.controllers.replication.ReplicaSetController;
import io.gantry.kubelet.BenchKubelet;
import io.gantry.kubelet.Kubelet;
import io.gantry.runtime.sim.SimRuntime;
import io.gantry.scheduler.Scheduler;
import io.gantry.scheduler.spread.SpreadPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code rs-reconcile BACKEND N REPLICAS}: how fast N ReplicaSets of REPLICAS pods each come to
 * run, in this JVM, through the whole pipeline of a node: the API server ({@link Registry}) over
 * a storage backend, the shared informers, the controller manager with the ReplicaSet controller
 * and the garbage collector (which the deletes at the end need), the scheduler (spread), and
 * {@value #NODES} nodes, each a real kubelet that registers its own Node, with the simulated
 * runtime (a container runs as soon as it is started, none fails). The ReplicaSets are created by
 * {@value SchedulerThroughput#WRITERS} client threads as fast as the API takes them; a handler on
 * the shared informer of ReplicaSets (a watch that lists again if the API server ends it, as it
 * ends a watch whose queue is full) times each from its create to
 * {@code status.replicas == spec.replicas} (every pod created) and to
 * {@code status.readyReplicas == spec.replicas} (every pod Running and Ready). Then the
 * ReplicaSets are deleted (Background) and the time to the last pod gone is printed.
 *
 * <p>The peer, in the same run after it: as many pods created directly by the same client threads
 * on a fresh backend, with nothing else running: what the API and the store alone take for the
 * creates the ReplicaSet controller makes.
 */
final class ReplicaSetReconcile {

    private static final int NODES = 4;
    private static final String NAMESPACE = "default";
    private static final String PREFIX = "rs-";
    private static final long TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(10);
    private static final long DELETE_TIMEOUT_NANOS = TimeUnit.MINUTES.toNanos(2);

    void run(String backend, int replicaSets, int replicas) throws Exception {
        int pods = replicaSets * replicas;
        Path root = Files.createTempDirectory("gantry-bench-kubelets");
        SimRuntime runtime = new SimRuntime(Configs.of(SimRuntime.Config.class, Map.of("startDelayMillis", 0L)));
        List<BenchKubelet> kubelets = new ArrayList<>();
        Rates rates;
        try (ControllerRig rig = new ControllerRig(backend, 2, ReplicaSetController::replicaSets, GarbageCollector::new)) {
            System.out.printf(Locale.ROOT, "rs-reconcile: %d ReplicaSets of %d replicas (%d pods) on %d simulated nodes,"
                            + " store %s, %d client threads; %d cores, load %s%n", replicaSets, replicas, pods, NODES,
                    rig.description, SchedulerThroughput.WRITERS, Runtime.getRuntime().availableProcessors(),
                    SchedulerThroughput.load());
            Scheduler scheduler = new Scheduler(rig.api, rig.informers, new SoleLeader(), SchedulerThroughput.config("spread"));
            scheduler.addPolicy(new SpreadPolicy(), Map.of(Plugins.NAME, "spread"));
            try {
                for (int n = 0; n < NODES; n++) {
                    kubelets.add(new BenchKubelet(rig.api, rig.informers, kubeletConfig(n, pods, root), runtime, SimRuntime.NAME));
                }
                rig.await(() -> readyNodes(rig.api) == NODES, NODES + " Ready nodes");
                rates = reconcile(rig, replicaSets, replicas);
                deleteAll(rig, replicaSets, pods);
            } finally {
                kubelets.forEach(BenchKubelet::close);
                scheduler.deactivate();
            }
        } finally {
            runtime.deactivate();
            StoreBackends.delete(root);
        }
        double peer = peer(backend, replicaSets, replicas);
        System.out.printf(Locale.ROOT, " peer: the same %d pods created directly by %d threads, no controller: %.0f pods/s%n",
                pods, SchedulerThroughput.WRITERS, peer);
        System.out.printf(Locale.ROOT, " ratio to the peer (pods/s): all created x%.3g, all ready x%.3g%n",
                rates.created() / peer, rates.ready() / peer);
        System.out.printf(Locale.ROOT, "rs-reconcile %s: %.0f pods/s created, %.0f pods/s ready (%d ReplicaSets of %d)%n",
                backend, rates.created(), rates.ready(), replicaSets, replicas);
    }

    /** Pods per second up to the last ReplicaSet with all its pods created, and with all ready. */
    private record Rates(double created, double ready) {
    }

    /** The timed part: the creates, and the wait until every ReplicaSet is ready. */
    private static Rates reconcile(ControllerRig rig, int replicaSets, int replicas) throws Exception {
        int pods = replicaSets * replicas;
        Progress progress = new Progress(replicaSets);
        Informer.Registration seen = rig.informers.informer(ResourceKind.REPLICA_SETS).addHandler(progress);
        PodProgress podProgress = new PodProgress();
        Informer.Registration podsSeen = rig.informers.informer(ResourceKind.PODS).addHandler(podProgress);
        Map<String, Long> cpuBefore = SchedulerThroughput.threadCpu();
        long processCpuBefore = SchedulerThroughput.processCpu();
        long start = System.nanoTime();
        SchedulerThroughput.parallel(replicaSets, i -> {
            progress.createStarts[i] = System.nanoTime();
            rig.api.create(ResourceKind.REPLICA_SETS, replicaSet(i, replicas));
        });
        long created = System.nanoTime() - start;
        boolean done = progress.await(start + TIMEOUT_NANOS);
        long processCpu = SchedulerThroughput.processCpu() - processCpuBefore;
        Map<String, Long> cpuAfter = SchedulerThroughput.threadCpu();
        seen.close();
        podsSeen.close();
        System.out.printf(Locale.ROOT, " %d ReplicaSets created in %.2f s (%.0f/s)%n", replicaSets, created / 1e9,
                replicaSets / (created / 1e9));
        Latencies toCreated = new Latencies();
        Latencies toReady = new Latencies();
        long lastCreated = progress.last(progress.allCreated, toCreated) - start;
        long lastReady = progress.last(progress.allReady, toReady) - start;
        Rates rates = new Rates(pods / (lastCreated / 1e9), pods / (lastReady / 1e9));
        toCreated.print("create -> all pods created", replicaSets / (lastCreated / 1e9));
        toReady.print("create -> all pods ready", replicaSets / (lastReady / 1e9));
        System.out.printf(Locale.ROOT, " %s: every pod created after %.2f s (%.0f pods/s), every pod ready after %.2f s"
                        + " (%.0f pods/s)%n", done ? "done" : "TIMED OUT (" + progress.ready + " of " + replicaSets + " ready)",
                lastCreated / 1e9, rates.created(), lastReady / 1e9, rates.ready());
        System.out.printf(Locale.ROOT, " the pods themselves (their informer): the last created after %.2f s, the last Ready after"
                + " %.2f s%n", (podProgress.lastCreated - start) / 1e9, (podProgress.lastReady - start) / 1e9);
        report(rig.api);
        SchedulerThroughput.printCpu(cpuBefore, cpuAfter, processCpu, lastReady, pods);
        return rates;
    }

    /**
     * Deletes the ReplicaSets as kubectl does (Background): the garbage collector deletes the pods,
     * their kubelets stop them and remove them. Says how long until the shared informer saw the
     * last one go, or what was left when the time was up.
     */
    private static void deleteAll(ControllerRig rig, int replicaSets, int pods) throws Exception {
        CountDownLatch gone = new CountDownLatch(pods);
        Informer.Registration deletions = rig.informers.informer(ResourceKind.PODS).addHandler(new Informer.Handler<Pod>() {
            @Override
            public void onDelete(Pod pod) {
                if (pod.metadata.name.startsWith(PREFIX)) {
                    gone.countDown();
                }
            }
        });
        long start = System.nanoTime();
        DeleteOptions background = new DeleteOptions();
        background.propagationPolicy = "Background";
        SchedulerThroughput.parallel(replicaSets, i -> rig.api.delete(ResourceKind.REPLICA_SETS, NAMESPACE, name(i), background));
        if (gone.await(DELETE_TIMEOUT_NANOS, TimeUnit.NANOSECONDS)) {
            System.out.printf(Locale.ROOT, " deleted (Background): the last pod gone after %.2f s%n", (System.nanoTime() - start) / 1e9);
        } else {
            List<Pod> left = rig.api.list(ResourceKind.PODS, NAMESPACE, ListOptions.ALL).items;
            System.out.printf(Locale.ROOT, " deleted (Background): NOT ALL GONE after %d s: %d pods left, %d of them terminating,"
                            + " %d ReplicaSets left%n", TimeUnit.NANOSECONDS.toSeconds(DELETE_TIMEOUT_NANOS), left.size(),
                    left.stream().filter(p -> p.metadata.deletionTimestamp != null).count(),
                    rig.api.list(ResourceKind.REPLICA_SETS, NAMESPACE, ListOptions.ALL).items.size());
        }
        deletions.close();
    }

    /** The peer's pods/s: the pods of the ReplicaSets' template, created by the client threads on a backend of their own. */
    private static double peer(String backend, int replicaSets, int replicas) throws Exception {
        StoreBackends.Started started = StoreBackends.start(backend);
        try {
            Registry registry = SchedulerThroughput.registry(started);
            registry.ensureSystemNamespaces();
            long start = System.nanoTime();
            SchedulerThroughput.parallel(replicaSets * replicas, i -> {
                PodTemplateSpec template = template(i / replicas);
                Pod pod = new Pod();
                pod.metadata.namespace = NAMESPACE;
                pod.metadata.generateName = name(i / replicas) + "-"; // as the ReplicaSet controller names its pods
                pod.metadata.labels = template.metadata.labels;
                pod.spec = template.spec;
                registry.create(ResourceKind.PODS, pod);
            });
            double rate = replicaSets * replicas / ((System.nanoTime() - start) / 1e9);
            registry.watches().close();
            return rate;
        } finally {
            started.stop().close();
        }
    }

    private static String name(int i) {
        return PREFIX + i;
    }

    private static ReplicaSet replicaSet(int i, int replicas) {
        ReplicaSet set = new ReplicaSet();
        set.metadata.namespace = NAMESPACE;
        set.metadata.name = name(i);
        set.spec.replicas = replicas;
        set.spec.selector = LabelSelector.of(Map.of("app", name(i)));
        set.spec.template = template(i);
        return set;
    }

    /** One container asking for 10m CPU and 16 MiB, so that the scheduler's fit has something to add up. */
    private static PodTemplateSpec template(int i) {
        PodTemplateSpec template = new PodTemplateSpec();
        template.metadata.labels = Map.of("app", name(i));
        template.spec.containers.add(SchedulerThroughput.container("10m", "16Mi"));
        return template;
    }

    /** Node n: its own name, pod range, free port and folder; room for every pod, should the scheduler put all on it. */
    private static Kubelet.Config kubeletConfig(int n, int pods, Path root) {
        return Configs.of(Kubelet.Config.class, Map.of(
                "nodeName", "sim-" + n,
                "podCIDR", "127." + (200 + n) + ".0.0/16",
                "port", 0,
                "defaultRuntime", SimRuntime.NAME,
                "maxPods", pods,
                "cpu", (pods / 100 + 1) + "",
                "memory", (pods * 16 + 1024) + "Mi",
                "rootDir", root.resolve("sim-" + n).toString()));
    }

    private static long readyNodes(Registry api) {
        return api.list(ResourceKind.NODES, null, ListOptions.ALL).items.stream()
                .filter(n -> n.status != null && n.status.conditions != null && n.status.conditions.stream()
                        .anyMatch(c -> "Ready".equals(c.type) && "True".equals(c.status)))
                .count();
    }

    /** How the scheduler spread the pods, and how many run. */
    private static void report(Registry api) {
        Map<String, Integer> perNode = new TreeMap<>();
        int running = 0;
        for (Pod pod : api.list(ResourceKind.PODS, NAMESPACE, ListOptions.ALL).items) {
            perNode.merge(String.valueOf(pod.spec.nodeName), 1, Integer::sum);
            if (pod.status != null && "Running".equals(pod.status.phase)) {
                running++;
            }
        }
        System.out.printf(Locale.ROOT, " pods per node %s, %d Running%n", perNode, running);
    }

    /** When the shared informer of pods showed the last new pod, and the last pod turning Ready: the pods' own view. */
    private static final class PodProgress implements Informer.Handler<Pod> {
        private final Set<String> ready = ConcurrentHashMap.newKeySet();
        volatile long lastCreated;
        volatile long lastReady;

        @Override
        public void onAdd(Pod pod) {
            lastCreated = System.nanoTime();
            onUpdate(null, pod);
        }

        @Override
        public void onUpdate(Pod previous, Pod current) {
            if (PodStates.isReady(current) && ready.add(current.metadata.uid)) {
                lastReady = System.nanoTime();
            }
        }
    }

    /**
     * When the shared informer of ReplicaSets first showed each one with all its pods created, and
     * with all ready. The client threads write each create's start before the create; they are
     * read after the threads are done.
     */
    private static final class Progress implements Informer.Handler<ReplicaSet> {
        final long[] createStarts;
        final long[] allCreated;
        final long[] allReady;
        private int ready;

        Progress(int replicaSets) {
            createStarts = new long[replicaSets];
            allCreated = new long[replicaSets];
            allReady = new long[replicaSets];
        }

        @Override
        public void onAdd(ReplicaSet set) {
            seen(set);
        }

        @Override
        public void onUpdate(ReplicaSet previous, ReplicaSet current) {
            seen(current);
        }

        private synchronized void seen(ReplicaSet set) {
            if (set.status == null || !set.metadata.name.startsWith(PREFIX)) {
                return;
            }
            int i = Integer.parseInt(set.metadata.name.substring(PREFIX.length()));
            long now = System.nanoTime();
            if (allCreated[i] == 0 && set.status.replicas == set.spec.replicas) {
                allCreated[i] = now;
            }
            if (allReady[i] == 0 && set.status.readyReplicas == set.spec.replicas) {
                allReady[i] = now;
                if (++ready == allReady.length) {
                    notifyAll();
                }
            }
        }

        /** Waits until every ReplicaSet is ready; false if the deadline came first. */
        synchronized boolean await(long deadline) throws InterruptedException {
            while (ready < allReady.length) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return true;
        }

        /** Adds each ReplicaSet's time from its create to the moment to the latencies, and gives the last moment. */
        synchronized long last(long[] moments, Latencies latencies) {
            for (int i = 0; i < moments.length; i++) {
                if (moments[i] != 0) {
                    latencies.add(moments[i] - createStarts[i]);
                }
            }
            return Arrays.stream(moments).max().orElse(0);
        }
    }
}
