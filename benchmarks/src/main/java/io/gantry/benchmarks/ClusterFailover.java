package io.gantry.benchmarks;

import static io.gantry.benchmarks.NodeApi.NAMESPACE;
import static io.gantry.benchmarks.NodeApi.PODS;
import static io.gantry.benchmarks.NodeApi.expect;

import com.fasterxml.jackson.databind.JsonNode;
import io.gantry.api.json.Json;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * {@code cluster-failover REPLICAS ROUNDS}: a worker of a real local cluster ({@code ./gantry
 * cluster up 3}: node-1 the control plane, node-2 and node-3 workers) dies as a machine does, and a
 * Deployment of REPLICAS pods of {@code gantry/httpd:1.0} gets its replicas back on the nodes
 * left. Per round, with the replicas spread over the three nodes first (scaled to 0 and back, so
 * every round starts from the same placement), {@code ./gantry cluster kill} of the victim (node-3
 * and node-2 in turn) and, from the instant before that command is invoked, node-1's API polled
 * every 20 ms: time to the victim's JVM gone (the command's own start-up is in it), to its Node
 * Ready=Unknown, to its pods deleted, to the first replacement pod created, and to REPLICAS pods
 * Running with every container ready, none on the victim. Then {@code ./gantry cluster start}
 * brings the victim back, Ready, before the next round. One round more first, not counted, warms
 * the JITs of the nodes.
 *
 * <p>There is no peer: nothing else on this machine runs three nodes on one engine. The ratio
 * printed is against the goal of the failover issue, all replicas back within 5 s.
 */
final class ClusterFailover {

    private static final String DEPLOYMENT = "failover";
    private static final String DEPLOYMENTS = "/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments";
    private static final String SELECTOR = "app%3D" + DEPLOYMENT;
    /** The workers of {@code ./gantry cluster up 3}; node-1 runs the controllers and the API polled. */
    private static final String[] VICTIMS = {"node-3", "node-2"};
    private static final long POLL_MILLIS = 20;
    private static final long TARGET_MILLIS = 5_000;
    private static final Duration TIMEOUT = Duration.ofSeconds(120);

    private final NodeApi api = new NodeApi();
    private final Path launcher = launcher();

    void run(int replicas, int rounds) throws Exception {
        String loadBefore = loadAverage();
        requireCluster();
        boolean madeNamespace = api.ensureNamespace();
        expect(201, api.send("POST", DEPLOYMENTS, deployment(replicas, NodeApi.runId())));
        System.out.printf(Locale.ROOT, "cluster-failover: deployment %s/%s of %d replicas (%s), %d round(s) and 1 to warm up;"
                + " a worker killed with ./gantry cluster kill, node-1's API polled every %d ms%n",
                NAMESPACE, DEPLOYMENT, replicas, "gantry/httpd:1.0", rounds, POLL_MILLIS);
        Latencies jvmGone = new Latencies();
        Latencies killReturned = new Latencies();
        Latencies nodeUnknown = new Latencies();
        Latencies victimPodsGone = new Latencies();
        Latencies firstReplacement = new Latencies();
        Latencies allRunning = new Latencies();
        String down = null;
        try {
            for (int round = 0; round <= rounds; round++) {
                String victim = VICTIMS[round % VICTIMS.length];
                Set<String> onVictim = spread(replicas, victim);
                down = victim;
                Round r = failover(replicas, victim, onVictim);
                long startNanos = System.nanoTime();
                launch("start", victim);
                down = null;
                System.out.printf(Locale.ROOT, "  %s %s (%d of %d pods): JVM gone %,d ms; kill returned %,d ms; Node Unknown %,d ms;"
                                + " its pods deleted %,d ms; first replacement %,d ms; all %d Running %,d ms; back Ready in %.1f s%n",
                        round == 0 ? "warm-up " : String.format(Locale.ROOT, "round %2d", round), victim, onVictim.size(),
                        replicas, millis(r.jvmGone), millis(r.killReturned), millis(r.nodeUnknown), millis(r.victimPodsGone),
                        millis(r.firstReplacement), replicas, millis(r.allRunning), (System.nanoTime() - startNanos) / 1e9);
                if (round > 0) {
                    if (r.jvmGone >= 0) { // its pid was found
                        jvmGone.add(r.jvmGone);
                    }
                    killReturned.add(r.killReturned);
                    nodeUnknown.add(r.nodeUnknown);
                    victimPodsGone.add(r.victimPodsGone);
                    firstReplacement.add(r.firstReplacement);
                    allRunning.add(r.allRunning);
                }
            }
        } finally {
            if (down != null) { // a round failed with its victim down: leave the cluster whole
                launch("start", down);
            }
            cleanUp(madeNamespace);
        }
        System.out.println(" from the instant before ./gantry cluster kill is invoked (it SIGKILLs the JVM, then the containers):");
        jvmGone.print("victim JVM gone (SIGKILL)", Double.NaN);
        killReturned.print("kill command returned", Double.NaN);
        nodeUnknown.print("victim Node Ready=Unknown", Double.NaN);
        victimPodsGone.print("victim's pods deleted", Double.NaN);
        firstReplacement.print("first replacement created", Double.NaN);
        allRunning.print("all replicas Running", Double.NaN);
        System.out.printf(Locale.ROOT, "  %-30s p50 x%.2f   p99 x%.2f   max x%.2f%n", "all Running / target 5 s",
                allRunning.p50() / TARGET_MILLIS, allRunning.p99() / TARGET_MILLIS, allRunning.max() / TARGET_MILLIS);
        System.out.println("  context, not measured: Kubernetes with its defaults about 5 m 40 s (node-monitor-grace-period 40 s"
                + " + the default toleration of 300 s); Docker Swarm about 15 s");
        System.out.printf(Locale.ROOT, "  load average (1, 5, 15 min): before %s, after %s%n", loadBefore, loadAverage());
    }

