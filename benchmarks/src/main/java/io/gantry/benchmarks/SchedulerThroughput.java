package io.gantry.benchmarks;

import com.sun.management.OperatingSystemMXBean;
import io.gantry.api.Configs;
import io.gantry.api.Plugins;
import io.gantry.api.client.ApiClient;
import io.gantry.api.client.Informers;
import io.gantry.api.client.ListOptions;
import io.gantry.api.client.ResourceKind;
import io.gantry.api.cluster.SoleLeader;
import io.gantry.api.core.v1.Binding;
import io.gantry.api.core.v1.Container;
import io.gantry.api.core.v1.Node;
import io.gantry.api.core.v1.NodeCondition;
import io.gantry.api.core.v1.NodeStatus;
import io.gantry.api.core.v1.Pod;
import io.gantry.api.core.v1.ResourceRequirements;
import io.gantry.api.meta.v1.OwnerReference;
import io.gantry.api.scheduler.SchedulerPolicy;
import io.gantry.apiserver.Registry;
import io.gantry.scheduler.Scheduler;
import io.gantry.scheduler.binpack.BinpackPolicy;
import io.gantry.scheduler.spread.SpreadPolicy;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * {@code scheduler NODES PODS POLICY [BACKEND]}: the scheduler's throughput in one JVM. The API
 * server's store path ({@link Registry} over a storage backend, the in-memory one by default)
 * holds NODES Ready nodes and PODS pending pods (100m CPU, 128 MiB each, in ReplicaSets of 50)
 * before the scheduler starts; the time runs from its start (informers listing included) to the
 * last binding stored, each through pods/binding (the store's compare-and-set and its watch
 * event). Then every pod is checked to be bound once, and how the policy spread them.
 *
 * <p>The peer, in the same run: the same bindings written by the same number of threads with no
 * scheduler (each pod to a node round-robin): what the store path alone costs.
 */
final class SchedulerThroughput {

    private static final int REPLICAS = 50;
    static final int WRITERS = 4;
    /** The untimed round has this fraction of the nodes (and twice that of the pods); -Dgantry.warmup=1 for a round as large as the timed one. */
    private static final int WARM_UP_SHARE = Integer.getInteger("gantry.warmup", 10);

    void run(int nodes, int pods, String policyName, String backend) throws Exception {
        SchedulerPolicy policy = switch (policyName) {
            case "spread" -> new SpreadPolicy();
            case "binpack" -> new BinpackPolicy();
            default -> throw new IllegalArgumentException("no scheduler policy " + policyName + "; spread or binpack");
        };
        System.out.printf(Locale.ROOT, "scheduler: %d nodes, %d pending pods, policy %s, store %s, %d bind workers; %d cores, load %s; after an untimed round of %d nodes, %d pods%n",
                nodes, pods, policyName, backend, WRITERS, Runtime.getRuntime().availableProcessors(), load(),
                Math.max(1, nodes / WARM_UP_SHARE), warmUpPods(pods));
        double peer = peer(nodes, pods, backend);
        int warmUpNodes = Math.max(1, nodes / WARM_UP_SHARE);
        int warmUpPods = warmUpPods(pods);
        warmUp(policyName, policy, backend, warmUpNodes, warmUpPods);
        System.out.printf(Locale.ROOT, " peer: the same %d bindings without a scheduler, %d threads: %.0f bindings/s%n",
                pods, WRITERS, peer);
        StoreBackends.Started started = StoreBackends.start(backend);
        try {
            Registry registry = registry(started);
            long setup = System.nanoTime();
            fill(registry, nodes, pods);
            System.out.printf(Locale.ROOT, " stored %d nodes and %d pods in %.1f s%n", nodes, pods, (System.nanoTime() - setup) / 1e9);
            AtomicInteger bound = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            CountDownLatch all = new CountDownLatch(pods);
            ApiClient counted = counting(registry, ok -> {
                bound.incrementAndGet();
                all.countDown();
            }, refused);
            Map<String, Long> cpuBefore = threadCpu();
            long processCpuBefore = processCpu();
            long start = System.nanoTime();
            Informers informers = new Informers(registry);
            Scheduler scheduler = new Scheduler(counted, informers, new SoleLeader(), config(policyName));
            scheduler.addPolicy(policy, Map.of(Plugins.NAME, policyName));
            boolean done = all.await(10, TimeUnit.MINUTES);
            long elapsed = System.nanoTime() - start;
            long processCpu = processCpu() - processCpuBefore;
            Map<String, Long> cpu = threadCpu();
            scheduler.deactivate();
            informers.close();
            double rate = pods / (elapsed / 1e9);
            report(registry, nodes, pods, refused.get(), done);
            printCpu(cpuBefore, cpu, processCpu, elapsed, pods);
            System.out.printf(Locale.ROOT, " ratio to the peer: %.2f%n", rate / peer);
            registry.watches().close();
            System.out.printf(Locale.ROOT, "scheduler %s: %.0f pods/s (%d nodes, %d pods)%n", policyName, rate, nodes, pods);
        } finally {
            started.stop().close();
        }
    }

