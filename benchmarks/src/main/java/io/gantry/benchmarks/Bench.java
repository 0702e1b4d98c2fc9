package io.gantry.benchmarks;

/**
 * Gantry's benchmarks; each prints one table of numbers and asserts nothing (see README.md).
 * Those against a running node ({@code ./gantry up}) measure it from outside through its HTTP
 * API, as a client sees it; {@code store} runs the storage backends in this JVM.
 *
 * <pre>
 *   api         [N] [CLIENTS]         N pods created, read, listed and deleted by CLIENTS clients
 *   api-open    [RATE] [SECONDS]      pod creates offered open loop at RATE/s; peer GET /healthz
 *   api-list    [N] [ROUNDS]          lists (full, paged, table) of N stored pods
 *   api-watches [N] [WRITES]          event delivery to N watches over HTTP; peer one watch
 *   pods        [N]                   N real pods: create to Running, to answering, delete to gone
 *   memory                            the node's resident memory
 *   store       [BACKEND] [WRITERS] [N]  writes/s and latency per backend; peer in-memory
 *   store-watches [BACKEND] [WATCHERS] [WRITES]  event delivery to watches of a backend; peer in-memory
 *   leader      [RUNS]                member death to Node Unknown, leader death to a new leader (in-JVM members)
 *   leader-jvm  [RUNS]                the same with the leader and a worker in JVMs of their own, SIGKILLed
 *   endpoints   [BACKEND] [PODS] [ROUNDS]  pod readiness flip to Endpoints/EndpointSlice, in-process; peer pod watch
 *   node-death  [BACKEND] [PODS] [ROUNDS]  node Ready Unknown to taint and to its pods deleted, in-process
 *   scheduler   [NODES] [PODS] [POLICY] [BACKEND]  pods bound per second by the scheduler in this JVM; peer the bindings alone
 *   rs-reconcile [BACKEND] [N] [REPLICAS]  N ReplicaSets to every pod created and ready on simulated kubelets, in-process;
 *                                          peer the pods' creates alone
 *   proxy       [SECONDS] [CONNS] [HELD] [ROUNDS]  wrk through the proxy's kernel and userspace datapaths; peer direct
 *   cluster-failover [REPLICAS] [ROUNDS]  a worker of ./gantry cluster up 3 killed: time to its replicas Running elsewhere
 * </pre>
 */
public final class Bench {

    private Bench() {
    }

    public static void main(String[] args) throws Exception {
        // before the first logger: the backends' INFO lines would interleave with the numbers
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", System.getProperty("gantry.log", "warn"));
        String which = args.length > 0 ? args[0] : "help";
        switch (which) {
            case "api" -> new ClosedLoopApi().run(number(args, 1, 1000), number(args, 2, 4));
            case "api-open" -> new OpenLoopCreates().run(number(args, 1, 1000), number(args, 2, 10));
            case "api-list" -> new ListLatency().run(number(args, 1, 10_000), number(args, 2, 10));
            case "api-watches" -> new WatchFanOut().run(number(args, 1, 1000), number(args, 2, 100));
            case "pods" -> new PodStartup().run(number(args, 1, 10));
            case "deploy" -> new DeploymentStartup().run(number(args, 1, 30), number(args, 2, 5));
            case "pods-memory" -> new DeploymentStartup().memory(number(args, 1, 100));
            case "memory" -> new NodeMemory().run();
            case "store-watches" -> new StoreWatchDelivery().run(args.length > 1 ? args[1] : "all", number(args, 2, 1000),
                    number(args, 3, 200));
            case "leader" -> new LeaderFailover().run(number(args, 1, 10), false);
            case "leader-jvm" -> new LeaderFailover().run(number(args, 1, 10), true);
            case "endpoints" -> new ControllerReactions().endpoints(args.length > 1 ? args[1] : "memory", number(args, 2, 50),
                    number(args, 3, 200));
            case "node-death" -> new ControllerReactions().nodeDeath(args.length > 1 ? args[1] : "memory", number(args, 2, 10),
                    number(args, 3, 10));
            case "store" -> new StoreWrites().run(args.length > 1 ? args[1] : "all", number(args, 2, 8), number(args, 3, 20_000));
            case "scheduler" -> new SchedulerThroughput().run(number(args, 1, 5000), number(args, 2, 10_000),
                    args.length > 3 ? args[3] : "spread", args.length > 4 ? args[4] : "memory");
            case "rs-reconcile" -> new ReplicaSetReconcile().run(args.length > 1 ? args[1] : "memory", number(args, 2, 1000),
                    number(args, 3, 3));
            case "proxy" -> new ProxyThroughput().run(number(args, 1, 10), number(args, 2, 50), number(args, 3, 5000),
                    number(args, 4, 3));
            case "cluster-failover" -> new ClusterFailover().run(number(args, 1, 6), number(args, 2, 10));
            default -> System.out.println("""
                    usage: api [N] [CLIENTS] | api-open [RATE] [SECONDS] | api-list [N] [ROUNDS] | api-watches [N] [WRITES]
                           | pods [N] | deploy [REPLICAS] [ROUNDS] | pods-memory [PODS] | memory | store [memory|hazelcast|embedded|etcd|all] [WRITERS] [N]
                           | store-watches [memory|hazelcast|embedded|etcd|all] [WATCHERS] [WRITES] | leader [RUNS] | leader-jvm [RUNS]
                           | endpoints [BACKEND] [PODS] [ROUNDS] | node-death [BACKEND] [PODS] [ROUNDS]
                           | scheduler [NODES] [PODS] [spread|binpack] [memory|hazelcast|embedded|etcd]
                           | rs-reconcile [memory|hazelcast|embedded|etcd] [N] [REPLICAS]
                           | proxy [SECONDS] [CONNS] [HELD] [ROUNDS] | cluster-failover [REPLICAS] [ROUNDS]
                    node API at %s (-Dgantry.api=URL to change); see benchmarks/README.md""".formatted(NodeApi.URL));
        }
    }

    private static int number(String[] args, int index, int otherwise) {
        return args.length > index ? Integer.parseInt(args[index]) : otherwise;
    }
}