    /** What one round observed, each in nanoseconds from the instant before the kill command. */
    private record Round(long jvmGone, long killReturned, long nodeUnknown, long victimPodsGone, long firstReplacement,
            long allRunning) {
    }

    /**
     * Kills the victim and polls until the Deployment has all its replicas Running elsewhere. Each
     * instant is taken when the answer that shows it arrived: late by at most one poll.
     */
    private Round failover(int replicas, String victim, Set<String> onVictim) throws Exception {
        Set<String> before = names(pods());
        File output = File.createTempFile("gantry-kill", ".log");
        ProcessHandle jvm = jvmOf(victim);
        long start = System.nanoTime();
        AtomicLong jvmGone = watchEnd(jvm, start);
        Process kill = new ProcessBuilder(launcher.toString(), "cluster", "kill", victim).redirectErrorStream(true)
                .redirectOutput(output).start();
        // the JVM dies inside the command, which then kills the containers: poll while it runs
        AtomicLong killReturned = new AtomicLong(-1);
        kill.onExit().thenRun(() -> killReturned.set(System.nanoTime() - start));
        long nodeUnknown = -1;
        long podsGone = -1;
        long firstNew = -1;
        long deadline = start + TIMEOUT.toNanos();
        while (true) {
            long tick = System.nanoTime();
            if (nodeUnknown < 0 && !"True".equals(readyOf(node(victim)))) {
                nodeUnknown = System.nanoTime() - start;
            }
            JsonNode pods = pods();
            long seen = System.nanoTime() - start;
            Set<String> now = names(pods);
            if (podsGone < 0 && onVictim.stream().noneMatch(now::contains)) {
                podsGone = seen;
            }
            if (firstNew < 0 && !before.containsAll(now)) {
                firstNew = seen;
            }
            if (running(pods, p -> !victim.equals(p.path("spec").path("nodeName").asText())) >= replicas) {
                kill.waitFor();
                int code = kill.exitValue();
                String said = Files.readString(output.toPath(), StandardCharsets.UTF_8);
                output.delete();
                if (code != 0) {
                    throw new IllegalStateException("./gantry cluster kill " + victim + " failed (" + code + "): " + said);
                }
                // onExit runs on another thread, an instant after waitFor returns
                while (killReturned.get() < 0 || jvm != null && jvmGone.get() < 0) {
                    Thread.onSpinWait();
                }
                return new Round(jvmGone.get(), killReturned.get(), nodeUnknown, podsGone, firstNew, seen);
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(replicas + " replicas of " + DEPLOYMENT + " were not Running off " + victim
                        + " within " + TIMEOUT.toSeconds() + " s of its kill; Node Unknown " + millis(nodeUnknown)
                        + " ms, pods: " + summary(pods));
            }
            long sleep = POLL_MILLIS - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - tick);
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
        }
    }

    /** The victim's JVM, from the karaf.pid of its folder in the cluster's; null when not found. */
    private ProcessHandle jvmOf(String victim) {
        String home = System.getenv("GANTRY_CLUSTER_HOME");
        Path nodes = home != null ? Path.of(home) : launcher.getParent().resolve(".gantry");
        Path pidFile = nodes.resolve(victim).resolve("karaf.pid");
        try {
            return ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElse(null);
        } catch (IOException | NumberFormatException e) {
            return null;
        }
    }

    /**
     * The instant {@code jvm} is gone, from {@code start}, as a thread that looks every millisecond
     * sees it: where the kill command's own start-up ends and the cluster's detection begins.
     */
    private static AtomicLong watchEnd(ProcessHandle jvm, long start) {
        AtomicLong gone = new AtomicLong(-1);
        if (jvm != null) {
            Thread watcher = new Thread(() -> {
                try {
                    while (jvm.isAlive()) {
                        Thread.sleep(1);
                    }
                    gone.set(System.nanoTime() - start);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "jvm-watch");
            watcher.setDaemon(true);
            watcher.start();
        }
        return gone;
    }

    /**
     * Scales the Deployment to 0 and back to {@code replicas} once the victim is Ready and
     * untainted, so that the scheduler spreads the new pods over all three nodes; returns the pods
     * placed on the victim. Without that, the replacements of the last round would all sit on the
     * other nodes and a kill would take nothing down.
     */
    private Set<String> spread(int replicas, String victim) throws Exception {
        // the unreachable taints go a moment after Ready: until then the scheduler passes the node by
        await("node " + victim + " Ready, without the node lifecycle controller's taints", () -> {
            JsonNode node = node(victim);
            boolean tainted = false;
            for (JsonNode taint : node.path("spec").path("taints")) {
                tainted |= taint.path("key").asText().startsWith("node.kubernetes.io/");
            }
            return "True".equals(readyOf(node)) && !tainted;
        });
        for (int attempt = 1; ; attempt++) {
            scale(0);
            await("no pod of " + DEPLOYMENT + " left", () -> pods().path("items").isEmpty());
            scale(replicas);
            await(replicas + " pods of " + DEPLOYMENT + " Running", () -> running(pods(), p -> true) == replicas);
            Set<String> onVictim = new HashSet<>();
            for (JsonNode pod : pods().path("items")) {
                if (victim.equals(pod.path("spec").path("nodeName").asText())) {
                    onVictim.add(pod.path("metadata").path("name").asText());
                }
            }
            if (!onVictim.isEmpty()) {
                return onVictim;
            }
            if (attempt == 3) {
                throw new IllegalStateException("the scheduler placed none of " + replicas + " pods on " + victim
                        + " three times: " + summary(pods()));
            }
        }
    }

    /**
     * The Deployment: pods of gantry/httpd:1.0 (built into the local engine, no registry), which
     * stop at once on TERM and are given 1 s to, so that scaling to 0 between rounds is quick. No
     * readiness probe: Ready is every container started, the state the replacements are timed to.
     */
    private static String deployment(int replicas, String run) {
        return """
                {"apiVersion": "apps/v1", "kind": "Deployment",
                 "metadata": {"name": "%s", "labels": {"bench": "%s"}},
                 "spec": {"replicas": %d, "selector": {"matchLabels": {"app": "%s"}},
                  "template": {"metadata": {"labels": {"app": "%s", "bench": "%s"}},
                   "spec": {"terminationGracePeriodSeconds": 1,
                    "containers": [{"name": "httpd", "image": "gantry/httpd:1.0", "imagePullPolicy": "IfNotPresent",
                     "ports": [{"containerPort": 80}],
                     "resources": {"requests": {"cpu": "50m", "memory": "16Mi"}, "limits": {"memory": "64Mi"}}}]}}}}
                """.formatted(DEPLOYMENT, run, replicas, DEPLOYMENT, DEPLOYMENT, run);
    }

    /** Pods of the Deployment in phase Running, not being deleted, every container ready. */
    private static int running(JsonNode pods, Predicate<JsonNode> where) {
        int count = 0;
        for (JsonNode pod : pods.path("items")) {
            JsonNode statuses = pod.path("status").path("containerStatuses");
            boolean ready = !statuses.isEmpty();
            for (JsonNode status : statuses) {
                ready &= status.path("ready").asBoolean(false);
            }
            if (ready && "Running".equals(pod.path("status").path("phase").asText())
                    && pod.path("metadata").path("deletionTimestamp").isMissingNode() && where.test(pod)) {
                count++;
            }
        }
        return count;
    }

    private void requireCluster() throws Exception {
        HttpResponse<String> nodes = api.send("GET", "/api/v1/nodes", null);
        Set<String> ready = new HashSet<>();
        if (nodes.statusCode() == 200) {
            for (JsonNode node : Json.mapper().readTree(nodes.body()).path("items")) {
                if ("True".equals(readyOf(node))) {
                    ready.add(node.path("metadata").path("name").asText());
                }
            }
        }
        if (!ready.containsAll(Set.of("node-1", "node-2", "node-3"))) {
            throw new IllegalStateException("cluster-failover needs node-1..node-3 Ready (./gantry cluster up 3), and "
                    + NodeApi.URL + " answered " + nodes.statusCode() + " with Ready nodes " + ready);
        }
    }

    private void cleanUp(boolean madeNamespace) throws Exception {
        // scaled to 0 first, so that the pods are gone before this returns, whatever the garbage collector's pace
        scale(0);
        await("no pod of " + DEPLOYMENT + " left", () -> pods().path("items").isEmpty());
        expect(200, api.send("DELETE", DEPLOYMENTS + "/" + DEPLOYMENT, null));
        if (madeNamespace) {
            expect(200, api.send("DELETE", "/api/v1/namespaces/" + NAMESPACE, null));
        }
    }

    private void scale(int replicas) throws Exception {
        HttpRequest patch = HttpRequest.newBuilder(URI.create(NodeApi.URL + DEPLOYMENTS + "/" + DEPLOYMENT))
                .timeout(Duration.ofSeconds(60)).header("Accept", "application/json")
                .header("Content-Type", "application/merge-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"spec\": {\"replicas\": " + replicas + "}}"))
                .build();
        expect(200, api.http().send(patch, HttpResponse.BodyHandlers.ofString()));
    }

    private JsonNode pods() throws Exception {
        return Json.mapper().readTree(expect(200, api.send("GET", PODS + "?labelSelector=" + SELECTOR, null)).body());
    }

    private JsonNode node(String name) throws Exception {
        return Json.mapper().readTree(expect(200, api.send("GET", "/api/v1/nodes/" + name, null)).body());
    }

    private static String readyOf(JsonNode node) {
        for (JsonNode condition : node.path("status").path("conditions")) {
            if ("Ready".equals(condition.path("type").asText())) {
                return condition.path("status").asText();
            }
        }
        return null;
    }

    private static Set<String> names(JsonNode pods) {
        Set<String> names = new HashSet<>();
        pods.path("items").forEach(p -> names.add(p.path("metadata").path("name").asText()));
        return names;
    }

    /** Each pod as name@node:phase, for the error that says where a round got stuck. */
    private static String summary(JsonNode pods) {
        StringBuilder text = new StringBuilder();
        for (JsonNode pod : pods.path("items")) {
            text.append(text.isEmpty() ? "" : ", ").append(pod.path("metadata").path("name").asText()).append('@')
                    .append(pod.path("spec").path("nodeName").asText("-")).append(':')
                    .append(pod.path("status").path("phase").asText("?"))
                    .append(pod.path("metadata").has("deletionTimestamp") ? " (deleting)" : "");
        }
        return text.isEmpty() ? "none" : text.toString();
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!check.holds()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not within " + TIMEOUT.toSeconds() + " s: " + what);
            }
            Thread.sleep(50);
        }
    }

    /** {@code ./gantry cluster COMMAND NODE}; its output only when it fails. */
    private void launch(String command, String node) throws Exception {
        Process process = new ProcessBuilder(launcher.toString(), "cluster", command, node).redirectErrorStream(true)
                .start();
        String said = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IllegalStateException("./gantry cluster " + command + " " + node + " failed: " + said);
        }
    }

    /** The launcher of this checkout: {@code -Dgantry.launcher}, else ./gantry from here or the parent folder. */
    private static Path launcher() {
        String named = System.getProperty("gantry.launcher");
        if (named != null) {
            return Path.of(named).toAbsolutePath();
        }
        Path here = Path.of("").toAbsolutePath();
        for (Path dir = here; dir != null; dir = dir.getParent()) {
            if (Files.isExecutable(dir.resolve("gantry")) && Files.isDirectory(dir.resolve("benchmarks"))) {
                return dir.resolve("gantry");
            }
        }
        throw new IllegalStateException("no ./gantry above " + here + ": run from the checkout, or -Dgantry.launcher=PATH");
    }

    /** The first three fields of /proc/loadavg, what uptime prints. */
    private static String loadAverage() {
        try {
            String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    private static long millis(long nanos) {
        return nanos < 0 ? -1 : TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