    /** A fifth of the pods by default; all of them when the round is as large as the timed one. */
    private static int warmUpPods(int pods) {
        return Math.max(1, Math.min(pods, pods * 2 / WARM_UP_SHARE));
    }

    /** One untimed round at a tenth of the size, so that the timed one runs compiled code, as a scheduler that has run a while does. */
    private static void warmUp(String policyName, SchedulerPolicy policy, String backend, int nodes, int pods) throws Exception {
        StoreBackends.Started started = StoreBackends.start(backend);
        try {
            Registry registry = registry(started);
            fill(registry, nodes, pods);
            CountDownLatch all = new CountDownLatch(pods);
            Informers informers = new Informers(registry);
            Scheduler scheduler = new Scheduler(counting(registry, ok -> all.countDown(), new AtomicInteger()), informers,
                    new SoleLeader(), config(policyName));
            scheduler.addPolicy(policy, Map.of(Plugins.NAME, policyName));
            all.await(5, TimeUnit.MINUTES);
            scheduler.deactivate();
            informers.close();
            registry.watches().close();
        } finally {
            started.stop().close();
        }
    }

    /** The store path alone: each pod bound to a node round-robin by WRITERS threads. */
    private static double peer(int nodes, int pods, String backend) throws Exception {
        StoreBackends.Started started = StoreBackends.start(backend);
        try {
            Registry registry = registry(started);
            fill(registry, nodes, pods);
            long start = System.nanoTime();
            parallel(pods, i -> {
                Binding binding = new Binding();
                binding.metadata.namespace = "default";
                binding.metadata.name = "pod-" + i;
                binding.target.kind = "Node";
                binding.target.name = "node-" + (i % nodes);
                registry.bind(binding);
            });
            double rate = pods / ((System.nanoTime() - start) / 1e9);
            registry.watches().close();
            return rate;
        } finally {
            started.stop().close();
        }
    }

    static Registry registry(StoreBackends.Started started) {
        Registry registry = new Registry("bench");
        registry.addBackend("bench", started.backend());
        return registry;
    }

    private static void fill(Registry registry, int nodes, int pods) throws Exception {
        registry.ensureSystemNamespaces();
        parallel(nodes, i -> {
            Node node = new Node();
            node.metadata.name = "node-" + i;
            node.metadata.labels = Map.of("kubernetes.io/hostname", node.metadata.name);
            Node created = registry.create(ResourceKind.NODES, node);
            created.status = new NodeStatus();
            Map<String, String> allocatable = Map.of("cpu", "4", "memory", "16Gi", "ephemeral-storage", "100Gi", "pods", "110");
            created.status.capacity = allocatable;
            created.status.allocatable = allocatable;
            NodeCondition ready = new NodeCondition();
            ready.type = "Ready";
            ready.status = "True";
            created.status.conditions = List.of(ready);
            registry.updateStatus(ResourceKind.NODES, created);
        });
        parallel(pods, i -> registry.create(ResourceKind.PODS, pod(i)));
    }

    private static Pod pod(int i) {
        Pod pod = new Pod();
        pod.metadata.namespace = "default";
        pod.metadata.name = "pod-" + i;
        String replicaSet = "web-" + (i / REPLICAS);
        pod.metadata.labels = Map.of("app", replicaSet);
        OwnerReference owner = new OwnerReference();
        owner.apiVersion = "apps/v1";
        owner.kind = "ReplicaSet";
        owner.name = replicaSet;
        owner.uid = "uid-" + replicaSet;
        owner.controller = true;
        pod.metadata.ownerReferences = List.of(owner);
        pod.spec.containers.add(container("100m", "128Mi"));
        return pod;
    }

    /** A container of gantry/httpd that asks for this CPU and memory. */
    static Container container(String cpu, String memory) {
        Container container = new Container();
        container.name = "main";
        container.image = "gantry/httpd:1.0";
        container.resources = new ResourceRequirements();
        container.resources.requests = Map.of("cpu", cpu, "memory", memory);
        return container;
    }

    /** Calls the work with 0 to n - 1 on WRITERS threads, each taking the next number, and returns when all are done. */
    static void parallel(int n, IntConsumer work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(WRITERS);
        try {
            AtomicInteger next = new AtomicInteger();
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < WRITERS; t++) {
                futures.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
                        work.accept(i);
                    }
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Checks every pod is bound, and says how the pods are spread over the nodes. */
    private static void report(Registry registry, int nodes, int pods, int refused, boolean done) {
        List<Pod> stored = registry.list(ResourceKind.PODS, "default", ListOptions.ALL).items;
        Map<String, Integer> perNode = new HashMap<>();
        Map<String, Map<String, Integer>> replicasPerNode = new HashMap<>();
        int unbound = 0;
        for (Pod pod : stored) {
            if (pod.spec.nodeName == null) {
                unbound++;
                continue;
            }
            perNode.merge(pod.spec.nodeName, 1, Integer::sum);
            replicasPerNode.computeIfAbsent(pod.metadata.labels.get("app"), k -> new HashMap<>()).merge(pod.spec.nodeName, 1, Integer::sum);
        }
        int most = perNode.values().stream().mapToInt(Integer::intValue).max().orElse(0);
        int mostReplicas = replicasPerNode.values().stream().flatMap(m -> m.values().stream()).mapToInt(Integer::intValue).max().orElse(0);
        System.out.printf(Locale.ROOT, " %s: %d of %d pods bound, %d unbound, %d bindings refused (bound already);"
                        + " %d of %d nodes used, at most %d pods on one node, at most %d replicas of one ReplicaSet on one node%n",
                done ? "done" : "TIMED OUT", pods - unbound, pods, unbound, refused, perNode.size(), nodes, most, mostReplicas);
    }

    /** The registry, with each binding it stores counted. */
    private static ApiClient counting(ApiClient api, IntConsumer bound, AtomicInteger refused) {
        return (ApiClient) Proxy.newProxyInstance(SchedulerThroughput.class.getClassLoader(), new Class<?>[] {ApiClient.class},
                (proxy, method, args) -> {
                    try {
                        Object result = method.invoke(api, args);
                        if (method.getName().equals("fencedBy")) {
                            return counting((ApiClient) result, bound, refused); // the leader's client counts too
                        }
                        if (method.getName().equals("bind")) {
                            bound.accept(1);
                        }
                        return result;
                    } catch (InvocationTargetException e) {
                        if (method.getName().equals("bind")) {
                            refused.incrementAndGet();
                        }
                        throw e.getCause();
                    }
                });
    }

    /**
     * CPU time so far (ns) of each thread of this process, keyed by name without its number and by
     * thread id: Java threads by their names, the JVM's own (GC, JIT) from /proc (10 ms ticks).
     */
    static Map<String, Long> threadCpu() {
        Map<String, Long> byThread = new HashMap<>();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
            long cpu = info == null ? -1 : threads.getThreadCpuTime(info.getThreadId());
            if (cpu > 0) {
                byThread.put(info.getThreadName().replaceAll("-?\\d+$", "") + "#java" + info.getThreadId(), cpu);
            }
        }
        File[] tasks = new File("/proc/self/task").listFiles();
        if (tasks == null) {
            return byThread;
        }
        for (File task : tasks) {
            try {
                String name = Files.readString(task.toPath().resolve("comm")).trim();
                if (name.startsWith("gantry-") || name.startsWith("pool-") || name.equals("main") || name.startsWith("java")) {
                    continue; // a Java thread, counted above with its full name
                }
                String stat = Files.readString(task.toPath().resolve("stat"));
                String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime + stime
                byThread.put(name.replaceAll("[-#]?\\d+$", "") + "#" + task.getName(), ticks * 10_000_000L);
            } catch (IOException | RuntimeException e) {
                // the thread ended meanwhile
            }
        }
        return byThread;
    }

    /** Where the CPU went in the timed part (for the scheduler: from its start to the last binding), per kind of thread and per pod. */
    static void printCpu(Map<String, Long> before, Map<String, Long> after, long processCpu, long elapsed, int pods) {
        Map<String, Long> byKind = new TreeMap<>();
        after.forEach((thread, cpu) -> byKind.merge(thread.substring(0, thread.indexOf('#')),
                cpu - before.getOrDefault(thread, 0L), Long::sum));
        long threadsTotal = byKind.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf(Locale.ROOT, " CPU in the timed %.2f s: process %.2f s (%.0f us per pod; %.0f pods per CPU-second), threads:%n",
                elapsed / 1e9, processCpu / 1e9, processCpu / 1e3 / pods, pods / (processCpu / 1e9));
        byKind.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .filter(e -> e.getValue() > threadsTotal / 100)
                .forEach(e -> System.out.printf(Locale.ROOT, "   %-40s %6.2f s %5.1f%% %6.0f us/pod%n", e.getKey(), e.getValue() / 1e9,
                        100.0 * e.getValue() / threadsTotal, e.getValue() / 1e3 / pods));
    }

    static long processCpu() {
        return ((OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
                .getProcessCpuTime();
    }

    static String load() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    /** The scheduler's defaults (as its Config gives them), with this default policy and WRITERS bind workers. */
    static Scheduler.Config config(String policy) {
        return Configs.of(Scheduler.Config.class, Map.of("defaultPolicy", policy, "bindWorkers", WRITERS));
    }
}
